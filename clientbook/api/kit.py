"""The API of a kit model, generated from its spec: ``router_for(spec)`` is a whole Ninja router.

Everything comes from the model's ``ModelSpec``: the list (its FilterSet, sort and queryset, as
the list page runs them), the fields (``schema_fields``; the writable ones are the editable ones),
the lookup, its record and bulk actions, and ``ApiOptions`` (schema overrides, examples; the
schemas are ``clientbook.api.kit_schemas``). It serves::

    GET    /            list: the FilterSet's parameters, q, sort, page, page_size
    POST   /            create
    POST   /bulk        the spec's bulk actions that can run, on codes or all matching a filter
    GET    /{key}       retrieve (ETag)
    PATCH  /{key}       change (If-Match)
    DELETE /{key}       soft delete (204), ?purge=true for administrators
    POST   /{key}/restore
    GET    /{key}/history
    GET    /{key}/as-of?at=…
    POST   /{key}/{action}   each of the spec's ``record_actions``

``key`` is the spec's lookup: the code where the model has one, else the id. Every write goes
through the kit's write skeleton (``clientbook.core.kit.writes``), never ``save``; every error
becomes the envelope of ``clientbook.api.errors``.
"""

import dataclasses
import inspect
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime
from functools import partial
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.db import models, transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils import timezone
from ninja import NinjaAPI, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.params.functions import Header
from ninja.params.functions import Query as QueryParameter

from clientbook.api.audit import AuditPage, RecordAsOfOut
from clientbook.api.audit import _item as audit_item
from clientbook.api.auth import caller, requires
from clientbook.api.errors import INPUT_ERRORS, PRECONDITION_ERRORS, READ_ERRORS, ErrorOut
from clientbook.api.etags import (
    IF_MATCH_DESCRIPTION,
    IF_MATCH_PATTERN,
    etag_documented,
    expected_version,
    tag,
)
from clientbook.api.fields import IsoDateTime
from clientbook.api.kit_schemas import (
    bulk_keys_field,
    bulk_schema,
    create_schema,
    include_deleted_description,
    list_query_schema,
    options_of,
    out_schema,
    page_schema,
    path_key,
    plural_of,
    resolve_values,
    runnable_bulk_actions,
    service_fields,
    singular_of,
    update_schema,
)
from clientbook.api.openapi import LOCATION
from clientbook.api.operations import FILTER_FIELD, BulkOut, bulk_errors, selection_from
from clientbook.api.pagination import (
    MAX_PAGE_SIZE,
    PAGE_DESCRIPTION,
    PAGE_SIZE_DESCRIPTION,
    page_from_result,
    paginate,
    query_dict,
)
from clientbook.core import sensitive
from clientbook.core.kit import registration, reveal, writes
from clientbook.core.kit.api_options import OPERATIONS, ApiOptions, api_path
from clientbook.core.kit.spec import ModelSpec
from clientbook.core.listing.pipeline import ListSpec, page_size_from, run_list
from clientbook.core.models import AuditEvent
from clientbook.core.permissions import can, is_admin, restrict
from clientbook.core.records import audit, trash, versions

GONE_ACTIONS = {AuditEvent.Action.DELETE, AuditEvent.Action.PURGE}
AT_PARAMETER = QueryParameter(..., description="An ISO 8601 moment, e.g. 2024-03-01T09:30:00Z.")


# --- The router ---------------------------------------------------------------------------------


def _if_match() -> Any:
    return Header(None, alias="If-Match", description=IF_MATCH_DESCRIPTION, pattern=IF_MATCH_PATTERN)


def _moment(moment: datetime) -> datetime:
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    try:
        # PostgreSQL refuses offsets beyond ±15:59 (any offset is valid ISO 8601): compare in UTC.
        return moment.astimezone(UTC)
    except OverflowError:
        raise ValidationError({"at": "The moment is out of range."}) from None


