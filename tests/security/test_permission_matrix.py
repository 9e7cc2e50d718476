"""The permission matrix: every route and every API operation, for every kind of caller.

Routes are discovered from the URL conf and operations from the OpenAPI schema, and each must
have a row in ``PAGES`` or ``OPERATIONS`` below, so a new endpoint cannot escape the check: a
route without a row fails ("new endpoint … has no permission expectation"), and so does a row
whose route no longer exists.

Outcomes: a response is a *deny* when it is 401 or 403, or a redirect to the login page carrying
``next`` (how pages turn away anonymous visitors); 405 means the method is not served; anything
else (200, 201, 204, 302 elsewhere, a 404 or a 422 after the permission check) is an *allow*.
"""

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from clientbook.accounts import services as account_services
from clientbook.activities.specs import ACTIVITIES
from clientbook.api.api import api
from clientbook.core.kit.spec import all_specs
from clientbook.core.models import ExportJob, ImportJob
from clientbook.core.records import audit, bulk
from clientbook.core.sensitive import encrypted_fields
from clientbook.core.testing.api import permission_rows
from clientbook.core.testing.web import page_expectations, spec_targets
from clientbook.customers import bulk as customer_bulk
from clientbook.customers import services as customer_services
from clientbook.customers.factories import CustomerFactory
from clientbook.facility.specs import ACCESS_CARDS, EVENTS
from tests.conftest import PASSWORD, ROLES

ANONYMOUS = "anonymous"
NO_ROLE = "no-role"
CALLERS = (ANONYMOUS, NO_ROLE, *ROLES)

EVERYONE = frozenset(CALLERS)
LOGGED_IN = EVERYONE - {ANONYMOUS}
ANY_ROLE = frozenset(ROLES)
WRITERS = frozenset({"admin", "sales"})
ADMINS = frozenset({"admin"})
CARD_READERS = frozenset(ACCESS_CARDS.read_roles)
EVENT_READERS = frozenset(EVENTS.read_roles)
ACTIVITY_READERS = frozenset(ACTIVITIES.read_roles)
NOT_SERVED = None  # the method answers 405 (or a denial, for callers turned away before that)

ALLOW, DENY, METHOD_NOT_ALLOWED = "allow", "deny", "405"
API_PREFIX = "api/v1/"


@dataclass(frozen=True)
class Page:
    """Who may GET and who may POST a route; ``target`` names the object its URL addresses."""

    get: frozenset[str] | None
    post: frozenset[str] | None
    target: str | None = None


@dataclass(frozen=True)
class Operation:
    """Who may call an API operation, with the object its path addresses and a valid body."""

    allowed: frozenset[str]
    target: str | None = None
    body: dict[str, Any] | None = None


