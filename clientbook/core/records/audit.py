"""The audit trail: one append-only ``AuditEvent`` row per change, written in the change's transaction.

A model takes part by registering an ``AuditSpec`` (which fields are recorded, which are sensitive,
how related objects are named). Services call ``record_create``, ``record_update``, ``record_delete``
… inside their ``transaction.atomic`` block, so a rolled-back change leaves no event and a committed
change always has one. Who and from where come from ``clientbook.core.context`` (set by middleware,
the API's authentication, task wrappers and management commands).
"""

import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from typing import Any

from django.db import models

from clientbook.core import context
from clientbook.core.models import AuditEvent

MASK = "••••••"


class Masked(str):
    """A sensitive field's recorded value: the text ``MASK`` wherever it is stored or shown (JSON writes
    a ``str`` subclass as its text), compared by the value it stands for while in memory, so a change
    from one hidden value to another is still a change in ``diff``. Read back from an event it is a
    plain ``MASK`` again, which equals any ``Masked``.
    """

    value: Any

    def __new__(cls, value: Any) -> "Masked":
        masked = super().__new__(cls, MASK)
        masked.value = value
        return masked

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Masked):
            return bool(self.value == other.value)
        return str.__eq__(self, other)

    def __ne__(self, other: object) -> bool:
        return not self.__eq__(other)

    __hash__ = str.__hash__

    def __reduce__(self) -> Any:
        # Copied or pickled (a cache), it is the mask alone: the value never leaves this process's memory.
        return (str, (MASK,))


@dataclass(frozen=True)
class AuditSpec:
    """What the audit trail records of one model.

    ``fields``: recorded field names (M2M fields included). ``natural_keys``: for a relation, how a
    related object is written (``{"officer": "username", "organization": "code", "labels": "name"}``)
    so the log reads as names, not ids. ``sensitive``: fields written masked.
    """

    model: type[models.Model]
    fields: tuple[str, ...]
    natural_keys: Mapping[str, str] = field(default_factory=dict)
    sensitive: frozenset[str] = frozenset()
    code_field: str | None = "code"


_SPECS: dict[type[models.Model], AuditSpec] = {}


def register(spec: AuditSpec) -> AuditSpec:
    _SPECS[spec.model] = spec
    _recorded_fields.cache_clear()
    return spec


def spec_for(model: type[models.Model]) -> AuditSpec:
    return _SPECS[model]


def object_type(model: type[models.Model] | models.Model) -> str:
    return model._meta.label_lower