class Records:
    """Finding the records a caller may see, by their key."""

    def __init__(self, spec: ModelSpec) -> None:
        self.spec = spec
        self.model = spec.model
        self.key = path_key(spec)
        deleted = options_of(spec).include_deleted
        # Read from the spec's rows with deleted ones where it names them, so a deleted record comes
        # with the related rows its representation shows, as a live one does (no query per relation).
        self._with_deleted = deleted.queryset if deleted is not None else self._base_rows

    def _base_rows(self, user: Any) -> models.QuerySet:
        return restrict(user, "view", self.model._base_manager.all())

    def _where(self, value: str) -> dict[str, Any]:
        if self.key == "code":
            return {"code": value.strip().upper()}
        if self.key != "id":
            return {self.key: value}
        # str.isdigit() accepts "¹", which int() refuses.
        if not (value.isascii() and value.isdigit()):
            raise Http404(f"No {singular_of(self.model)} has the id {value}.")
        return {"pk": int(value)}

    def live(self, user: Any, value: str) -> models.Model:
        """A live record ``user`` may view (the spec's queryset, with its related rows)."""
        found = self.spec.get_queryset(user).filter(**self._where(value)).first()
        if found is None:
            raise Http404(f"No {singular_of(self.model)} has the {self.key} {value}.")
        return found

    def deleted_or_not(self, user: Any, value: str) -> models.Model:
        """A record ``user`` may view, deleted or not."""
        found = self._with_deleted(user).filter(**self._where(value)).first()
        if found is None:
            raise Http404(f"No {singular_of(self.model)} has the {self.key} {value}.")
        return found


Handler = Callable[..., Any]


def refuse_repeated(request: HttpRequest, single: Iterable[str]) -> None:
    """A parameter that takes one value, sent several times, is refused (400 naming it), not read as the last."""
    repeated = sorted(name for name in single if len(request.GET.getlist(name)) > 1)
    if repeated:
        raise HttpError(400, f"Send {', '.join(repeated)} once: it takes one value.")


def _single_valued(schema: type[Schema]) -> list[str]:
    return [name for name, info in schema.model_fields.items() if "list[" not in str(info.annotation)]


def _keyed(key: str) -> Callable[[Handler], Handler]:
    """Give a handler taking ``**kwargs`` the path parameter ``key`` (``code`` or ``id``) by name, so
    the schema names it as the model does; Ninja passes it in ``kwargs``."""

    def declare(handler: Handler) -> Handler:
        signature = inspect.signature(handler)
        parameters = list(signature.parameters.values())
        keyword = inspect.Parameter(key, inspect.Parameter.KEYWORD_ONLY, annotation=str)
        handler.__signature__ = signature.replace(parameters=[*parameters[:-1], keyword, parameters[-1]])  # type: ignore[attr-defined]
        return handler

    return declare


def _with_parameters(parameters: Mapping[str, tuple[Any, Any]]) -> Callable[[Handler], Handler]:
    """Give a handler taking ``**kwargs`` the query parameters ``parameters`` (name → (type, default)),
    which only some models' operation takes; Ninja passes them in ``kwargs``."""

    def declare(handler: Handler) -> Handler:
        signature = inspect.signature(handler)
        existing = list(signature.parameters.values())
        added = [
            inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, annotation=annotation, default=default)
            for name, (annotation, default) in parameters.items()
        ]
        handler.__signature__ = signature.replace(parameters=[*existing[:-1], *added, existing[-1]])  # type: ignore[attr-defined]
        return handler

    return declare


def _documented(doc: str) -> Callable[[Handler], Handler]:
    """A docstring built from the model's names (Ninja reads it as the operation's description)."""

    def document(handler: Handler) -> Handler:
        handler.__doc__ = doc
        return handler

    return document


