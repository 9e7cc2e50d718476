"""Reading the audit trail back: readable changes, a record as of an event, and what a revert needs.

Events store values as ``clientbook.core.records.audit.snapshot`` writes them: plain JSON, related objects
by natural key (an officer's username, an organization's code, label names). This module turns
them into text a person reads (field verbose names, choice labels, people's full names, "—" for
blank) and, for a revert, back into the Python values and objects a service accepts, refusing
with a message per field whatever no longer resolves (a deleted label, a deactivated officer).
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.utils import formats, timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.text import capfirst

from clientbook.core.models import AuditEvent
from clientbook.core.records import audit

BLANK = "—"
# What a history or the audit log says of a sensitive field's change, to everyone: that it changed.
HIDDEN_CHANGE = "changed (value hidden)"
EMPTY_VALUES: tuple[Any, ...] = (None, "", [])


@dataclass(frozen=True)
class FieldChange:
    """One changed field of an event, as text."""

    name: str
    label: str
    before: str
    after: str


@dataclass(frozen=True)
class FieldAsOf:
    """One field of a record as recorded by an event, beside its current value."""

    name: str
    label: str
    then: str
    now: str
    differs: bool
    revertable: bool


def model_for_type(object_type: str) -> type[models.Model] | None:
    """The model an event's ``object_type`` (``customers.customer``) names, if it still exists."""
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None


def actor_text(event: AuditEvent) -> str:
    """Who acted: a user's full name (or username), marked when through an API token; else the system's name."""
    actor = event.actor
    if actor is None:
        return event.actor_display
    name = actor.get_full_name() or actor.get_username()
    return f"{name} (API token)" if event.actor_kind == AuditEvent.ActorKind.TOKEN else name


def person_or_object_text(obj: models.Model) -> str:
    """A user is written by full name; any other object as it names itself."""
    full_name = getattr(obj, "get_full_name", None)
    if callable(full_name):
        return str(full_name() or obj.get_username())  # type: ignore[attr-defined]
    return str(obj)


class ValueFormatter:
    """Writes recorded values of one model's fields as text; remembers the related objects it looked up."""

    def __init__(self, model: type[models.Model]) -> None:
        self.model = model
        self.spec = audit.spec_for(model)
        self._related: dict[tuple[str, str], str] = {}

    def _field(self, name: str) -> Any:
        try:
            return self.model._meta.get_field(name)
        except FieldDoesNotExist:
            return None

    def label(self, name: str) -> str:
        model_field = self._field(name)
        verbose = getattr(model_field, "verbose_name", None) if model_field is not None else None
        return str(capfirst(verbose or name.replace("_", " ")))

    def text(self, name: str, value: Any) -> str:
        if value in EMPTY_VALUES:
            return BLANK
        if value == audit.MASK:
            return audit.MASK
        model_field = self._field(name)
        if model_field is None:
            return ", ".join(map(str, value)) if isinstance(value, list) else str(value)
        if model_field.many_to_many:
            return ", ".join(self._related_text(model_field, str(item)) for item in value)
        if model_field.is_relation:
            return self._related_text(model_field, str(value))
        if isinstance(value, bool):
            return "Yes" if value else "No"
        if model_field.choices:
            return str(dict(model_field.flatchoices).get(value, value))
        return self._plain_text(model_field, value)

    def _related_text(self, model_field: Any, key_value: str) -> str:
        key = self.spec.natural_keys.get(model_field.name, "pk")
        cache_key = (model_field.name, key_value)
        if cache_key not in self._related:
            related_model = model_field.related_model
            # Deleted objects are named too: the event is about the past, when they existed.
            found = related_model._base_manager.filter(**{key: key_value}).first()
            self._related[cache_key] = person_or_object_text(found) if found is not None else key_value
        return self._related[cache_key]

    def _plain_text(self, model_field: Any, value: Any) -> str:
        if isinstance(value, str) and isinstance(model_field, models.DateTimeField):
            moment = parse_datetime(value)
            if moment is not None:
                return formats.date_format(timezone.localtime(moment), "j M Y, H:i")
        if isinstance(value, str) and isinstance(model_field, models.DateField):
            day = parse_date(value)
            if day is not None:
                return formats.date_format(day, "j M Y")
        international = _international_phone(model_field, value)
        return international or str(value)


def _international_phone(model_field: Any, value: Any) -> str:
    """A phone number recorded as E.164, written the way people read it (``+44 20 7946 0958``)."""
    if not isinstance(value, str) or not value.startswith("+"):
        return ""
    try:
        parsed = model_field.to_python(value)
    except ValidationError:
        return ""
    return str(getattr(parsed, "as_international", "") or "")


def describe_changes(event: AuditEvent, formatter: ValueFormatter | None) -> list[FieldChange]:
    """The changed fields of ``event`` in the model's recorded order, as text."""
    changes: Mapping[str, Any] = event.changes or {}
    if formatter is None:
        return [
            FieldChange(name, name.replace("_", " ").capitalize(), _raw_text(change), _raw_text(change, "after"))
            for name, change in sorted(changes.items())
        ]
    ordered = [name for name in formatter.spec.fields if name in changes]
    ordered += sorted(name for name in changes if name not in formatter.spec.fields)
    return [
        _hidden_change(name, formatter.label(name), changes[name])
        if name in formatter.spec.sensitive
        else FieldChange(
            name=name,
            label=formatter.label(name),
            before=formatter.text(name, _side(changes[name], "before")),
            after=formatter.text(name, _side(changes[name], "after")),
        )
        for name in ordered
    ]


