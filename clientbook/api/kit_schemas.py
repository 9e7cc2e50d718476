"""The schemas of a kit model's API, generated from its spec (``clientbook.api.kit`` serves them).

The record (``out_schema``), the create and patch bodies, the list's query parameters (from the
FilterSet), its page, the bulk body (from the bulk actions), and how a body's values become the
model's (a relation named by its natural key becomes the row). ``ApiOptions`` replaces or refines
any of them.
"""

import enum
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from functools import partial
from typing import Annotated, Any, Literal

import django_filters
from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured, ValidationError
from django.db import models
from ninja import Field, Schema
from phonenumber_field.modelfields import PhoneNumberField
from pydantic import ConfigDict, StrictBool, StrictInt

from clientbook.api.etags import (
    ETAG_DESCRIPTION,
)
from clientbook.api.fields import IsoDate, IsoDateTime, Text, named_choices
from clientbook.api.openapi import shared_enum
from clientbook.api.operations import filter_description, keys_description
from clientbook.api.pagination import (
    COUNT_IS_ESTIMATE_DESCRIPTION,
    MAX_PAGE_SIZE,
    PAGE_DESCRIPTION,
    PAGE_SIZE_DESCRIPTION,
)
from clientbook.core.kit.api_options import ApiOptions
from clientbook.core.kit.spec import ModelSpec
from clientbook.core.listing.pipeline import BulkAction, ListSpec
from clientbook.core.permissions import restrict
from clientbook.core.records import audit, bulk

READ_ONLY_FIELDS = ("created_at", "updated_at", "version")


# --- Names -------------------------------------------------------------------------------------


def key_field(model: type[models.Model]) -> str:
    """How a record is addressed: its code where the model has one, else its id."""
    return "code" if any(f.name == "code" for f in model._meta.get_fields()) else "id"


def relation_key(model: type[models.Model], model_field: models.Field) -> str:
    """How the API names a related record: the relation's natural key (the audit's), else its code or id."""
    try:
        natural = audit.spec_for(model).natural_keys.get(model_field.name)
    except KeyError:
        natural = None
    return natural or key_field(model_field.related_model)  # type: ignore[arg-type]


def options_of(spec: ModelSpec) -> ApiOptions:
    assert spec.api is not None, f"{spec.label} has no API"
    return spec.api


def _camel(*parts: str) -> str:
    return "".join(word.capitalize() for part in parts for word in part.replace("-", "_").split("_"))


def plural_of(model: type[models.Model]) -> str:
    return str(model._meta.verbose_name_plural)


def singular_of(model: type[models.Model]) -> str:
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


def choice_enum(model: type[models.Model], name: str) -> type[enum.Enum]:
    """The enum of the choice field ``name`` (its component ``<Model><Field>``), for a schema written by hand."""
    return _choice_enum(model, _model_field(model, name))


def _value_type(model: type[models.Model], model_field: models.Field, *, for_input: bool) -> Any:
    if model_field.choices:
        return _choice_enum(model, model_field)
    if isinstance(model_field, models.ForeignKey | models.ManyToManyField):
        key: Any = int if relation_key(model, model_field) == "id" else Text
        return list[key] if model_field.many_to_many else key
    # A body says true or 3 as JSON does: no number for a flag, no flag or "3" for a number.
    if isinstance(model_field, models.BooleanField):
        return StrictBool if for_input else bool
    if isinstance(model_field, models.IntegerField | models.AutoField):
        return StrictInt if for_input else int
    if isinstance(model_field, models.DecimalField):
        return Decimal
    if isinstance(model_field, models.DateTimeField):
        return IsoDateTime if for_input else datetime
    if isinstance(model_field, models.DateField):
        return IsoDate if for_input else date
    return Text if for_input else str


def _model_field(model: type[models.Model], name: str) -> models.Field:
    return model._meta.get_field(name)  # type: ignore[return-value]


def _describe(model: type[models.Model], options: ApiOptions, model_field: models.Field) -> str | None:
    if model_field.name in options.descriptions:
        return options.descriptions[model_field.name]
    if model_field.is_relation:
        related = model_field.related_model
        key = relation_key(model, model_field)
        if model_field.many_to_many:
            return f"The {key}s of the {plural_of(related)}."  # type: ignore[arg-type]
        return f"The {key} of the {singular_of(related)}."  # type: ignore[arg-type]
    if isinstance(model_field, PhoneNumberField):
        return "In E.164, e.g. +19409863836 (any common format is taken); empty when unknown."
    return str(model_field.help_text) or None


def path_key(spec: ModelSpec) -> str:
    """The record's key as the path names it: the spec's lookup, ``pk`` spelt ``id``."""
    return "id" if spec.lookup == "pk" else spec.lookup