# Keyed by URL name. POST data is empty: a page checks permission before it reads the form.
PAGES: dict[str, Page] = {
    # A redirect to the customer list for everybody (which then decides).
    "home": Page(get=EVERYONE, post=EVERYONE),
    "accounts:login": Page(get=EVERYONE, post=EVERYONE),
    # Logging out when not logged in is harmless: everybody ends on the login page.
    "accounts:logout": Page(get=NOT_SERVED, post=EVERYONE),
    "accounts:user_list": Page(get=ADMINS, post=NOT_SERVED),
    "accounts:user_create": Page(get=ADMINS, post=ADMINS),
    "accounts:user_edit": Page(get=ADMINS, post=ADMINS, target="user"),
    "accounts:user_deactivate": Page(get=NOT_SERVED, post=ADMINS, target="user"),
    "accounts:user_reactivate": Page(get=NOT_SERVED, post=ADMINS, target="user"),
    # Everyone logged in changes their own password.
    "accounts:password_change": Page(get=LOGGED_IN, post=LOGGED_IN),
    # Everyone logged in manages their own tokens, a user without a role included.
    "accounts:token_list": Page(get=LOGGED_IN, post=NOT_SERVED),
    "accounts:token_create": Page(get=LOGGED_IN, post=LOGGED_IN),
    # The token belongs to another user: only an admin may revoke it.
    "accounts:token_revoke": Page(get=NOT_SERVED, post=ADMINS, target="token"),
    # The universal search page and the palette's fragment: everyone logged in, each finding what their
    # role may view (no role: nothing).
    "search:page": Page(get=LOGGED_IN, post=NOT_SERVED),
    "search:palette": Page(get=LOGGED_IN, post=NOT_SERVED),
    # Customers' list, page, create, edit, delete, restore, history and revert: their spec's rows
    # (page_expectations, below). Their own pages follow.
    # Bulk actions of the list (a GET without a selection is a refused form, 422) and the operations
    # they record: whoever may change customers.
    "customers:customer_bulk_status": Page(get=WRITERS, post=WRITERS),
    "customers:customer_bulk_add_labels": Page(get=WRITERS, post=WRITERS),
    "customers:customer_bulk_remove_labels": Page(get=WRITERS, post=WRITERS),
    "operations:operation_detail": Page(get=WRITERS, post=NOT_SERVED, target="operation"),
    "operations:operation_undo": Page(get=WRITERS, post=WRITERS, target="operation"),
    # GET is the form that blocking needs (a reason); POST applies a status change.
    "customers:customer_status": Page(get=WRITERS, post=WRITERS, target="customer"),
    # Converting a lead: whoever may change leads (and add or change customers); GET is the dialog.
    "leads:lead_convert": Page(get=WRITERS, post=WRITERS, target="leads:record"),
    # The audit log and its export are the administrators'; nothing writes events through a page.
    "audit:event_list": Page(get=ADMINS, post=NOT_SERVED),
    "audit:export": Page(get=ADMINS, post=NOT_SERVED),
    # The trash is for whoever may delete (and so restore) some model (support: tickets; the facility
    # operator: vehicles and cards); purging is the administrators'.
    "trash:trash": Page(get=WRITERS | {"support", "facility"}, post=NOT_SERVED),
    "trash:restore": Page(get=NOT_SERVED, post=WRITERS, target="deleted_customer"),
    "trash:purge": Page(get=ADMINS, post=ADMINS, target="deleted_customer"),
    # Whoever reads a list may export it; an export's progress and file are its author's and the admins'
    # (the target export belongs to another user).
    "exports:dialog": Page(get=ANY_ROLE, post=ANY_ROLE),
    "exports:job": Page(get=ADMINS, post=NOT_SERVED, target="export_job"),
    "exports:file": Page(get=ADMINS, post=NOT_SERVED, target="export_job"),
    # Whoever may add and change customers may import them; an import's pages are its author's and the
    # admins' (the target import belongs to another user). An empty POST is a refused form (422).
    "customers:customer_import": Page(get=WRITERS, post=WRITERS),
    "imports:upload": Page(get=WRITERS, post=WRITERS),
    "imports:template": Page(get=WRITERS, post=NOT_SERVED),
    "imports:job": Page(get=ADMINS, post=ADMINS, target="import_job"),
    "imports:progress": Page(get=ADMINS, post=NOT_SERVED, target="import_job"),
    "imports:errors": Page(get=ADMINS, post=NOT_SERVED, target="import_job"),
    "imports:run": Page(get=NOT_SERVED, post=ADMINS, target="import_job"),
    "imports:cancel": Page(get=NOT_SERVED, post=ADMINS, target="import_job"),
    "imports:undo": Page(get=ADMINS, post=ADMINS, target="import_job"),
    # A card's badge and QR images: whoever may view access cards.
    "access-cards:accesscard_badge": Page(get=CARD_READERS, post=NOT_SERVED, target="access-cards:record"),
    "access-cards:accesscard_qr_svg": Page(get=CARD_READERS, post=NOT_SERVED, target="access-cards:record"),
    "access-cards:accesscard_qr_png": Page(get=CARD_READERS, post=NOT_SERVED, target="access-cards:record"),
    # Who is inside: whoever may view the gate's events; a manual exit (of nobody inside here: a 404 once
    # allowed) needs its own permission, the facility operator's and the admin's.
    "zones:zone_presence": Page(get=EVENT_READERS, post=NOT_SERVED),
    "zones:zone_presence_exit": Page(get=NOT_SERVED, post=EVENT_READERS, target="presence"),
}

