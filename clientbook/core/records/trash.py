"""Soft delete, the trash, restore and purge: written once here, used by every model (docs/architecture.md).

Deleting sets ``deleted_at``; the default manager then hides the row from lists, search, exports,
totals, relations and the API, while the row keeps every link it had (labels, officer,
organization, people …). Restoring clears ``deleted_at`` and so brings the record back exactly as it
was. Purging removes the row for good (administrators only); its audit events stay, and a code
never comes back because code sequences only go up.

The helpers lock the row (``select_for_update`` inside the caller's transaction), check the
version the caller read, bump it and write the audit event, so every model's delete, restore and
purge behave alike. An app's services call them and add what is particular to the model (search
documents, uniqueness among live rows, links to clear before a purge), and register the model with
a ``TrashSpec`` so the Trash page lists its deleted rows and can restore or purge them.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.text import capfirst

from clientbook.core.models import AuditEvent
from clientbook.core.permissions import can, is_admin, restrict
from clientbook.core.records import audit, versions

Row = TypeVar("Row", bound=models.Model)


@dataclass(frozen=True)
class TrashSpec:
    """How the Trash page shows, restores and purges one model's deleted rows.

    ``restore`` and ``purge`` are the app's services, called as ``restore(user, obj)``;
    ``describe`` names a row for people, ``code`` gives its code ("" when it has none),
    ``restored_url`` says where a restored row can be seen and ``history_url`` where an
    administrator reads a deleted row's history ("" when it has no such page).
    """

    model: type[models.Model]
    restore: Callable[[Any, Any], Any]
    purge: Callable[[Any, Any], None]
    describe: Callable[[Any], str] = str
    code: Callable[[Any], str] = field(default=lambda obj: "")
    restored_url: Callable[[Any], str] = field(default=lambda obj: "")
    history_url: Callable[[Any], str] = field(default=lambda obj: "")

    @property
    def key(self) -> str:
        return self.model._meta.label_lower

    @property
    def title(self) -> str:
        return capfirst(str(self.model._meta.verbose_name_plural))

    @property
    def singular(self) -> str:
        return capfirst(str(self.model._meta.verbose_name))


_SPECS: dict[str, TrashSpec] = {}


def register(spec: TrashSpec) -> TrashSpec:
    _SPECS[spec.key] = spec
    return spec


def spec_for_key(key: str) -> TrashSpec | None:
    return _SPECS.get(key)


def specs() -> list[TrashSpec]:
    return list(_SPECS.values())


def specs_for(user: Any) -> list[TrashSpec]:
    """The models whose trash ``user`` may open: whoever may delete a model may restore it."""
    return [spec for spec in _SPECS.values() if can(user, "delete", spec.model)]


# --- Write helpers (called by services inside their transaction) -----------------------------


def lock(model: type[Row], pk: Any) -> Row:
    """The stored row, deleted or not, locked until the end of the caller's transaction."""
    return model._base_manager.select_for_update().get(pk=pk)  # type: ignore[no-any-return]


def _name(obj: models.Model) -> str:
    return capfirst(str(obj._meta.verbose_name))


def soft_delete(obj: Row, *, user: Any, expected_version: int | None = None) -> Row:
    """Move ``obj`` to the trash; returns the locked row as stored after the delete."""
    row = lock(type(obj), obj.pk)
    if row.deleted_at is not None:  # type: ignore[attr-defined]
        raise ValidationError(f"{_name(row)} “{row}” is already deleted.")
    versions.check(row, expected_version)
    row.deleted_at = timezone.now()  # type: ignore[attr-defined]
    versions.bump(row)
    row.save(update_fields=["deleted_at", "updated_at", "version"])
    audit.record_action(AuditEvent.Action.DELETE, row, user=user)
    return row


def restore(
    obj: Row,
    *,
    user: Any,
    check: Callable[[Row], None] | None = None,
    prepare: Callable[[Row], Iterable[str]] | None = None,
) -> Row:
    """Bring ``obj`` back from the trash exactly as it was; returns the stored row.

    ``check`` refuses (``ValidationError``) a restore that would break a rule among live rows;
    ``prepare`` recomputes derived columns and returns their names so they are saved too.
    """
    row = lock(type(obj), obj.pk)
    if row.deleted_at is None:  # type: ignore[attr-defined]
        raise ValidationError(f"{_name(row)} “{row}” is not deleted.")
    if check is not None:
        check(row)
    row.deleted_at = None  # type: ignore[attr-defined]
    versions.bump(row)
    derived = list(prepare(row)) if prepare is not None else []
    row.save(update_fields=["deleted_at", "updated_at", "version", *derived])
    audit.record_action(AuditEvent.Action.RESTORE, row, user=user)
    return row


def require_purge(user: Any, model: type[models.Model]) -> None:
    """Purging is permanent: administrators who may delete the model, or the system (``user`` None)."""
    if user is None:
        return
    if not (is_admin(user) and can(user, "delete", model)):
        raise PermissionDenied(f"Only administrators may purge {model._meta.verbose_name_plural}.")


def purge(obj: Row, *, user: Any, before: Callable[[Row], None] | None = None) -> None:
    """Delete ``obj`` for good, deleted or not; its audit events stay and record the purge.

    ``before`` runs on the locked row first, e.g. to clear (and audit) links that the database
    would otherwise clear silently.
    """
    require_purge(user, type(obj))
    row = lock(type(obj), obj.pk)
    if before is not None:
        before(row)
    audit.record_action(AuditEvent.Action.PURGE, row, user=user, deleted_at=_iso(row.deleted_at))  # type: ignore[attr-defined]
    row.delete()


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


# --- Reading the trash ---------------------------------------------------------------------------


@dataclass(frozen=True)
class TrashItem:
    """A deleted row with who deleted it and when (from its latest DELETE event)."""

    spec: TrashSpec
    obj: Any
    deleted_at: datetime
    deleted_by: str

    @property
    def display(self) -> str:
        return self.spec.describe(self.obj)

    @property
    def code(self) -> str:
        return self.spec.code(self.obj)

    @property
    def history_url(self) -> str:
        return self.spec.history_url(self.obj)


def deleted_rows(spec: TrashSpec, user: Any) -> QuerySet:
    """The deleted rows of ``spec``'s model that ``user`` may restore, most recently deleted first."""
    queryset = spec.model._base_manager.filter(deleted_at__isnull=False)
    return restrict(user, "delete", queryset).order_by("-deleted_at", "-pk")


def items(spec: TrashSpec, rows: Iterable[Any]) -> list[TrashItem]:
    """``rows`` with their deleters, read from the audit trail in one query."""
    rows = list(rows)
    deleters: dict[str, str] = {}
    events = (
        AuditEvent.objects.filter(
            object_type=audit.object_type(spec.model),
            object_id__in=[str(row.pk) for row in rows],
            action=AuditEvent.Action.DELETE,
        )
        .select_related("actor")
        .order_by("at", "id")
    )
    for event in events:
        deleters[event.object_id] = _actor_name(event)
    return [
        TrashItem(spec=spec, obj=row, deleted_at=row.deleted_at, deleted_by=deleters.get(str(row.pk), "unknown"))
        for row in rows
    ]


def _actor_name(event: AuditEvent) -> str:
    actor = event.actor
    if actor is None:
        return event.actor_display
    return str(actor.get_full_name() or actor.get_username())