def _shown(spec: ModelSpec) -> list[str]:
    key = path_key(spec)
    # An append-only row has no version nor update time (it never changes).
    kept = [name for name in READ_ONLY_FIELDS if any(f.name == name for f in spec.model._meta.concrete_fields)]
    return list(dict.fromkeys([key, *spec.schema_fields, *kept]))


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
        return getattr(value, relation_key(type(obj), model_field))
    if isinstance(model_field, models.ManyToManyField):
        # Each related record by its key, sorted, as the audit records them (read from a prefetch when there is one).
        return sorted(str(getattr(item, relation_key(type(obj), model_field))) for item in value.all())
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
    if options_of(spec).out_schema is not None:
        return options_of(spec).out_schema  # type: ignore[return-value]
    model = spec.model
    definitions: dict[str, Any] = {}
    resolvers: dict[str, Any] = {}
    for name in _shown(spec):
        model_field = _model_field(model, name)
        value_type = _value_type(model, model_field, for_input=False)
        nullable = model_field.null or bool(model_field.choices and model_field.blank)
        description = ETAG_DESCRIPTION if name == "version" else _describe(model, options_of(spec), model_field)
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
        description = _describe(model, options_of(spec), model_field)
        definitions[name] = _input_field(model_field, value_type, partial=partial, description=description)
    examples: Any = [dict(example) for example in options_of(spec).examples]
    config = ConfigDict(extra="forbid", json_schema_extra={"examples": examples} if examples else None)
    if partial:
        doc = f"The fields of a {singular_of(model)} to change; omitted fields keep their value, null clears one."
    else:
        doc = f"A new {singular_of(model)}; omitted fields take their default."
    suffix = "PatchIn" if partial else "CreateIn"
    return _schema(f"{model.__name__}{suffix}", definitions, model_config=config, __doc__=doc)


def create_schema(spec: ModelSpec) -> type[Schema]:
    return options_of(spec).create_schema or _input_schema(spec, partial=False)


def update_schema(spec: ModelSpec) -> type[Schema]:
    return options_of(spec).update_schema or _input_schema(spec, partial=True)


# --- The list's query parameters, from the FilterSet ----------------------------------------------------


def _filter_type(model: type[models.Model], list_filter: django_filters.Filter) -> tuple[Any, dict[str, Any]]:
    """The parameter's type and limits; a filter on a choice field takes that field's enum (its one
    component), a number filter on a decimal field that field's digits."""
    model_field = next((f for f in model._meta.concrete_fields if f.name == list_filter.field_name), None)
    value: Any = _choice_enum(model, model_field) if model_field is not None and model_field.choices else Text
    if isinstance(list_filter, django_filters.MultipleChoiceFilter | django_filters.ModelMultipleChoiceFilter):
        return list[value], {}  # type: ignore[valid-type]
    if isinstance(list_filter, django_filters.BooleanFilter):
        return bool, {}
    if isinstance(list_filter, django_filters.NumberFilter):
        if isinstance(model_field, models.DecimalField):
            return Decimal, {"max_digits": model_field.max_digits, "decimal_places": model_field.decimal_places}
        return Decimal, {}
    if isinstance(list_filter, django_filters.DateFilter):
        return IsoDate, {}
    return value, {}


def sort_values(list_spec: ListSpec) -> list[str]:
    return [f"{sign}{name}" for name in list_spec.sort_fields for sign in ("", "-")]


def include_deleted_description(model: type[models.Model]) -> str:
    return f"Administrators only (403 for anyone else): include deleted {plural_of(model)}, marked by `deleted_at`."


def list_query_schema(list_spec: ListSpec, options: ApiOptions) -> type[Schema]:
    """The list operation's parameters: every filter of the FilterSet (so the page and the API take
    the same ones), ``sort`` (one enum per model), ``page``, ``page_size`` and, where administrators
    may ask for deleted rows, ``include_deleted``."""
    model = list_spec.model
    filters = list_spec.filterset.base_filters
    unknown = set(options.parameters) - set(filters)
    if unknown:
        raise ImproperlyConfigured(f"{model.__name__}'s API declares parameters its FilterSet lacks: {sorted(unknown)}")
    definitions: dict[str, Any] = {}
    for name, list_filter in filters.items():
        if name in options.parameters:
            definitions[name] = options.parameters[name]
            continue
        description = options.parameter_descriptions.get(name) or str(list_filter.label or name)
        value_type, limits = _filter_type(model, list_filter)
        definitions[name] = (value_type | None, Field(None, description=description, **limits))
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
    if options.include_deleted is not None:
        definitions["include_deleted"] = (bool, Field(False, description=include_deleted_description(model)))
    return _schema(f"{model.__name__}ListQuery", definitions)


def page_schema(model: type[models.Model], item: type[Schema]) -> type[Schema]:
    definitions = {
        "items": (list[item], ...),  # type: ignore[valid-type]
        "count": (
            int,
            Field(
                ..., description=f"How many {plural_of(model)} match: exact, or an estimate when `count_is_estimate`."
            ),
        ),
        "page": (int, ...),
        "page_size": (int, ...),
        "count_is_estimate": (bool, Field(..., description=COUNT_IS_ESTIMATE_DESCRIPTION)),
    }
    return _schema(f"{model.__name__}Page", definitions)


# --- The bulk operation's body, from the bulk actions --------------------------------------------------


def runnable_bulk_actions(list_spec: ListSpec) -> list[BulkAction]:
    return [action for action in list_spec.bulk_actions if action.run is not None]