# Keyed by "METHOD /path" as the OpenAPI schema writes it; the schema and docs pages are public
# (they describe the API, they hold no data), everything else needs a token or a session.
OPERATIONS: dict[str, Operation] = {
    "GET /api/v1/": Operation(EVERYONE),  # Ninja's root: a redirect to the docs
    "GET /api/v1/openapi.json": Operation(EVERYONE),
    "GET /api/v1/docs": Operation(EVERYONE),
    "GET /api/v1/customers": Operation(ANY_ROLE),
    "POST /api/v1/customers": Operation(WRITERS, body={"kind": "person", "first_name": "Matrix", "last_name": "Probe"}),
    "GET /api/v1/customers/{code}": Operation(ANY_ROLE, target="customer"),
    "GET /api/v1/customers/{code}/as-of": Operation(ANY_ROLE, target="customer"),
    "PATCH /api/v1/customers/{code}": Operation(WRITERS, target="customer", body={"city": "Lagos"}),
    "DELETE /api/v1/customers/{code}": Operation(WRITERS, target="customer"),
    # Restoring is for whoever may delete; ?purge=true is refused to all but admins (tests/api).
    "POST /api/v1/customers/{code}/restore": Operation(WRITERS, target="deleted_customer"),
    # A customer's timeline: whoever may view activities (the customer must be visible too, else 404).
    "GET /api/v1/customers/{code}/timeline": Operation(ACTIVITY_READERS, target="customer"),
    # Converting a lead: whoever may change leads; the target lead has no look-alike customer, so it converts.
    "POST /api/v1/leads/{code}/convert": Operation(WRITERS, target="leads:record", body={}),
    "GET /api/v1/me": Operation(LOGGED_IN),
    # Everyone logged in searches what their role may view (no role: no groups, an empty answer).
    "GET /api/v1/search": Operation(LOGGED_IN),
    # The whole log is for administrators; one object's history (?object=CODE) for whoever may view it.
    "GET /api/v1/audit": Operation(ADMINS),
    # Bulk changes and their operations: whoever may change customers (filter {} selects them all).
    "POST /api/v1/customers/bulk": Operation(WRITERS, body={"action": "status", "status": "inactive", "filter": {}}),
    "GET /api/v1/operations/{operation_id}": Operation(WRITERS, target="operation"),
    "POST /api/v1/operations/{operation_id}/undo": Operation(WRITERS, target="operation"),
    # Whoever reads a list may export it. A background export is its author's and the admins': the target
    # belongs to another user, so any other caller gets 404 as for an import (an allow here; tests/api).
    "POST /api/v1/exports": Operation(ANY_ROLE, body={"model": "customers", "format": "csv", "fields": ["code"]}),
    "GET /api/v1/exports/{job_id}": Operation(LOGGED_IN, target="export_job"),
    "GET /api/v1/exports/{job_id}/file": Operation(LOGGED_IN, target="export_job"),
    # Whoever may add and change customers may import them (support and accounting are refused before the
    # file is read). An import is its author's and the admins': the target belongs to another user, so a
    # sales caller passes the permission check and then gets 404 (an allow here; tests/api/test_imports.py).
    "POST /api/v1/imports": Operation(WRITERS),
    "GET /api/v1/imports/{job_id}": Operation(WRITERS, target="import_job"),
    "GET /api/v1/imports/{job_id}/errors": Operation(WRITERS, target="import_job"),
    "POST /api/v1/imports/{job_id}/run": Operation(WRITERS, target="import_job"),
    "POST /api/v1/imports/{job_id}/cancel": Operation(WRITERS, target="import_job"),
    "POST /api/v1/imports/{job_id}/undo": Operation(WRITERS, target="import_job"),
    # A gate device's decision takes the device's own token: no user, whatever their role, gets past it (401).
    "POST /api/v1/access/decisions": Operation(frozenset(), body={"card_number": "C0000001"}),
}


# Kit models: every operation of a registered spec's router, allowed to the roles its spec grants the
# permission. Their path names a record no one has, so an allowed caller gets 404 (an allow).
KIT_MISSING = "kit_missing"
OPERATIONS.update(
    {
        key: Operation(allowed, target=KIT_MISSING)
        for spec in all_specs()
        if spec.api is not None
        for key, (_, allowed) in permission_rows(spec).items()
    }
)


# --- Discovery ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    name: str | None
    path: str  # as Django writes it: "customers/<str:code>/"
    kwargs: tuple[str, ...]

    @property
    def is_api(self) -> bool:
        return self.path.startswith(API_PREFIX)

    @property
    def api_path(self) -> str:
        """``api/v1/customers/<code>`` → ``/api/v1/customers/{code}`` (the OpenAPI spelling)."""
        return "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", self.path)


def _walk(patterns: list[Any], prefix: str = "", namespace: str = "") -> Iterator[Route]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}:{pattern.namespace}" if namespace and pattern.namespace else pattern.namespace
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern), inner or namespace)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}:{pattern.name}" if namespace and pattern.name else pattern.name
            kwargs = tuple(pattern.pattern.regex.groupindex)
            yield Route(name=name, path=prefix + str(pattern.pattern), kwargs=kwargs)


def discovered_routes() -> list[Route]:
    return list(_walk(get_resolver().url_patterns))


def discovered_pages() -> list[Route]:
    return [route for route in discovered_routes() if not route.is_api]