def _add_action(router: Router, spec: ModelSpec, records: Records, action: Any, out: type[Schema], path: str) -> None:
    """``POST /{key}/<action key>`` for one of the spec's record actions ("Set as primary")."""

    @router.post(
        f"{path}/{action.key}",
        response={200: out, **READ_ERRORS, **INPUT_ERRORS, **PRECONDITION_ERRORS},
        auth=requires(action.permission, spec.model),
        operation_id=f"{action.key.replace('-', '_')}_{spec.model_name}",
        openapi_extra=etag_documented(200),
        summary=f"{action.label} ({spec.singular.lower()})",
    )
    @_documented(
        f"{action.label}: the model's own rule, in one transaction; returns the record with its new "
        "``ETag``. ``If-Match`` as for PATCH (412 when stale). 422 when the action does not apply to "
        "the record as it is."
    )
    @_keyed(records.key)
    def run_action(request: HttpRequest, response: HttpResponse, if_match: str = _if_match(), **kwargs: Any) -> Any:
        user = caller(request)
        value = str(kwargs[records.key])
        with transaction.atomic():
            found = records.live(user, value)
            if not action.shown(found):
                raise ValidationError(f"“{action.label}” does not apply to this {spec.singular.lower()}.")
            action.run(user, found, expected_version(if_match, found.version))  # type: ignore[attr-defined]
        changed = records.live(user, value)
        tag(response, changed)
        return changed


def allow_deleted(user: Any, model: type[models.Model]) -> None:
    if not is_admin(user):
        raise PermissionDenied(f"Only administrators may include deleted {plural_of(model)} (include_deleted).")


def add_list(router: Router, list_spec: ListSpec, options: ApiOptions, item: type[Schema]) -> None:
    """``GET ""``: the list page's search, filters, sort and paging (``list_spec``), answered as ``item``s."""
    model = list_spec.model
    plural = plural_of(model)
    ListQuery = list_query_schema(list_spec, options)
    single_valued = _single_valued(ListQuery)
    Page = page_schema(model, item)
    deleted = options.include_deleted
    with_deleted = (
        None
        if deleted is None
        else dataclasses.replace(list_spec, queryset=deleted.queryset, filterset=deleted.filterset)
    )
    left_out = "deleted records are left out" + (
        ", from the items and the count, unless an administrator asks for them with ``include_deleted=true``."
        if deleted is not None
        else "."
    )

    @router.get(
        "",
        response={200: Page, **READ_ERRORS, 400: ErrorOut, 422: ErrorOut},
        auth=requires("view", model),
        operation_id=f"list_{plural.replace(' ', '_')}",
        summary=options.summaries.get("list", f"List, search and filter {plural}"),
        description=options.operation_descriptions.get("list"),
    )
    @_documented(f"The same search (``q``), filters, sort and paging as the {plural} list page; {left_out}")
    def list_records(request: HttpRequest, filters: Query[ListQuery]) -> Any:  # type: ignore[valid-type]
        refuse_repeated(request, single_valued)
        user = caller(request)
        listed = list_spec
        if getattr(filters, "include_deleted", False):
            allow_deleted(user, model)
            assert with_deleted is not None
            listed = with_deleted
        values = filters.model_dump(exclude={"page", "page_size", "include_deleted"}, mode="json")  # type: ignore[attr-defined]
        size = page_size_from(filters.page_size, maximum=MAX_PAGE_SIZE)  # type: ignore[attr-defined]
        result = run_list(listed, user, query_dict(values), page_size=size, page_number=filters.page)  # type: ignore[attr-defined]
        return page_from_result(result, filters.page)  # type: ignore[attr-defined]