def _plain(value: Any) -> Any:
    """A JSON-safe form of a field value."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if hasattr(value, "as_e164"):
        return value.as_e164
    if hasattr(value, "code") and value.__class__.__name__ == "Country":
        return value.code or ""
    return str(value)


def snapshot(obj: models.Model, many_to_many: Mapping[str, list[str]] | None = None) -> dict[str, Any]:
    """The recorded fields of ``obj`` as plain values, relations by natural key, sensitive masked.

    ``many_to_many``: the natural keys of related objects when the caller knows them (a batch
    writer), instead of one query per relation.
    """
    spec = spec_for(type(obj))
    loaded = obj.__dict__
    values: dict[str, Any] = {}
    for name, model_field in _recorded_fields(type(obj)):
        key = spec.natural_keys.get(name)
        if many_to_many is not None and name in many_to_many:
            values[name] = sorted(many_to_many[name])
        elif model_field.many_to_many:
            related = getattr(obj, name).all() if obj.pk else []
            values[name] = sorted(str(getattr(item, key or "pk")) for item in related)
        elif model_field.is_relation:
            related_obj = getattr(obj, name)
            values[name] = str(getattr(related_obj, key or "pk")) if related_obj is not None else None
        elif name in spec.sensitive:
            raw = loaded[name] if name in loaded else getattr(obj, name)
            values[name] = Masked(raw) if raw not in (None, "", []) else _plain(raw)
        elif name in loaded:
            # The stored value: a descriptor may build an object on each read (django-countries).
            values[name] = _plain(loaded[name])
        else:
            values[name] = _plain(getattr(obj, name))
    return values


@cache
def _recorded_fields(model: type[models.Model]) -> list[tuple[str, Any]]:
    return [(name, model._meta.get_field(name)) for name in spec_for(model).fields]


def diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """``{"field": {"before": …, "after": …}}`` for every field whose value changed."""
    return {
        name: {"before": before.get(name), "after": after.get(name)}
        for name in after
        if before.get(name) != after.get(name)
    }


def _actor_fields(user: Any) -> dict[str, Any]:
    current = context.current()
    actor = user if user is not None else current.user
    if actor is not None and getattr(actor, "is_authenticated", False):
        return {
            "actor": actor,
            "actor_display": actor.get_username(),
            "actor_kind": AuditEvent.ActorKind.TOKEN if current.token_id else AuditEvent.ActorKind.USER,
            "token_id": current.token_id,
        }
    return {"actor": None, "actor_display": current.system_name, "actor_kind": AuditEvent.ActorKind.SYSTEM}


def build(
    action: str,
    obj: models.Model | None = None,
    *,
    user: Any = None,
    changes: Mapping[str, Any] | None = None,
    state: Mapping[str, Any] | None = None,
    extra: Mapping[str, Any] | None = None,
    object_label: str = "",
) -> AuditEvent:
    """An unsaved event (``record`` saves one; ``record_many`` saves a batch in one statement).

    An event about a versioned record also keeps the version the change produced
    (``extra["version"]``), so a refused stale write can tell what changed since (``core.versions``).
    """
    current = context.current()
    object_fields: dict[str, Any] = {}
    version = getattr(obj, "version", None) if obj is not None else None
    if isinstance(version, int):
        extra = {"version": version, **(extra or {})}
    if obj is not None:
        spec = _SPECS.get(type(obj))
        code_field = spec.code_field if spec else None
        object_fields = {
            "object_type": object_type(obj),
            "object_id": str(obj.pk),
            # Cut to the column's width: a long code (a 150-character username) must not refuse the change.
            "object_code": (str(getattr(obj, code_field, "") or "") if code_field else "")[:32],
            "object_display": (object_label or str(obj))[:300],
        }
    elif object_label:
        object_fields = {"object_display": object_label[:300]}
    return AuditEvent(
        action=action,
        request_id=current.request_id,
        ip=current.ip,
        user_agent=current.user_agent,
        operation_id=current.operation_id,
        changes=dict(changes or {}),
        state=dict(state) if state is not None else None,
        extra=dict(extra or {}),
        **object_fields,
        **_actor_fields(user),
    )


def record(action: str, obj: models.Model | None = None, **kwargs: Any) -> AuditEvent:
    """Append one event; call it inside the transaction of the change it describes."""
    event = build(action, obj, **kwargs)
    event.save(force_insert=True)
    return event


def record_many(events: Iterable[AuditEvent]) -> None:
    """Append built events in one statement, inside the transaction of the changes they describe."""
    AuditEvent.objects.bulk_create(list(events))


def creation_event(obj: models.Model, *, user: Any = None, state: Mapping[str, Any] | None = None) -> AuditEvent:
    """The unsaved create event of ``obj``; ``state`` is its snapshot when the caller has it already."""
    state = snapshot(obj) if state is None else state
    changes = {name: {"before": None, "after": value} for name, value in state.items() if value not in (None, "", [])}
    return build(AuditEvent.Action.CREATE, obj, user=user, changes=changes, state=state)


def record_create(obj: models.Model, *, user: Any = None) -> AuditEvent:
    event = creation_event(obj, user=user)
    event.save(force_insert=True)
    return event


def record_update(
    obj: models.Model, before: Mapping[str, Any], *, user: Any = None, action: str = AuditEvent.Action.UPDATE
) -> AuditEvent | None:
    """Record the fields that changed since ``before`` (a ``snapshot``); nothing if none did."""
    state = snapshot(obj)
    changes = diff(before, state)
    if not changes:
        return None
    return record(action, obj, user=user, changes=changes, state=state)


def record_action(action: str, obj: models.Model, *, user: Any = None, **extra: Any) -> AuditEvent:
    """An event about ``obj`` that changes no recorded field's history by itself (delete, restore …)."""
    return record(action, obj, user=user, state=snapshot(obj), extra=extra)


@contextmanager
def operation(name: str, operation_id: uuid.UUID | None = None) -> Iterator[uuid.UUID]:
    """Group every event recorded inside under one operation id (bulk changes, imports, merges).

    ``operation_id``: carry on an operation begun earlier (an import resumed by another worker).
    """
    operation_id = operation_id or uuid.uuid4()
    token = context.set_context(replace(context.current(), operation_id=operation_id, operation_name=name))
    try:
        yield operation_id
    finally:
        context.reset_context(token)


@contextmanager
def acting_as(name: str) -> Iterator[None]:
    """Record events from a management command or task under ``name`` instead of an anonymous system."""
    token = context.set_context(replace(context.current(), system_name=name))
    try:
        yield
    finally:
        context.reset_context(token)


def events_for(obj: models.Model) -> models.QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(object_type=object_type(obj), object_id=str(obj.pk)).order_by("-at", "-id")


def state_as_of(obj: models.Model, moment: datetime) -> dict[str, Any] | None:
    """The recorded state of ``obj`` right after the last event at or before ``moment``."""
    event = (
        events_for(obj)
        .filter(at__lte=moment, state__isnull=False)
        .order_by("-at", "-id")
        .values_list("state", flat=True)
        .first()
    )
    return event


Serializer = Callable[[models.Model], dict[str, Any]]


def registered_models() -> Iterable[type[models.Model]]:
    return _SPECS.keys()