def schema_operations() -> list[str]:
    schema = api.get_openapi_schema()
    return sorted(f"{method.upper()} {path}" for path, methods in schema["paths"].items() for method in methods)


def _missing(kind: str, keys: list[str]) -> str:
    return "\n".join(f"new endpoint {key} has no permission expectation in {kind}" for key in keys)


def test_every_page_route_has_an_expectation() -> None:
    unnamed = [route.path for route in discovered_pages() if route.name is None]
    assert not unnamed, f"routes without a URL name cannot be checked: {unnamed}"
    missing = sorted({route.name for route in discovered_pages() if route.name not in PAGES})  # type: ignore[misc]
    assert not missing, _missing("PAGES", missing)


def test_every_api_operation_has_an_expectation() -> None:
    missing = [operation for operation in schema_operations() if operation not in OPERATIONS]
    assert not missing, _missing("OPERATIONS", missing)


def test_every_api_url_has_an_expectation() -> None:
    """Views mounted under the API but outside the schema (docs, schema, root) are covered too."""
    covered_paths = {key.split(" ", 1)[1] for key in OPERATIONS}
    missing = sorted({route.api_path for route in discovered_routes() if route.is_api} - covered_paths)
    assert not missing, _missing("OPERATIONS", missing)


def test_no_expectation_is_left_for_a_removed_endpoint() -> None:
    page_names = {route.name for route in discovered_pages()}
    api_paths = {route.api_path for route in discovered_routes() if route.is_api}
    known_operations = set(schema_operations())
    stale_pages = sorted(set(PAGES) - page_names)
    stale_operations = sorted(
        key for key in OPERATIONS if key not in known_operations and key.split(" ", 1)[1] not in api_paths
    )
    assert not stale_pages, f"PAGES rows for routes that no longer exist: {stale_pages}"
    assert not stale_operations, f"OPERATIONS rows for operations that no longer exist: {stale_operations}"


# Every model spec's pages (clientbook.core.kit): the expectations come from the specs' roles.
PAGES.update({name: Page(get, post, target) for name, (get, post, target) in page_expectations().items()})


# --- The checks ---------------------------------------------------------------------------------


@dataclass
class World:
    users: dict[str, Any]
    targets: dict[str, Any]
    tokens: dict[str, str]


def _deleted_customer() -> Any:
    customer = CustomerFactory()
    customer_services.delete_customer(user=None, customer=customer)
    return customer


def build_world() -> World:
    """A user of each kind with an API token, and every object a route or an operation addresses."""
    users = {
        role: account_services.create_user(username=f"{role}-user", role=role, password=PASSWORD, check_password=False)
        for role in ROLES
    }
    callers = {NO_ROLE: get_user_model().objects.create_user(username="no-role-user", password=PASSWORD), **users}
    other_user = account_services.create_user(
        username="other-user", role="support", password=PASSWORD, check_password=False
    )
    token, _ = account_services.create_api_token(user=other_user, name="someone else's")
    customer = CustomerFactory()
    targets = {
        **spec_targets(),
        "customer": customer,
        # A bulk operation of its own customer, so the customer above keeps a history of one event.
        "operation": customer_bulk.change_status(
            user=users["sales"], selection=bulk.Selection.of_keys([CustomerFactory().code]), status="churned"
        ),
        "deleted_customer": _deleted_customer(),
        # No presence row has this id: a caller allowed past the permission check gets 404.
        "presence": SimpleNamespace(pk=0),
        KIT_MISSING: SimpleNamespace(code=None, pk=0),
        "user": other_user,
        "token": token,
        "export_job": ExportJob.objects.create(
            user=other_user, list_key="customers", format="csv", fields=["code"], state=ExportJob.State.DONE
        ),
        "import_job": ImportJob.objects.create(
            user=other_user,
            model_key="customers",
            file_name="customers.csv",
            file_format="csv",
            headers=["Email"],
            mapping={"Email": "email"},
            state=ImportJob.State.DONE,
        ),
    }
    tokens = {caller: account_services.create_api_token(user=user)[1] for caller, user in callers.items()}
    return World(users=callers, targets=targets, tokens=tokens)


@pytest.fixture(scope="module")
def world(django_db_setup: None, django_db_blocker: Any) -> Iterator[World]:
    """The world, built once for the module's checks in a transaction rolled back after them.

    Each check runs in a savepoint of its own inside it (``db``), so whatever a request changes (a
    delete, a purge, a deactivated user, a session) is undone before the next check.
    """
    fast_hasher = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    with django_db_blocker.unblock(), fast_hasher, transaction.atomic():
        yield build_world()
        transaction.set_rollback(True)


