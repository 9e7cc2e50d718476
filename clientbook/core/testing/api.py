"""API test cases for a kit model: a model's tests inherit ``SpecApiTests`` and name the spec.

Every operation the spec's router serves is called as each kind of caller (anonymous, a user
without a role, a read-only role, a writer, an administrator); who must be let through is taken
from the model's permissions, so the expectations cannot drift from what the roles grant. Then
the contract every kit model keeps: the error envelope, ETag and a stale ``If-Match`` (412), 404
for a missing record, 400 for an unknown query parameter, restore after delete, history and
as-of, and a ceiling on the list's queries.

    class TestContactApi(SpecApiTests):
        spec = CONTACTS
        factory = ContactFactory
        create_body = {"name": "Ada"}
        patch_body = {"job_title": "CTO"}

Needs the project's ``users`` fixture (one user per role, keyed by role name).
"""

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

import pytest
from django.contrib.auth import get_user_model
from django.db import models
from django.test import Client
from django.utils import timezone

from clientbook.core.kit.api_options import api_path
from clientbook.core.permissions import can
from clientbook.core.records import bulk

ANONYMOUS = "anonymous"
NO_ROLE = "no-role"
MISSING_KEY = "0"


@dataclass(frozen=True)
class ApiCall:
    """One operation: its method, path under the model's base (``{key}`` is the record's key),
    the permission it needs, and the status it answers when allowed."""

    name: str
    method: str
    path: str
    permission: str
    success: int
    needs_deleted: bool = False

    def body(self, tests: "SpecApiTests", record: models.Model | None = None) -> dict[str, Any] | None:
        if self.name == "create":
            return tests.body_for_create()
        if self.name == "update":
            return tests.patch_body
        if self.name == "bulk":
            keys = [key_of(record)] if record is not None else []
            return {**tests.bulk_body, ("codes" if tests.spec.has_code else "ids"): keys}
        return None


def has_bulk(spec: Any) -> bool:
    """The spec's router serves ``POST /bulk``: one of its bulk actions can run."""
    return any(action.run is not None for action in spec.bulk_actions)


def operations_of(spec: Any) -> list[ApiCall]:
    """The operations ``router_for(spec)`` serves, as the calls a test makes."""
    if spec.append_only:
        return [ApiCall("list", "GET", "", "view", 200), ApiCall("retrieve", "GET", "/{key}", "view", 200)]
    calls = [
        ApiCall("list", "GET", "", "view", 200),
        ApiCall("create", "POST", "", "add", 201),
        ApiCall("retrieve", "GET", "/{key}", "view", 200),
        ApiCall("update", "PATCH", "/{key}", "change", 200),
        ApiCall("delete", "DELETE", "/{key}", "delete", 204),
        ApiCall("restore", "POST", "/{key}/restore", "delete", 200, needs_deleted=True),
        ApiCall("history", "GET", "/{key}/history", "view", 200),
    ]
    calls += [
        ApiCall(action.key, "POST", f"/{{key}}/{action.key}", action.permission, 200) for action in spec.record_actions
    ]
    if has_bulk(spec):
        calls.append(ApiCall("bulk", "POST", "/bulk", "change", 200))
    return calls


def permission_rows(spec: Any) -> dict[str, tuple[str, frozenset[str]]]:
    """Every operation of the spec's router as the permission matrix keys it (``"GET /api/v1/contacts/{id}"``),
    with the permission it needs and the roles the spec grants that permission; none without an API."""
    if spec.api is None:
        return {}
    key = "{" + ("id" if spec.lookup == "pk" else spec.lookup) + "}"
    as_of = [] if spec.append_only else [ApiCall("as-of", "GET", "/{key}/as-of", "view", 200)]
    calls = [*operations_of(spec), *as_of]
    return {
        f"{call.method} /api/v1{api_path(spec)}{call.path.replace('{key}', key)}": (
            call.permission,
            frozenset(spec.read_roles if call.permission == "view" else spec.write_roles),
        )
        for call in calls
    }


def key_of(record: models.Model) -> str:
    return str(getattr(record, "code", None) or record.pk)


def assert_envelope(response: Any) -> dict[str, Any]:
    """The body is the API's error envelope: a detail and a list of field errors."""
    body: dict[str, Any] = response.json()
    assert isinstance(body.get("detail"), str) and body["detail"], body
    assert isinstance(body.get("errors"), list), body
    for error in body["errors"]:
        assert set(error) == {"field", "message"}, body
    return body


