"""Every generic page of a spec × anonymous, no role, read-only role, writer and admin, with a query ceiling.

A model's tests inherit it by naming the spec and a factory of saved records::

    class TestContactPages(SpecWebTests):
        spec = CONTACTS
        factory = ContactFactory

The expected answers come from the spec (who may view, who may write), so a page cannot escape the
matrix. It needs the project's ``make_user(role)`` fixture (a user holding a role's group).
"""

from collections.abc import Callable
from typing import Any, ClassVar

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django.utils.module_loading import autodiscover_modules

from clientbook.core.kit import writes
from clientbook.core.kit.registration import record_url
from clientbook.core.kit.spec import ModelSpec, all_specs, spec_for
from clientbook.core.kit.tabs import child_tab_url
from clientbook.core.sensitive import encrypted_fields

ANONYMOUS, NO_ROLE, READER, WRITER, ADMIN = "anonymous", "no role", "read-only", "writer", "admin"
WHO = (ANONYMOUS, NO_ROLE, READER, WRITER, ADMIN)
# (page, the permission it needs, HTTP method)
PAGES = (
    ("list", "view", "get"),
    ("detail", "view", "get"),
    ("history", "view", "get"),
    ("tab", "view", "get"),
    ("create", "add", "get"),
    ("edit", "change", "get"),
    ("delete", "delete", "get"),
    ("delete", "delete", "post"),
)


class SpecWebTests:
    spec: ClassVar[ModelSpec]
    factory: ClassVar[Callable[..., Any]]
    # Queries a page may run (session, user, permissions, the record, its relations, the list's count …).
    max_queries: ClassVar[int] = 30

    def _user(self, who: str, make_user: Callable[..., Any]) -> Any:
        if who == ANONYMOUS:
            return None
        if who == NO_ROLE:
            return get_user_model().objects.create_user(username="no-role", password="x")
        if who == ADMIN:
            return make_user("admin")
        if who == WRITER:
            return make_user(next(role for role in self.spec.write_roles if role != "admin"))
        return make_user(next(role for role in self.spec.read_roles if role not in self.spec.write_roles))

    def _url(self, page: str, record: Any) -> str | None:
        if page in ("list", "create"):
            return reverse(self.spec.url_name(page))
        if page == "tab":
            if self.spec.parent is None:
                return None
            return child_tab_url(self.spec, getattr(record, self.spec.parent.field))
        return record_url(self.spec, page, record)

    def _allowed(self, who: str, action: str) -> bool:
        """What the spec grants: writers everything, read-only roles viewing, a user without a role nothing."""
        if who == ADMIN:
            return "admin" in self.spec.write_roles or (action == "view" and "admin" in self.spec.read_roles)
        return who == WRITER or (who == READER and action == "view")

    @pytest.mark.parametrize("who", WHO)
    @pytest.mark.parametrize(("page", "action", "method"), PAGES)
    def test_page_answers_by_role(
        self, who: str, page: str, action: str, method: str, make_user: Any, django_assert_max_num_queries: Any
    ) -> None:
        if self.spec.append_only and (who == WRITER or page not in ("list", "detail", "tab")):
            pytest.skip(f"{self.spec.title} are append-only: no one writes them through the kit.")
        record = type(self).factory()
        url = self._url(page, record)
        if url is None:
            pytest.skip(f"{self.spec.title} have no parent tab.")
        user = self._user(who, make_user)
        client = Client()
        if user is not None:
            client.force_login(user)
        with django_assert_max_num_queries(self.max_queries):
            response = client.post(url, {"version": record.version}) if method == "post" else client.get(url)
        if user is None:
            assert response.status_code == 302 and "/login" in response["Location"]
        elif self._allowed(who, action) and (action in ("view", "add") or self.spec.may_write(user, record)):
            assert response.status_code == (303 if method == "post" else 200), response.content[:500]
        else:
            assert response.status_code == 403


# --- The permission matrix's rows for every spec (tests/security/test_permission_matrix.py) -------------

_FACTORIES: dict[str, Callable[..., Any]] = {}


def register_factory(spec: ModelSpec, factory: Callable[..., Any]) -> None:
    """The factory of saved records the matrix uses for ``spec`` (called from the app's ``factories.py``)."""
    _FACTORIES[spec.label] = factory


def page_expectations() -> dict[str, tuple[frozenset[str] | None, frozenset[str] | None, str | None]]:
    """``{url name: (roles that may GET, roles that may POST, target)}`` for every spec's pages, from its roles.

    None is a method the page does not serve. Targets are keys of ``spec_targets()``. The targets are
    the system's records, so a spec's ``record_permission`` lets only its ``unrestricted_roles`` write them.
    """
    rows: dict[str, tuple[frozenset[str] | None, frozenset[str] | None, str | None]] = {}
    for spec in all_specs():
        readers, writers = frozenset(spec.read_roles) | frozenset(spec.write_roles), frozenset(spec.write_roles)
        creators = writers
        if spec.record_permission is not None:
            writers = writers & frozenset(spec.record_permission.unrestricted_roles)
        record, deleted = f"{spec.slug}:record", f"{spec.slug}:deleted"
        if spec.append_only:
            rows.update(
                {spec.url_name("list"): (readers, None, None), spec.url_name("detail"): (readers, None, record)}
            )
        else:
            rows.update(
                {
                    spec.url_name("list"): (readers, None, None),
                    spec.url_name("create"): (creators, creators, None),
                    spec.url_name("detail"): (readers, None, record),
                    spec.url_name("edit"): (writers, writers, record),
                    spec.url_name("delete"): (writers, writers, record),
                    spec.url_name("restore"): (None, writers, deleted),
                    spec.url_name("action"): (None, writers, record),
                    spec.url_name("history"): (readers, None, record),
                    spec.url_name("as_of"): (readers, None, record),
                    spec.url_name("revert"): (None, writers & {"admin"}, record),
                }
            )
        if encrypted_fields(spec.model):
            revealers = readers & frozenset(spec.sensitive_roles)
            rows[spec.url_name("reveal")] = (revealers, revealers, record)
        for link in spec.parents:
            parent = spec_for(spec.model._meta.get_field(link.field).related_model)  # type: ignore[arg-type]
            rows[parent.url_name(f"{spec.slug}_tab")] = (readers, None, _parent_target(spec, link.field))
            for view in link.views:
                rows[parent.url_name(f"{view.key}_tab")] = (readers, None, _parent_target(spec, link.field))
    return rows


def _parent_target(spec: ModelSpec, field: str) -> str:
    """The target key of a spec's parent through ``field``: ``activities:parent`` (the first link),
    ``activities:parent:lead`` (another)."""
    first = spec.parents[0].field
    return f"{spec.slug}:parent" if field == first else f"{spec.slug}:parent:{field}"


def spec_targets() -> dict[str, Any]:
    """For every spec: a record, a deleted record and (with a parent) the record's parent."""
    autodiscover_modules("factories")
    targets: dict[str, Any] = {}
    for spec in all_specs():
        factory = _FACTORIES[spec.label]
        record = factory()
        targets[f"{spec.slug}:record"] = record
        if not spec.append_only:
            deleted = factory()
            writes.delete(deleted, user=None)
            targets[f"{spec.slug}:deleted"] = deleted
        for link in spec.parents:
            # A record fills its first link; another link's parent is that parent model's own record.
            parent = getattr(record, link.field)
            if parent is None:
                parent = _FACTORIES[spec_for(spec.model._meta.get_field(link.field).related_model).label]()  # type: ignore[arg-type]
            targets[_parent_target(spec, link.field)] = parent
    return targets