def bulk_keys_field(model: type[models.Model]) -> str:
    """How a bulk body names its records: ``codes`` where the model has one, else ``ids``."""
    return "codes" if key_field(model) == "code" else "ids"


def bulk_schema(list_spec: ListSpec, options: ApiOptions) -> type[Schema]:
    """``POST /bulk``'s body: ``action`` (one of the runnable bulk actions), the values the actions take
    (typed as a patch types them; a value that is no model field is a text), and the selection
    (``codes``/``ids``, or ``filter``: the list's parameters)."""
    model = list_spec.model
    actions = runnable_bulk_actions(list_spec)
    keys = [action.key for action in actions]
    definitions: dict[str, Any] = {"action": (Literal[tuple(keys)], Field(..., description="The bulk action."))}  # type: ignore[valid-type]
    for name in dict.fromkeys(name for action in actions for name in action.fields):
        users = ", ".join(action.key for action in actions if name in action.fields)
        try:
            model_field = _model_field(model, name)
        except FieldDoesNotExist:
            definitions[name] = (Text | None, Field(None, description=f"For {users}."))
            continue
        value_type = _value_type(model, model_field, for_input=True)
        description = " ".join(filter(None, [_describe(model, options, model_field), f"For {users}."]))
        definitions[name] = _input_field(model_field, value_type, partial=True, description=description)
    # An id is a positive 64-bit integer: a larger one is refused as input, never sent to the database.
    key_type: Any = Text if key_field(model) == "code" else Annotated[int, Field(ge=1, le=2**63 - 1)]
    definitions[bulk_keys_field(model)] = (
        list[key_type] | None,  # type: ignore[valid-type]
        Field(None, max_length=bulk.MAX_ROWS, description=keys_description(model, keys=bulk_keys_field(model))),
    )
    definitions["filter"] = (
        dict[str, Text | list[Text]] | None,
        Field(None, description=filter_description(list_spec.filterset, keys=bulk_keys_field(model))),
    )
    doc = f"One change to many {plural_of(model)}: the records named by {bulk_keys_field(model)} or selected by filter."
    return _schema(f"{model.__name__}BulkIn", definitions, model_config=ConfigDict(extra="forbid"), __doc__=doc)


# --- Input resolution -----------------------------------------------------------------------------


def _related_rows(model: type[models.Model], model_field: models.Field, user: Any, keys: list[Any]) -> dict[Any, Any]:
    """The related records the API names by ``keys`` (see ``relation_key``; a code in capitals) among
    those ``user`` may view, by the key as sent."""
    related = model_field.related_model
    lookup = relation_key(model, model_field)
    wanted = {(key.strip().upper() if lookup == "code" else key): key for key in keys}
    queryset = restrict(user, "view", related._default_manager.all())  # type: ignore[union-attr]
    return {wanted[getattr(row, lookup)]: row for row in queryset.filter(**{f"{lookup}__in": list(wanted)})}


def resolve_values(model: type[models.Model], user: Any, sent: Mapping[str, Any]) -> dict[str, Any]:
    """The sent values as model values: a relation's key becomes the row (one error per field naming the
    unknown keys), null clears a text field to "", an enum is its value; a name that is no model field
    is passed on as it is."""
    values: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for name, value in sent.items():
        try:
            model_field = _model_field(model, name)
        except FieldDoesNotExist:
            values[name] = value
            continue
        if model_field.is_relation and value is not None:
            keys = list(value) if model_field.many_to_many else [value]
            found = _related_rows(model, model_field, user, keys)
            missing = [str(key) for key in keys if key not in found]
            if missing:
                names = "”, “".join(missing)
                lookup = relation_key(model, model_field)
                errors[name] = f"No {singular_of(model_field.related_model)} has the {lookup} “{names}”."  # type: ignore[arg-type]
            value = [found[key] for key in keys if key in found] if model_field.many_to_many else found.get(value)
        elif (
            value is None and not model_field.is_relation and model_field.empty_strings_allowed and not model_field.null
        ):
            value = ""
        elif isinstance(value, enum.Enum):
            value = value.value
        values[name] = value
    if errors:
        raise ValidationError(errors)
    return values


def refuse_null_many(model: type[models.Model], values: Mapping[str, Any]) -> None:
    """A null for a many-to-many field is refused by name (422), as ``full_clean`` refuses one for a
    column that cannot be null: the write takes a list of rows, and null would not say which."""
    many = {model_field.name: model_field for model_field in model._meta.many_to_many}
    errors = {name: str(many[name].error_messages["null"]) for name in many if name in values and values[name] is None}
    if errors:
        raise ValidationError(errors)


def service_fields(spec: ModelSpec, user: Any, payload: Schema) -> dict[str, Any]:
    """A create or patch body's sent fields as the write's values (the spec's ``input_values`` where it has one)."""
    sent = payload.model_dump(exclude_unset=True)
    options = options_of(spec)
    resolve = options.input_values or partial(resolve_values, spec.model)
    values = resolve(user, sent)
    refuse_null_many(spec.model, values)
    return values