class SpecApiTests:
    """Inherit and set ``spec``, ``factory``, ``create_body`` (or ``body_for_create``), ``patch_body``,
    for a spec with bulk actions ``bulk_body``, and ``action_records`` for an action a fresh record is not for."""

    spec: ClassVar[Any]
    factory: ClassVar[Callable[..., models.Model]]
    create_body: ClassVar[dict[str, Any]] = {}
    patch_body: ClassVar[dict[str, Any]]
    # The action and its values for POST /bulk (when the spec has bulk actions); the records are added.
    bulk_body: ClassVar[dict[str, Any]] = {}
    # Factory values of a record each record action applies to, by action key ("unpin": a pinned note).
    action_records: ClassVar[dict[str, dict[str, Any]]] = {}
    # Which project role plays which kind of caller.
    roles: ClassVar[dict[str, str]] = {"read-only": "support", "writer": "sales", "admin": "admin"}
    list_size: ClassVar[int] = 8
    # Session, user, permissions, the count and the page (PostgreSQL: one more); a query per row would pass it.
    max_list_queries: ClassVar[int] = 10
    max_retrieve_queries: ClassVar[int] = 7

    @property
    def base_path(self) -> str:
        return f"/api/v1{api_path(self.spec)}"

    @pytest.fixture
    def callers(self, users: dict[str, Any]) -> dict[str, Any]:
        no_role = get_user_model().objects.create_user(username="no-role-user", password="unused-Password-1")
        return {ANONYMOUS: None, NO_ROLE: no_role, **{kind: users[role] for kind, role in self.roles.items()}}

    def body_for_create(self) -> dict[str, Any]:
        """A valid body for POST; override when it names other records (made here, per test)."""
        return dict(self.create_body)

    def client_as(self, user: Any) -> Client:
        client = Client()
        if user is not None:
            client.force_login(user)
        return client

    def send(self, user: Any, method: str, path: str, body: Any = None, query: Any = None, **headers: str) -> Any:
        client = self.client_as(user)
        url = self.base_path + path
        if method == "GET":
            return client.get(url, query or {}, headers=headers)
        data = json.dumps(body) if body is not None else ""
        return client.generic(method, url, data, content_type="application/json", headers=headers)

    def deleted(self) -> models.Model:
        record = self.factory()
        record.deleted_at = timezone.now()  # type: ignore[attr-defined]
        record.save(update_fields=["deleted_at"])
        return record

    @pytest.fixture
    def admin(self, callers: dict[str, Any]) -> Any:
        return callers["admin"]

    # --- Every operation × every kind of caller ------------------------------------------------

    @pytest.mark.parametrize("kind", [ANONYMOUS, NO_ROLE, "read-only", "writer", "admin"])
    def test_every_operation_answers_each_caller_as_its_permissions_say(
        self, db: Any, callers: dict[str, Any], kind: str
    ) -> None:
        user = callers[kind]
        for call in operations_of(self.spec):
            record = self.deleted() if call.needs_deleted else self.factory(**self.action_records.get(call.name, {}))
            response = self.send(user, call.method, call.path.format(key=key_of(record)), call.body(self, record))
            what = f"{call.method} {call.path} as {kind}"
            if user is None:
                assert response.status_code == 401, what
                assert_envelope(response)
            elif not can(user, call.permission, self.spec.model) or not (
                call.permission in ("view", "add") or self.spec.may_write(user, record)
            ):
                assert response.status_code == 403, what
                assert_envelope(response)
            else:
                assert response.status_code == call.success, f"{what}: {response.content[:500]!r}"

    # --- The contract --------------------------------------------------------------------------

    def test_a_record_carries_its_version_and_a_stale_if_match_is_refused(self, db: Any, admin: Any) -> None:
        record = self.factory()
        path = f"/{key_of(record)}"
        read = self.send(admin, "GET", path)
        assert read.status_code == 200
        assert read["ETag"] == f'"{record.version}"'  # type: ignore[attr-defined]
        changed = self.send(admin, "PATCH", path, self.patch_body, **{"If-Match": read["ETag"]})
        assert changed.status_code == 200, changed.content
        assert changed["ETag"] == f'"{record.version + 1}"'  # type: ignore[attr-defined]

        stale = self.send(admin, "PATCH", path, self.patch_body, **{"If-Match": read["ETag"]})

        assert stale.status_code == 412
        assert assert_envelope(stale)["current_version"] == record.version + 1  # type: ignore[attr-defined]

    def test_a_missing_record_is_404_for_every_operation_on_one(self, db: Any, admin: Any) -> None:
        for call in operations_of(self.spec):
            if "{key}" in call.path:
                response = self.send(admin, call.method, call.path.format(key=MISSING_KEY), call.body(self))
                assert response.status_code == 404, f"{call.method} {call.path}"
                assert_envelope(response)

    def test_an_unknown_query_parameter_is_refused_naming_it(self, db: Any, admin: Any) -> None:
        response = self.send(admin, "GET", "", query={"no_such_filter": "1"})

        assert response.status_code == 400
        assert "no_such_filter" in assert_envelope(response)["detail"]

    def test_invalid_input_is_422_naming_the_field(self, db: Any, admin: Any) -> None:
        response = self.send(admin, "POST", "", {**self.body_for_create(), "no_such_field": 1})

        assert response.status_code == 422
        assert "no_such_field" in {error["field"] for error in assert_envelope(response)["errors"]}

    def test_delete_then_restore_brings_the_record_back(self, db: Any, admin: Any) -> None:
        record = self.factory()
        path = f"/{key_of(record)}"

        assert self.send(admin, "DELETE", path).status_code == 204
        assert self.send(admin, "GET", path).status_code == 404
        assert self.send(admin, "POST", path + "/restore").status_code == 200
        assert self.send(admin, "GET", path).status_code == 200

    def test_history_and_as_of_read_the_audit_trail(self, db: Any, admin: Any) -> None:
        created = self.send(admin, "POST", "", self.body_for_create())
        assert created.status_code == 201, created.content
        key = str(created.json().get("code") or created.json()["id"])

        history = self.send(admin, "GET", f"/{key}/history")
        now = self.send(admin, "GET", f"/{key}/as-of", query={"at": timezone.now().isoformat()})
        before = self.send(admin, "GET", f"/{key}/as-of", query={"at": "2000-01-01T00:00:00Z"})

        assert history.status_code == 200
        assert [event["action"] for event in history.json()["items"]] == ["create"]
        assert now.status_code == 200 and now.json()["recorded_action"] == "create"
        assert before.status_code == 404

    def test_a_bulk_change_is_one_operation_on_keys_or_all_matching_that_undoes(self, db: Any, admin: Any) -> None:
        if not has_bulk(self.spec):
            pytest.skip("the spec has no bulk actions")
        records = [self.factory() for _ in range(2)]
        keys_field = "codes" if self.spec.has_code else "ids"

        by_keys = self.send(admin, "POST", "/bulk", {**self.bulk_body, keys_field: [key_of(r) for r in records]})
        matching = self.send(admin, "POST", "/bulk", {**self.bulk_body, "filter": {}})
        unknown = self.send(admin, "POST", "/bulk", {**self.bulk_body, keys_field: [MISSING_KEY]})

        assert by_keys.status_code == 200, by_keys.content
        assert by_keys.json()["selected"] == 2
        assert matching.status_code == 200 and matching.json()["selected"] >= 2
        assert unknown.status_code == 422, unknown.content
        assert [e["field"].split(".")[0] for e in assert_envelope(unknown)["errors"]] == [keys_field]
        # The operations' own endpoint is the project's (tests/api/test_bulk.py); its undo is this.
        undone = bulk.undo(user=admin, operation=bulk.get_operation(matching.json()["operation"]))
        assert str(undone.undoes_id) == matching.json()["operation"]

    def test_list_and_retrieve_stay_under_their_query_ceilings(
        self, db: Any, admin: Any, django_assert_max_num_queries: Any
    ) -> None:
        records = [self.factory() for _ in range(self.list_size)]
        client = self.client_as(admin)
        client.get(self.base_path)  # the session and permission caches are warm, as in use

        with django_assert_max_num_queries(self.max_list_queries):
            listed = client.get(self.base_path)
        with django_assert_max_num_queries(self.max_retrieve_queries):
            retrieved = client.get(f"{self.base_path}/{key_of(records[0])}")

        assert listed.status_code == 200 and listed.json()["count"] >= self.list_size
        assert retrieved.status_code == 200