def add_bulk(router: Router, list_spec: ListSpec, options: ApiOptions) -> None:
    """``POST /bulk`` for the list's bulk actions that can run (none: no operation)."""
    actions = {action.key: action for action in runnable_bulk_actions(list_spec)}
    if not actions:
        return
    model = list_spec.model
    plural = plural_of(model)
    BulkIn = options.bulk_schema or bulk_schema(list_spec, options)
    keys_name = bulk_keys_field(model)
    selection_names = {"action", keys_name, FILTER_FIELD}

    # Mounted before "/{key}": a fixed path's URL must come first, or "bulk" would be read as a key.
    @router.post(
        "/bulk",
        response={200: BulkOut, **INPUT_ERRORS},
        auth=requires("change", model),
        operation_id=f"bulk_change_{plural.replace(' ', '_')}",
        summary=options.summaries.get("bulk", f"Change many {plural} at once (one operation that can be undone)"),
        description=options.operation_descriptions.get("bulk"),
    )
    @_documented(
        f"Every selected {singular_of(model)} changes through the same rules as a single edit, as one operation: "
        "its audit events carry the returned operation id, and ``POST /api/v1/operations/{id}/undo`` reverts it. "
        f"{plural.capitalize()} that already are as asked are left alone and not counted. A record the rules "
        "refuse stops the change (422 naming it) and nothing is changed."
    )
    def bulk_change(request: HttpRequest, payload: BulkIn) -> Any:  # type: ignore[valid-type]
        user = caller(request)
        action = actions[payload.action]  # type: ignore[attr-defined]
        if not can(user, action.permission, model):
            raise PermissionDenied(f"Your role may not run “{action.label.rstrip('…')}” on {plural}.")
        sent = payload.model_dump(exclude_unset=True)  # type: ignore[attr-defined]
        selection = selection_from(list_spec, sent.get(keys_name), sent.get(FILTER_FIELD), keys_field=keys_name)
        with bulk_errors(selection, keys_field=keys_name):
            given = {name: value for name, value in sent.items() if name not in selection_names}
            values = (options.bulk_values or partial(resolve_values, model))(user, given)
            assert action.run is not None
            operation = action.run(user, selection, values)
        return BulkOut(operation=operation.id, count=operation.row_count, selected=operation.selected_count)


def append_only_router(spec: ModelSpec) -> Router:
    """The list and retrieve of an append-only spec: nothing changes its rows, so no write, history or ETag."""
    model, options = spec.model, options_of(spec)
    name, plural = model._meta.model_name, str(model._meta.verbose_name_plural).replace(" ", "_")
    singular, records = singular_of(model), Records(spec)
    key = records.key
    Out = out_schema(spec)
    router = Router(tags=[options.tag or plural])
    add_list(router, registration.list_spec(spec), options, options.list_item_schema or Out)

    @router.get(
        "/{" + key + "}",
        response={200: Out, **READ_ERRORS, 400: ErrorOut},
        auth=requires("view", model),
        operation_id=f"get_{name}",
        summary=options.summaries.get("retrieve", f"Get a {singular} by {key}"),
        description=options.operation_descriptions.get("retrieve"),
    )
    @_documented("The record; 404 when it is unknown. It never changes, so it carries no ``ETag``.")
    @_keyed(key)
    def get_record(request: HttpRequest, **kwargs: Any) -> Any:
        return records.live(caller(request), str(kwargs[key]))

    return router