def _hidden_change(name: str, label: str, change: Any) -> FieldChange:
    """A sensitive field's change: whether it held a value before, and that it changed, never the values."""
    before = BLANK if _side(change, "before") in EMPTY_VALUES else audit.MASK
    after = BLANK if _side(change, "after") in EMPTY_VALUES else HIDDEN_CHANGE
    return FieldChange(name=name, label=label, before=before, after=after)


def _side(change: Any, side: str) -> Any:
    return change.get(side) if isinstance(change, Mapping) else None


def _raw_text(change: Any, side: str = "before") -> str:
    value = _side(change, side)
    if value in EMPTY_VALUES:
        return BLANK
    return ", ".join(map(str, value)) if isinstance(value, list) else str(value)


# --- As of an event, and reverting to it ---------------------------------------------------------


def recorded_state(event: AuditEvent) -> dict[str, Any]:
    """The record as ``event`` left it; an event without a state (a login, an export) cannot be read as one."""
    if event.state is None:
        raise ValidationError("This event did not record the state of an object.")
    return dict(event.state)


def revertable_fields(spec: audit.AuditSpec) -> tuple[str, ...]:
    """Recorded fields a revert may write: editable ones, never the code, never a value stored masked."""
    names = []
    for name in spec.fields:
        model_field = spec.model._meta.get_field(name)
        if name == spec.code_field or name in spec.sensitive or not model_field.editable:
            continue
        names.append(name)
    return tuple(names)


def compare(
    spec: audit.AuditSpec, state: Mapping[str, Any], current: Mapping[str, Any], formatter: ValueFormatter
) -> list[FieldAsOf]:
    """Every recorded field: its value as of the event, its value now, and whether they differ."""
    revertable = set(revertable_fields(spec))
    return [
        FieldAsOf(
            name=name,
            label=formatter.label(name),
            then=formatter.text(name, state.get(name)),
            now=formatter.text(name, current.get(name)),
            differs=_normalised(state.get(name)) != _normalised(current.get(name)),
            revertable=name in revertable,
        )
        for name in spec.fields
        if name in state
    ]


def differing_fields(spec: audit.AuditSpec, state: Mapping[str, Any], current: Mapping[str, Any]) -> list[str]:
    """Revertable fields whose recorded value differs from the current one."""
    return [
        name
        for name in revertable_fields(spec)
        if name in state and _normalised(state.get(name)) != _normalised(current.get(name))
    ]


def _normalised(value: Any) -> Any:
    # A blank recorded as "" or None, and label lists in any order, are the same value.
    if value in EMPTY_VALUES:
        return None
    return sorted(value) if isinstance(value, list) else value


def fields_to_revert(
    spec: audit.AuditSpec, state: Mapping[str, Any], current: Mapping[str, Any], fields: Sequence[str] | None
) -> list[str]:
    """The fields a revert writes: those asked for (all differing ones when None), each checked."""
    differing = differing_fields(spec, state, current)
    if fields is None:
        if not differing:
            raise ValidationError("The record already has the values it had then; there is nothing to revert.")
        return differing
    errors: dict[str, str] = {}
    revertable = set(revertable_fields(spec))
    for name in fields:
        if name not in revertable or name not in state:
            errors[name] = "This field cannot be reverted."
        elif name not in differing:
            errors[name] = "It already has the value it had then."
    if errors:
        raise ValidationError(errors)
    return list(dict.fromkeys(fields))


def resolve_recorded_values(spec: audit.AuditSpec, state: Mapping[str, Any], names: Iterable[str]) -> dict[str, Any]:
    """The recorded values of ``names`` as a service takes them: related objects looked up by natural key.

    Raises one ``ValidationError`` naming every field whose value no longer resolves: a related
    object that was deleted (or renamed) since, a user who was deactivated, a value that no longer
    parses. The rules of the record itself (formats, combinations) are the service's to apply.
    """
    values: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for name in names:
        model_field: Any = spec.model._meta.get_field(name)
        value = state.get(name)
        try:
            if model_field.many_to_many:
                values[name] = [_related_object(spec, model_field, str(item)) for item in value or []]
            elif model_field.is_relation:
                values[name] = _related_object(spec, model_field, str(value)) if value not in EMPTY_VALUES else None
            else:
                values[name] = model_field.to_python(value)
        except ValidationError as error:
            errors[name] = " ".join(error.messages)
    if errors:
        raise ValidationError(errors)
    return values


def _related_object(spec: audit.AuditSpec, model_field: Any, key_value: str) -> models.Model:
    related_model = model_field.related_model
    key = spec.natural_keys.get(model_field.name, "pk")
    noun = capfirst(related_model._meta.verbose_name)
    # The default manager: a soft-deleted object cannot be linked again.
    found = related_model._default_manager.filter(**{key: key_value}).first()
    if found is None:
        raise ValidationError(f"{noun} “{key_value}” no longer exists.")
    if getattr(found, "is_active", True) is False:
        raise ValidationError(f"{noun} “{key_value}” is deactivated.")
    return found