def outcome(response: Any) -> str:
    if response.status_code in (401, 403):
        return DENY
    if response.status_code in (301, 302, 303, 307, 308):
        location = urlsplit(response["Location"])
        if location.path == reverse("accounts:login") and "next" in parse_qs(location.query):
            return DENY
    if response.status_code == 405:
        return METHOD_NOT_ALLOWED
    return ALLOW


def check(expected: frozenset[str] | None, caller: str, response: Any, what: str) -> None:
    got = outcome(response)
    if expected is NOT_SERVED:
        assert got in (DENY, METHOD_NOT_ALLOWED), f"{what}: the method is not served, yet got {response.status_code}"
        return
    want = ALLOW if caller in expected else DENY
    assert got == want, f"{what}: expected {want}, got {got} ({response.status_code})"


def _target(world: World, target: str | None, key: str) -> Any:
    assert target is not None, f"{key} addresses an object: name its target"
    return world.targets[target]


def page_url(route: Route, page: Page, world: World) -> str:
    """The route's URL for real objects: ``code`` and ``pk`` are those of the row's target,
    ``event_id`` the latest event in the target's history (so an as-of page is really found)."""
    kwargs: dict[str, Any] = {}
    for name in route.kwargs:
        if name == "code":
            kwargs[name] = _target(world, page.target, str(route.name)).code
        elif name == "operation_id" or name == "pk":
            kwargs[name] = _target(world, page.target, str(route.name)).pk
        elif name == "event_id":
            kwargs[name] = audit.events_for(_target(world, page.target, str(route.name))).first().pk
        elif name == "key":
            kwargs[name] = _target(world, page.target, str(route.name))._meta.label_lower
        elif name in ("list_key", "model_key"):
            kwargs[name] = "customers"
        elif name == "extension":
            kwargs[name] = "csv"
        elif name == "field":
            # A reveal (kit/reveal.py): the target model's first sensitive field.
            kwargs[name] = encrypted_fields(type(_target(world, page.target, str(route.name))))[0].name
        else:
            pytest.fail(f"{route.name} takes “{name}”: teach page_url which object fills it")
    return reverse(str(route.name), kwargs=kwargs)


def path_value(target: Any) -> str:
    """How an API path names an object: its code where it has one, else its id."""
    return str(getattr(target, "code", None) or target.pk)


PAGE_CASES = [
    pytest.param(route, method, caller, id=f"{route.name}-{method}-{caller}")
    for route in sorted(discovered_pages(), key=lambda route: str(route.name))
    for method in ("GET", "POST")
    for caller in CALLERS
]


@pytest.mark.django_db
@pytest.mark.parametrize("route, method, caller", PAGE_CASES)
def test_page_permission(world: World, route: Route, method: str, caller: str) -> None:
    page = PAGES.get(str(route.name))
    if page is None:
        pytest.fail(_missing("PAGES", [f"{route.name} (/{route.path})"]))
    client = Client()
    if caller != ANONYMOUS:
        client.force_login(world.users[caller])
    url = page_url(route, page, world)

    response = client.get(url) if method == "GET" else client.post(url, {})

    check(page.get if method == "GET" else page.post, caller, response, f"{method} {url} as {caller}")


API_CALLERS = [(ANONYMOUS, "none")] + [(caller, via) for caller in CALLERS[1:] for via in ("session", "bearer")]
API_CASES = [
    pytest.param(key, caller, via, id=f"{key}-{caller}-{via}")
    for key in sorted(set(schema_operations()) | set(OPERATIONS))
    for caller, via in API_CALLERS
]


@pytest.mark.django_db
@pytest.mark.parametrize("key, caller, via", API_CASES)
def test_api_permission(world: World, key: str, caller: str, via: str) -> None:
    operation = OPERATIONS.get(key)
    if operation is None:
        pytest.fail(_missing("OPERATIONS", [key]))
    method, path = key.split(" ", 1)
    url = re.sub(r"\{(\w+)\}", lambda match: path_value(_target(world, operation.target, key)), path)
    client = Client()
    headers = {}
    if via == "session":
        client.force_login(world.users[caller])
    elif via == "bearer":
        headers["Authorization"] = f"Bearer {world.tokens[caller]}"
    body = json.dumps(operation.body) if operation.body is not None else None

    response = client.generic(method, url, data=body or "", content_type="application/json", headers=headers)

    check(operation.allowed, caller, response, f"{key} as {caller} ({via})")