def router_for(spec: ModelSpec) -> Router:
    """Every API operation of ``spec``'s model, as one router to mount at ``/<plural>``."""
    if spec.append_only:
        return append_only_router(spec)
    model, options = spec.model, options_of(spec)
    name, plural = model._meta.model_name, str(model._meta.verbose_name_plural).replace(" ", "_")
    singular, records = singular_of(model), Records(spec)
    key = records.key
    path = "/{" + key + "}"
    Out = out_schema(spec)
    CreateIn = create_schema(spec)
    PatchIn = update_schema(spec)
    list_spec = registration.list_spec(spec)
    router = Router(tags=[options.tag or plural])
    keyed = _keyed(key)
    unknown = (set(options.summaries) | set(options.operation_descriptions)) - set(OPERATIONS)
    if unknown:
        raise ImproperlyConfigured(f"{model.__name__}'s API documents operations it lacks: {sorted(unknown)}")

    def summary_of(operation: str, generated: str) -> str:
        return options.summaries.get(operation, generated)

    def description_of(operation: str) -> str | None:
        """The spec's description of ``operation``; None leaves the handler's docstring."""
        return options.operation_descriptions.get(operation)

    add_list(router, list_spec, options, options.list_item_schema or Out)
    add_bulk(router, list_spec, options)

    @router.post(
        "",
        response={201: Out, **INPUT_ERRORS},
        auth=requires("add", model),
        operation_id=f"create_{name}",
        openapi_extra=etag_documented(201),
        summary=summary_of("create", f"Create a {singular}"),
        description=description_of("create"),
    )
    def create_record(request: HttpRequest, payload: CreateIn, response: HttpResponse) -> Any:  # type: ignore[valid-type]
        """Creates the record through the model's rules and returns it whole, with its ``ETag``."""
        user = caller(request)
        with transaction.atomic():
            created = writes.create(spec, user=user, values=service_fields(spec, user, payload))
        tag(response, created)
        return Status(201, created)

    for action in spec.record_actions:
        _add_action(router, spec, records, action, Out, path)

    retrieve_parameters: dict[str, tuple[Any, Any]] = {}
    retrieve_responses: dict[int, Any] = {200: Out, **READ_ERRORS, 400: ErrorOut, 422: ErrorOut}
    retrieve_extra = etag_documented(200)
    retrieve_doc = "The record with its version as ``ETag``; 404 when it is unknown or deleted"
    if options.include_deleted is not None:
        description = include_deleted_description(model)
        retrieve_parameters["include_deleted"] = (bool, QueryParameter(False, description=description))
        retrieve_doc += " (unless an administrator asks with ``include_deleted=true``)"
    if sensitive.encrypted_fields(model):
        names = ", ".join(reveal.sensitive_field_names(model))
        one = "|".join(reveal.sensitive_field_names(model))
        retrieve_parameters["reveal"] = (
            str | None,
            QueryParameter(
                None,
                pattern=f"^({one})(,({one}))*$",
                description=f"Comma-separated sensitive fields to show unmasked ({names}): for holders of the "
                "right to view sensitive data only (else 403); each is an audit event, at most "
                f"{settings.CLIENTBOOK_REVEALS_PER_HOUR} an hour per user (else 429).",
            ),
        )
        retrieve_parameters["reveal_reason"] = (
            str | None,
            QueryParameter(
                None,
                max_length=reveal.REASON_MAX_LENGTH,
                # At least REASON_MIN_LENGTH characters that are not spaces, as the reveal asks.
                pattern=rf"^\s*(\S\s*){{{reveal.REASON_MIN_LENGTH},}}$",
                description="Why the values are revealed (kept in the audit log); default: asked through the API.",
            ),
        )
        retrieve_responses[429] = ErrorOut
        retrieve_responses[403] = ErrorOut
    if options.as_of_on_retrieve:
        moved = f"/api/v1{api_path(spec)}{path}/as-of?at=…"
        retrieve_parameters["as_of"] = (
            IsoDateTime | None,
            QueryParameter(
                None,
                description=f"Deprecated: use `GET {moved}`, where this answers 307 with the moment as `at`.",
                deprecated=True,
            ),
        )
        retrieve_responses[307] = None
        retrieve_extra = {
            "responses": {
                200: retrieve_extra["responses"][200],
                307: {"description": "Moved to the as-of operation.", "headers": LOCATION},
            }
        }

    @router.get(
        path,
        response=retrieve_responses,
        auth=requires("view", model),
        operation_id=f"get_{name}",
        openapi_extra=retrieve_extra,
        summary=summary_of("retrieve", f"Get a {singular} by {key}"),
        description=description_of("retrieve"),
    )
    @_documented(f"{retrieve_doc}. A past state of the record is ``GET …{path}/as-of``.")
    @keyed
    @_with_parameters(retrieve_parameters)
    def get_record(request: HttpRequest, response: HttpResponse, **kwargs: Any) -> Any:
        user = caller(request)
        include_deleted = kwargs.get("include_deleted", False)
        if include_deleted:
            allow_deleted(user, model)
        if kwargs.get("as_of") is not None:
            moment = urlencode({"at": request.GET["as_of"]})
            return HttpResponseRedirect(f"{request.path.rstrip('/')}/as-of?{moment}", status=307)
        find = records.deleted_or_not if include_deleted else records.live
        found = find(user, str(kwargs[key]))
        if kwargs.get("reveal"):
            wanted = [name.strip() for name in str(kwargs["reveal"]).split(",") if name.strip()]
            reason = kwargs.get("reveal_reason") or "Asked through the API (?reveal=)."
            sensitive.attach_revealed(found, reveal.reveal_values(spec, found, user=user, fields=wanted, reason=reason))
            response["Cache-Control"] = "no-store"
        tag(response, found)
        return found

    @router.patch(
        path,
        response={200: Out, **READ_ERRORS, **INPUT_ERRORS, **PRECONDITION_ERRORS},
        auth=requires("change", model),
        operation_id=f"update_{name}",
        openapi_extra=etag_documented(200),
        summary=summary_of("update", f"Change some fields of a {singular}"),
        description=description_of("update"),
    )
    @keyed
    def update_record(
        request: HttpRequest,
        payload: PatchIn,  # type: ignore[valid-type]
        response: HttpResponse,
        if_match: str = _if_match(),
        **kwargs: Any,
    ) -> Any:
        """Changes only the fields sent and returns the record with its new ``ETag``. With ``If-Match``
        only that version is changed: a stale one is 412 with ``current_version``, nothing written."""
        user = caller(request)
        with transaction.atomic():
            found = records.live(user, str(kwargs[key]))
            fields = service_fields(spec, user, payload)
            version = expected_version(if_match, found.version)  # type: ignore[attr-defined]
            updated = writes.update(found, user=user, values=fields, expected_version=version)
        tag(response, updated)
        return updated

    # A code is never handed out again (sequences only go up), so a purge frees none.
    never_reused = " and its code is never reused" if key == "code" else ""
    purge_description = (
        f"Administrators only (403 for anyone else): delete the {singular} for good, deleted or not. "
        f"Its history stays in the audit log{never_reused}."
    )

    @router.delete(
        path,
        response={204: None, **READ_ERRORS, 400: ErrorOut, 409: ErrorOut, **PRECONDITION_ERRORS, 422: ErrorOut},
        auth=requires("delete", model),
        operation_id=f"delete_{name}",
        summary=summary_of("delete", f"Delete a {singular} (to the trash), or purge it"),
        description=description_of("delete"),
    )
    @keyed
    def delete_record(
        request: HttpRequest,
        purge: bool = QueryParameter(False, description=purge_description),
        if_match: str = _if_match(),
        **kwargs: Any,
    ) -> Any:
        """Moves the record to the trash (``POST …/restore`` brings it back); ``If-Match`` as for PATCH."""
        user = caller(request)
        with transaction.atomic():
            if purge:
                trash.require_purge(user, model)
                found = records.deleted_or_not(user, str(kwargs[key]))
                versions.check(found, expected_version(if_match, found.version))  # type: ignore[attr-defined]
                writes.purge(found, user=user)
            else:
                found = records.live(user, str(kwargs[key]))
                version = expected_version(if_match, found.version)  # type: ignore[attr-defined]
                writes.delete(found, user=user, expected_version=version)
        return Status(204, None)

    @router.post(
        path + "/restore",
        response={200: Out, **READ_ERRORS, 400: ErrorOut, 409: ErrorOut, 422: ErrorOut},
        auth=requires("delete", model),
        operation_id=f"restore_{name}",
        openapi_extra=etag_documented(200),
        summary=summary_of("restore", f"Restore a deleted {singular}"),
        description=description_of("restore"),
    )
    @keyed
    def restore_record(request: HttpRequest, response: HttpResponse, **kwargs: Any) -> Any:
        """Brings a deleted record back exactly as it was; 422 when it is not deleted."""
        user = caller(request)
        with transaction.atomic():
            restored = writes.restore(records.deleted_or_not(user, str(kwargs[key])), user=user)
        tag(response, restored)
        return restored

    @router.get(
        path + "/history",
        response={200: AuditPage, **READ_ERRORS, 400: ErrorOut, 422: ErrorOut},
        auth=requires("view", model),
        operation_id=f"get_{name}_history",
        summary=summary_of("history", f"The history of a {singular}: its audit events, newest first"),
        description=description_of("history"),
    )
    @keyed
    def record_history(
        request: HttpRequest,
        page: int = QueryParameter(1, ge=1, description=PAGE_DESCRIPTION),
        page_size: int | None = QueryParameter(None, ge=1, le=MAX_PAGE_SIZE, description=PAGE_SIZE_DESCRIPTION),
        **kwargs: Any,
    ) -> Any:
        """Who changed what and when; ``request_id``, ``ip`` and ``user_agent`` for administrators only."""
        refuse_repeated(request, ("page", "page_size"))
        user = caller(request)
        found = records.live(user, str(kwargs[key]))
        events = audit.events_for(found).select_related("actor").order_by("-at", "-id")
        size = page_size_from(page_size, maximum=MAX_PAGE_SIZE)
        result = paginate(events, page=page, page_size=size)
        admin = is_admin(user)
        return {
            "items": [audit_item(event, admin=admin) for event in result.items],
            "count": result.count,
            "page": page,
            "page_size": size,
            "count_is_estimate": False,
        }

    @router.get(
        path + "/as-of",
        response={200: RecordAsOfOut, **READ_ERRORS, 400: ErrorOut, 422: ErrorOut},
        auth=requires("view", model),
        operation_id=f"get_{name}_as_of",
        summary=summary_of("as_of", f"Get a {singular} as it was at a past moment"),
        description=description_of("as_of"),
    )
    @keyed
    def record_as_of(
        request: HttpRequest,
        at: IsoDateTime = AT_PARAMETER,
        **kwargs: Any,
    ) -> Any:
        """The record as its history recorded it at ``at`` (the fields under ``record``); 404 when it
        did not exist then. Administrators may ask about a record deleted since."""
        refuse_repeated(request, ("at",))
        user = caller(request)
        moment = _moment(at)
        find = records.deleted_or_not if is_admin(user) else records.live
        found = find(user, str(kwargs[key]))
        event = audit.events_for(found).filter(at__lte=moment, state__isnull=False).order_by("-at", "-id").first()
        if event is None or event.action in GONE_ACTIONS:
            raise Http404(f"The {singular} did not exist at {moment.isoformat()}.")
        return {
            "code": str(getattr(found, key)),
            "as_of": moment,
            "recorded_at": event.at,
            "recorded_action": event.action,
            "record": event.state,
        }

    return router


def mount(api: NinjaAPI, specs: Iterable[ModelSpec]) -> None:
    """Mount the router of every spec with an API (``spec.api`` not None) at ``/api/v1/<slug>``.

    A path a hand-written router already serves is refused: two routers at one prefix would answer
    each other's URLs, whichever came first.
    """
    taken = {prefix.strip("/") for prefix, _ in api._routers}
    for spec in specs:
        if spec.api is None:
            continue
        if api_path(spec).strip("/") in taken:
            raise ImproperlyConfigured(
                f"{api_path(spec)} is served by a hand-written router; give {spec.label}'s spec api=None."
            )
        api.add_router(api_path(spec), router_for(spec))
