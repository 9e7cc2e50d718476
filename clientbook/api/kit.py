"""The API of a kit model, generated from its spec: ``router_for(spec)`` is a whole Ninja router.

Everything comes from the model's ``ModelSpec``: the list (its FilterSet, sort and queryset, as
the list page runs them), the fields (``schema_fields``; the writable ones are the editable ones),
the lookup, its record actions, and ``ApiOptions`` (schema overrides, examples). It serves::

    GET    /            list: the FilterSet's parameters, q, sort, page, page_size
    POST   /            create
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

import enum
import inspect
from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import django_filters
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.params.functions import Header
from ninja.params.functions import Query as QueryParameter
from phonenumber_field.modelfields import PhoneNumberField
from pydantic import ConfigDict

from clientbook.api.audit import AuditPage, RecordAsOfOut
from clientbook.api.audit import _item as audit_item
from clientbook.api.auth import caller, requires
from clientbook.api.errors import INPUT_ERRORS, PRECONDITION_ERRORS, READ_ERRORS, ErrorOut
from clientbook.api.etags import (
    ETAG_DESCRIPTION,
    IF_MATCH_DESCRIPTION,
    IF_MATCH_PATTERN,
    etag_documented,
    expected_version,
    tag,
)
from clientbook.api.fields import IsoDate, IsoDateTime, Text, named_choices
from clientbook.api.openapi import shared_enum
from clientbook.api.pagination import (
    COUNT_IS_ESTIMATE_DESCRIPTION,
    MAX_PAGE_SIZE,
    PAGE_DESCRIPTION,
    PAGE_SIZE_DESCRIPTION,
    page_from_result,
    paginate,
    query_dict,
)
from clientbook.core.kit import registration, writes
from clientbook.core.kit.api_options import ApiOptions, api_options, api_path
from clientbook.core.kit.spec import ModelSpec
from clientbook.core.listing.pipeline import ListSpec, page_size_from, run_list
from clientbook.core.models import AuditEvent
from clientbook.core.permissions import is_admin, restrict
from clientbook.core.records import audit, trash, versions

GONE_ACTIONS = {AuditEvent.Action.DELETE, AuditEvent.Action.PURGE}
READ_ONLY_FIELDS = ("created_at", "updated_at", "version")
AT_PARAMETER = QueryParameter(..., description="An ISO 8601 moment, e.g. 2024-03-01T09:30:00Z.")


# --- Names -------------------------------------------------------------------------------------


def key_field(model: type[models.Model]) -> str:
    """How a record is addressed: its code where the model has one, else its id."""
    return "code" if any(f.name == "code" for f in model._meta.get_fields()) else "id"


def _options(spec: ModelSpec) -> ApiOptions:
    options = api_options(spec)
    assert options is not None, f"{spec.label} has no API"
    return options


def _camel(*parts: str) -> str:
    return "".join(word.capitalize() for part in parts for word in part.replace("-", "_").split("_"))


def _plural(model: type[models.Model]) -> str:
    return str(model._meta.verbose_name_plural)


def _singular(model: type[models.Model]) -> str:
    return str(model._meta.verbose_name)


# --- Schemas from model fields ---------------------------------------------------------------------

_CHOICE_ENUMS: dict[tuple[str, str], type[enum.Enum]] = {}


def _choice_enum(model: type[models.Model], model_field: models.Field) -> type[enum.Enum]:
    """One named enum per choice field (``ContactRole``), shared by every schema that uses it."""
    key = (model._meta.label, model_field.name)
    if key not in _CHOICE_ENUMS:
        choices = models.TextChoices(  # type: ignore[call-overload]
            _camel(model.__name__, model_field.name), [(str(v), str(v)) for v, _ in model_field.flatchoices]
        )
        _CHOICE_ENUMS[key] = named_choices(_camel(model.__name__, model_field.name), choices)
    return _CHOICE_ENUMS[key]


def _value_type(model: type[models.Model], model_field: models.Field, *, for_input: bool) -> Any:
    if model_field.choices:
        return _choice_enum(model, model_field)
    if isinstance(model_field, models.ForeignKey):
        return Text if key_field(model_field.related_model) == "code" else int  # type: ignore[arg-type]
    if isinstance(model_field, models.BooleanField):
        return bool
    if isinstance(model_field, models.IntegerField | models.AutoField):
        return int
    if isinstance(model_field, models.DecimalField):
        return Decimal
    if isinstance(model_field, models.DateTimeField):
        return IsoDateTime if for_input else datetime
    if isinstance(model_field, models.DateField):
        return IsoDate if for_input else date
    return Text if for_input else str


def _model_field(model: type[models.Model], name: str) -> models.Field:
    return model._meta.get_field(name)  # type: ignore[return-value]


def _describe(options: ApiOptions, model_field: models.Field) -> str | None:
    if model_field.name in options.descriptions:
        return options.descriptions[model_field.name]
    if isinstance(model_field, models.ForeignKey):
        related = model_field.related_model
        return f"The {key_field(related)} of the {_singular(related)}."  # type: ignore[arg-type]
    if isinstance(model_field, PhoneNumberField):
        return "In E.164, e.g. +19409863836 (any common format is taken); empty when unknown."
    return str(model_field.help_text) or None


def path_key(spec: ModelSpec) -> str:
    """The record's key as the path names it: the spec's lookup, ``pk`` spelt ``id``."""
    return "id" if spec.lookup == "pk" else spec.lookup


def _shown(spec: ModelSpec) -> list[str]:
    key = path_key(spec)
    return list(dict.fromkeys([key, *spec.schema_fields, *READ_ONLY_FIELDS]))


def writable_fields(spec: ModelSpec) -> list[str]:
    return [
        name
        for name in spec.schema_fields
        if name in spec.editable_fields and getattr(_model_field(spec.model, name), "editable", False)
    ]


def _output_value(obj: models.Model, model_field: models.Field) -> Any:
    value = getattr(obj, model_field.name)
    if value is None:
        return None
    if isinstance(model_field, models.ForeignKey):
        return getattr(value, key_field(type(value)))
    if model_field.choices and value == "":
        return None
    if hasattr(value, "as_e164"):
        return value.as_e164
    return value


def _schema(name: str, definitions: dict[str, Any], **namespace: Any) -> type[Schema]:
    """A Schema class built as a class statement would (Ninja collects ``resolve_*`` at that moment)."""
    namespace["__annotations__"] = {field_name: value[0] for field_name, value in definitions.items()}
    namespace.update({field_name: value[1] for field_name, value in definitions.items()})
    namespace.setdefault("__module__", __name__)
    return type(name, (Schema,), namespace)


def out_schema(spec: ModelSpec) -> type[Schema]:
    if _options(spec).out_schema is not None:
        return _options(spec).out_schema  # type: ignore[return-value]
    model = spec.model
    definitions: dict[str, Any] = {}
    resolvers: dict[str, Any] = {}
    for name in _shown(spec):
        model_field = _model_field(model, name)
        value_type = _value_type(model, model_field, for_input=False)
        nullable = model_field.null or bool(model_field.choices and model_field.blank)
        description = ETAG_DESCRIPTION if name == "version" else _describe(_options(spec), model_field)
        definitions[name] = (value_type | None if nullable else value_type, Field(..., description=description))
        # Relations by their key, phones as E.164, a blank choice as null.
        resolvers[f"resolve_{name}"] = staticmethod(lambda obj, f=model_field: _output_value(obj, f))
    return _schema(f"{model.__name__}Out", definitions, **resolvers)


def _without_null_default(schema: dict[str, Any]) -> None:
    schema.pop("default", None)


def _input_field(model_field: models.Field, value_type: Any, *, partial: bool, description: str | None) -> Any:
    """A writable field's annotation and ``Field``: required on create when the model needs a value;
    null is taken where it clears something (a nullable column, a text that may be blank)."""
    limits: dict[str, Any] = (
        {"max_length": model_field.max_length} if value_type is Text and model_field.max_length else {}
    )
    clearable = model_field.null or (value_type is Text and model_field.blank)
    annotation = value_type | None if clearable else value_type
    if not partial and not model_field.blank and not model_field.has_default():
        return annotation, Field(..., description=description, **limits)
    # Omitted means "keep" (PATCH) or "the model's default" (create): the None here is never stored.
    extra = None if clearable else _without_null_default
    return annotation, Field(None, description=description, json_schema_extra=extra, **limits)


def _input_schema(spec: ModelSpec, *, partial: bool) -> type[Schema]:
    model = spec.model
    definitions: dict[str, Any] = {}
    for name in writable_fields(spec):
        model_field = _model_field(model, name)
        value_type = _value_type(model, model_field, for_input=True)
        description = _describe(_options(spec), model_field)
        definitions[name] = _input_field(model_field, value_type, partial=partial, description=description)
    examples: Any = [dict(example) for example in _options(spec).examples]
    config = ConfigDict(extra="forbid", json_schema_extra={"examples": examples} if examples else None)
    if partial:
        doc = f"The fields of a {_singular(model)} to change; omitted fields keep their value, null clears one."
    else:
        doc = f"A new {_singular(model)}; omitted fields take their default."
    suffix = "PatchIn" if partial else "CreateIn"
    return _schema(f"{model.__name__}{suffix}", definitions, model_config=config, __doc__=doc)


def create_schema(spec: ModelSpec) -> type[Schema]:
    return _options(spec).create_schema or _input_schema(spec, partial=False)


def update_schema(spec: ModelSpec) -> type[Schema]:
    return _options(spec).update_schema or _input_schema(spec, partial=True)


# --- The list's query parameters, from the FilterSet ----------------------------------------------------


def _filter_type(model: type[models.Model], list_filter: django_filters.Filter) -> Any:
    """The parameter's type; a filter on a choice field takes that field's enum (its one component)."""
    model_field = next((f for f in model._meta.concrete_fields if f.name == list_filter.field_name), None)
    value: Any = _choice_enum(model, model_field) if model_field is not None and model_field.choices else Text
    if isinstance(list_filter, django_filters.MultipleChoiceFilter | django_filters.ModelMultipleChoiceFilter):
        return list[value]  # type: ignore[valid-type]
    if isinstance(list_filter, django_filters.BooleanFilter):
        return bool
    if isinstance(list_filter, django_filters.NumberFilter):
        return Decimal
    if isinstance(list_filter, django_filters.DateFilter):
        return IsoDate
    return value


def sort_values(list_spec: ListSpec) -> list[str]:
    return [f"{sign}{name}" for name in list_spec.sort_fields for sign in ("", "-")]


def list_query_schema(spec: ModelSpec, list_spec: ListSpec) -> type[Schema]:
    """The list operation's parameters: every filter of the FilterSet (so the page and the API take
    the same ones), ``sort`` (one enum per model), ``page`` and ``page_size``."""
    model = spec.model
    definitions: dict[str, Any] = {}
    for name, list_filter in list_spec.filterset.base_filters.items():
        label = str(list_filter.label or name)
        definitions[name] = (_filter_type(model, list_filter) | None, Field(None, description=label))
    values = sort_values(list_spec)
    sort_enum = shared_enum(
        f"{model.__name__}Sort",
        values,
        [f"{value[1:]}_desc" if value.startswith("-") else value for value in values],
        nullable=True,
    )
    definitions["sort"] = (
        Text | None,
        Field(
            None,
            description=f"A column; prefix with - for descending. Default: {list_spec.default_sort}.",
            json_schema_extra=sort_enum,
        ),
    )
    definitions["page"] = (int, Field(1, ge=1, description=PAGE_DESCRIPTION))
    definitions["page_size"] = (int | None, Field(None, ge=1, le=MAX_PAGE_SIZE, description=PAGE_SIZE_DESCRIPTION))
    return _schema(f"{model.__name__}ListQuery", definitions)


def page_schema(spec: ModelSpec, item: type[Schema]) -> type[Schema]:
    definitions = {
        "items": (list[item], ...),  # type: ignore[valid-type]
        "count": (int, Field(..., description=f"How many {_plural(spec.model)} match.")),
        "page": (int, ...),
        "page_size": (int, ...),
        "count_is_estimate": (bool, Field(False, description=COUNT_IS_ESTIMATE_DESCRIPTION)),
    }
    return _schema(f"{spec.model.__name__}Page", definitions)


# --- Input resolution -----------------------------------------------------------------------------


def service_fields(spec: ModelSpec, user: Any, payload: Schema) -> dict[str, Any]:
    """The sent fields as model values: a relation's key becomes the row (one error per unknown key),
    null clears a text field to ""."""
    fields: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for name, value in payload.model_dump(exclude_unset=True).items():
        model_field = _model_field(spec.model, name)
        if isinstance(model_field, models.ForeignKey) and value is not None:
            related = model_field.related_model
            lookup = key_field(related)  # type: ignore[arg-type]
            wanted = value.strip().upper() if lookup == "code" else value
            row = restrict(user, "view", related._default_manager.all()).filter(**{lookup: wanted}).first()  # type: ignore[union-attr]
            if row is None:
                errors[name] = f"No {_singular(related)} has the {lookup} “{value}”."  # type: ignore[arg-type]
            value = row
        elif value is None and model_field.empty_strings_allowed and not model_field.null:
            value = ""
        elif isinstance(value, enum.Enum):
            value = value.value
        fields[name] = value
    if errors:
        raise ValidationError(errors)
    return fields


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

    def _where(self, value: str) -> dict[str, Any]:
        if self.key == "code":
            return {"code": value.strip().upper()}
        if self.key != "id":
            return {self.key: value}
        if not value.isdigit():
            raise Http404(f"No {_singular(self.model)} has the id {value}.")
        return {"pk": int(value)}

    def live(self, user: Any, value: str) -> models.Model:
        """A live record ``user`` may view (the spec's queryset, with its related rows)."""
        found = self.spec.get_queryset(user).filter(**self._where(value)).first()
        if found is None:
            raise Http404(f"No {_singular(self.model)} has the {self.key} {value}.")
        return found

    def deleted_or_not(self, user: Any, value: str, *, action: str = "view") -> models.Model:
        queryset = restrict(user, action, self.model._base_manager.all())
        found = queryset.filter(**self._where(value)).first()
        if found is None:
            raise Http404(f"No {_singular(self.model)} has the {self.key} {value}.")
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


def router_for(spec: ModelSpec) -> Router:
    """Every API operation of ``spec``'s model, as one router to mount at ``/<plural>``."""
    model, options = spec.model, _options(spec)
    name, plural = model._meta.model_name, str(model._meta.verbose_name_plural).replace(" ", "_")
    singular, records = _singular(model), Records(spec)
    key = records.key
    path = "/{" + key + "}"
    Out = out_schema(spec)
    CreateIn = create_schema(spec)
    PatchIn = update_schema(spec)
    list_spec = registration.list_spec(spec)
    ListQuery = list_query_schema(spec, list_spec)
    single_valued = _single_valued(ListQuery)
    Page = page_schema(spec, Out)
    router = Router(tags=[options.tag or plural])
    keyed = _keyed(key)

    @router.get(
        "",
        response={200: Page, **READ_ERRORS, 400: ErrorOut, 422: ErrorOut},
        auth=requires("view", model),
        operation_id=f"list_{plural}",
        summary=f"List, search and filter {_plural(model)}",
    )
    @_documented(
        f"The same search (``q``), filters, sort and paging as the {_plural(model)} list page; "
        "deleted records are left out."
    )
    def list_records(request: HttpRequest, filters: Query[ListQuery]) -> Any:  # type: ignore[valid-type]
        refuse_repeated(request, single_valued)
        values = filters.model_dump(exclude={"page", "page_size"}, mode="json")  # type: ignore[attr-defined]
        size = page_size_from(filters.page_size, maximum=MAX_PAGE_SIZE)  # type: ignore[attr-defined]
        result = run_list(list_spec, caller(request), query_dict(values), page_size=size, page_number=filters.page)  # type: ignore[attr-defined]
        return page_from_result(result, filters.page)  # type: ignore[attr-defined]

    @router.post(
        "",
        response={201: Out, **INPUT_ERRORS},
        auth=requires("add", model),
        operation_id=f"create_{name}",
        openapi_extra=etag_documented(201),
        summary=f"Create a {singular}",
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

    @router.get(
        path,
        response={200: Out, **READ_ERRORS, 400: ErrorOut, 422: ErrorOut},
        auth=requires("view", model),
        operation_id=f"get_{name}",
        openapi_extra=etag_documented(200),
        summary=f"Get a {singular} by {key}",
    )
    @keyed
    def get_record(request: HttpRequest, response: HttpResponse, **kwargs: Any) -> Any:
        """The record with its version as ``ETag``; 404 when it is unknown or deleted."""
        found = records.live(caller(request), str(kwargs[key]))
        tag(response, found)
        return found

    @router.patch(
        path,
        response={200: Out, **READ_ERRORS, **INPUT_ERRORS, **PRECONDITION_ERRORS},
        auth=requires("change", model),
        operation_id=f"update_{name}",
        openapi_extra=etag_documented(200),
        summary=f"Change some fields of a {singular}",
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

    @router.delete(
        path,
        response={204: None, **READ_ERRORS, 400: ErrorOut, 409: ErrorOut, **PRECONDITION_ERRORS, 422: ErrorOut},
        auth=requires("delete", model),
        operation_id=f"delete_{name}",
        summary=f"Delete a {singular} (to the trash), or purge it",
    )
    @keyed
    def delete_record(
        request: HttpRequest,
        purge: bool = QueryParameter(
            False, description="Administrators only (403 for anyone else): delete for good, deleted or not."
        ),
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
        summary=f"Restore a deleted {singular}",
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
        summary=f"The history of a {singular}: its audit events, newest first",
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
        summary=f"Get a {singular} as it was at a past moment",
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


def mount(api: Any, specs: Any) -> None:
    """Mount the router of every spec with an API (``spec.api`` not None) at ``/api/v1/<slug>``."""
    for spec in specs:
        if api_options(spec) is not None:
            api.add_router(api_path(spec), router_for(spec))
