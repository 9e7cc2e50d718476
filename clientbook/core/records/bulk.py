"""Bulk changes as one operation: run a per-row service over a selection, and undo all of it.

A bulk change (a list's bulk action now; imports and merges later) is written once here:

- the **selection** is either explicit keys (codes) or "all matching" a list's query string,
  resolved by the list pipeline's ``filtered_queryset``, so what changes is exactly what the list
  showed; every selected row must be one the user may change (``restrict``), else nothing runs;
- ``run`` calls the model's per-row service for every row inside ``audit.operation``, so each audit
  event carries the operation id; a selection of up to ``BATCH_SIZE`` rows is one transaction,
  a larger one runs in transactions of ``BATCH_SIZE`` rows (short write locks on SQLite) that all
  share the id; a ``BulkOperation`` row, written in the same transactions, keeps the summary;
- ``undo`` puts back the recorded ``before`` values of every event of the operation (newest
  first) through the model's own services, registered with ``register``, as a new operation that
  records an ``UNDO_OPERATION`` event naming the original. It refuses, naming the rows, when a row
  changed again after the operation: undoing would silently overwrite that later change.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import formats, timezone

from clientbook.core import context
from clientbook.core.listing.pipeline import ListSpec, filtered_queryset
from clientbook.core.models import AuditEvent, BulkOperation
from clientbook.core.permissions import can, restrict
from clientbook.core.records import audit, history

# Rows per transaction. A selection up to this size changes in one transaction.
BATCH_SIZE = 500
# A bulk change runs within the request: per-row services write about 350 rows a second here, so
# a larger selection must be narrowed first.
MAX_ROWS = 5_000
# How many rows a message names before it says "and N more".
ROWS_NAMED = 10
SELECTION_FIELD = "selection"
# Events an undo can reverse: recorded field changes are put back, a created row is deleted (softly).
UNDOABLE_ACTIONS = frozenset(
    {AuditEvent.Action.UPDATE, AuditEvent.Action.STATUS_CHANGE, AuditEvent.Action.REVERT, AuditEvent.Action.CREATE}
)

RowChange = Callable[[Any], bool]
"""Changes one row through the model's services; True when it changed something, False when the
row already was as asked (then nothing is written or recorded)."""


class ValueApplier(Protocol):
    """Writes field values (model values and related objects, as ``history.resolve_recorded_values``
    returns them) through a model's services, validated and audited like any edit."""

    def __call__(self, *, user: Any, obj: Any, values: dict[str, Any]) -> Any: ...


class Remover(Protocol):
    """Deletes (softly, audited) a row an operation created, through the model's services."""

    def __call__(self, *, user: Any, obj: Any) -> None: ...


_APPLIERS: dict[type[models.Model], ValueApplier] = {}
_REMOVERS: dict[type[models.Model], Remover] = {}


def register(model: type[models.Model], apply_values: ValueApplier) -> None:
    """Let operations on ``model`` be undone: ``apply_values`` writes recorded values back."""
    _APPLIERS[model] = apply_values


def register_remover(model: type[models.Model], remove: Remover) -> None:
    """Let operations that created rows of ``model`` (imports) be undone: ``remove`` deletes one."""
    _REMOVERS[model] = remove


@dataclass(frozen=True)
class Selection:
    """The rows a bulk change applies to: explicit ``keys`` (codes), or every row matching ``params``
    (the list's search and filter parameters) when ``params`` is not None."""

    keys: tuple[str, ...] = ()
    params: Mapping[str, Any] | None = None

    @classmethod
    def of_keys(cls, keys: Iterable[str]) -> "Selection":
        return cls(keys=tuple(dict.fromkeys(key.strip() for key in keys if key and key.strip())))

    @classmethod
    def matching(cls, params: Mapping[str, Any]) -> "Selection":
        return cls(params=params)

    @property
    def all_matching(self) -> bool:
        return self.params is not None


@dataclass(frozen=True)
class RowNote:
    """A row named in a refusal: its key (code), its display name and why it is named."""

    key: str
    display: str
    reason: str

    def __str__(self) -> str:
        return f"{self.key} ({self.display}): {self.reason}" if self.display else f"{self.key}: {self.reason}"


class BulkStopped(ValidationError):
    """A row's service refused its change. In one transaction nothing was written; with batches the
    batches before it stay written under ``operation`` (marked failed), which can be undone."""

    def __init__(self, message: str, *, row: str, operation: BulkOperation | None = None) -> None:
        super().__init__(message)
        self.row = row
        self.operation = operation


class UndoRefused(Exception):
    """An undo that cannot be done, or would overwrite later changes; ``rows`` names the rows at fault."""

    def __init__(self, message: str, rows: Sequence[RowNote] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.rows = list(rows)


def key_field(model: type[models.Model]) -> str:
    """How rows of ``model`` are addressed in a selection: their code, else their primary key."""
    try:
        code_field = audit.spec_for(model).code_field
    except KeyError:
        code_field = None
    return code_field or "pk"


def row_key(obj: models.Model) -> str:
    return str(getattr(obj, key_field(type(obj))))


def noun(model: type[models.Model], count: int) -> str:
    meta = model._meta
    return str(meta.verbose_name if count == 1 else meta.verbose_name_plural)


def _named(items: Sequence[str]) -> str:
    shown = ", ".join(items[:ROWS_NAMED])
    return f"{shown} and {len(items) - ROWS_NAMED:,} more" if len(items) > ROWS_NAMED else shown


def _chunks(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _messages(error: ValidationError) -> str:
    if hasattr(error, "error_dict"):
        return " ".join(f"{name}: {' '.join(messages)}" for name, messages in error.message_dict.items())
    return " ".join(error.messages)


# --- Selection ------------------------------------------------------------------------------------


def selected_queryset(spec: ListSpec, user: Any, selection: Selection) -> models.QuerySet:
    """The rows ``user`` sees that ``selection`` names: the list's own query for "all matching".

    Raises ``InvalidListQuery`` for parameters the list refuses, and a ``ValidationError`` on
    ``selection`` naming keys that match no row the user may see (deleted, mistyped).
    """
    if selection.params is not None:
        queryset, _ = filtered_queryset(spec, user, selection.params)
        return queryset
    if not selection.keys:
        raise ValidationError({SELECTION_FIELD: "Select at least one row."})
    field_name = key_field(spec.model)
    queryset = spec.queryset(user).filter(**{f"{field_name}__in": selection.keys})
    found = {str(key) for key in queryset.values_list(field_name, flat=True)}
    missing = [key for key in selection.keys if key not in found]
    if missing:
        raise ValidationError({SELECTION_FIELD: f"No {noun(spec.model, len(missing))} found for {_named(missing)}."})
    return queryset


def resolve(spec: ListSpec, user: Any, selection: Selection, *, max_rows: int = MAX_ROWS) -> list[Any]:
    """The primary keys of the selected rows, in key order, after checking size and permission.

    Refuses an empty or too large selection (``ValidationError`` on ``selection``) and a selection
    holding a row the user may not change (``PermissionDenied`` naming the rows).
    """
    queryset = selected_queryset(spec, user, selection)
    keys = list(queryset.order_by("pk").values_list("pk", flat=True)[: max_rows + 1])
    plural = spec.model._meta.verbose_name_plural
    if not keys:
        raise ValidationError({SELECTION_FIELD: f"No {plural} are selected."})
    if len(keys) > max_rows:
        total = queryset.count()
        raise ValidationError(
            {
                SELECTION_FIELD: f"{total:,} {plural} are selected; a bulk change takes at most {max_rows:,} "
                "at a time. Narrow the search or the filters."
            }
        )
    require_changeable(spec.model, user, keys)
    return keys


def require_changeable(model: type[models.Model], user: Any, keys: Sequence[Any]) -> None:
    """Refuse unless ``user`` may change every row of ``keys`` (the row-level rule is ``restrict``'s)."""
    if not can(user, "change", model):
        raise PermissionDenied(f"Your role may not change {model._meta.verbose_name_plural}.")
    refused: list[str] = []
    manager = model._base_manager
    for chunk in _chunks(keys, BATCH_SIZE):
        allowed = set(restrict(user, "change", manager.filter(pk__in=chunk)).values_list("pk", flat=True))
        denied = [key for key in chunk if key not in allowed]
        if denied:
            refused += [row_key(obj) for obj in manager.filter(pk__in=denied).order_by("pk")]
    if refused:
        raise PermissionDenied(
            f"You may not change these {noun(model, len(refused))}: {_named(refused)}. Nothing was changed."
        )


# --- Running --------------------------------------------------------------------------------------


@dataclass
class _Progress:
    """One run over its rows, across its transactions."""

    operation: BulkOperation
    rows_query: Callable[[Sequence[Any]], models.QuerySet]
    change: RowChange
    written: bool = False


def run(
    *,
    spec: ListSpec,
    user: Any,
    selection: Selection,
    name: str,
    description: str,
    change: RowChange,
    batch_size: int = BATCH_SIZE,
    max_rows: int = MAX_ROWS,
) -> BulkOperation:
    """Apply ``change`` to every selected row as one operation and return its ``BulkOperation``.

    Call it outside any transaction: with more than ``batch_size`` rows each batch commits on its
    own. A row refused by its service stops the run with ``BulkStopped`` naming the row.
    """
    keys = resolve(spec, user, selection, max_rows=max_rows)
    with audit.operation(name) as operation_id:
        operation = BulkOperation(
            id=operation_id,
            name=name,
            description=description[:300],
            object_type=audit.object_type(spec.model),
            selected_count=len(keys),
            **_actor(user),
        )
        progress = _Progress(
            operation=operation,
            # Rows deleted since the selection was made are left alone.
            rows_query=lambda batch: spec.queryset(user).filter(pk__in=batch).order_by("pk"),
            change=change,
        )
        batches = list(_chunks(keys, batch_size))
        for number, batch in enumerate(batches, start=1):
            try:
                with transaction.atomic():
                    _run_batch(spec.model, progress, batch, last=number == len(batches))
            except BulkStopped as stopped:
                raise _stopped(progress, stopped) from stopped
            except Exception as error:
                if progress.written:
                    _mark_failed(operation, str(error) or error.__class__.__name__)
                raise
    return operation


def _actor(user: Any) -> dict[str, Any]:
    if user is not None and getattr(user, "is_authenticated", False):
        return {"user": user, "actor_display": user.get_username()}
    return {"user": None, "actor_display": context.current().system_name}


def _run_batch(model: type[models.Model], progress: _Progress, batch: Sequence[Any], *, last: bool) -> None:
    operation = progress.operation
    if not progress.written:
        # Written in the first batch's transaction: a run whose first batch fails leaves no trace.
        operation.save(force_insert=True)
    # Lock before reading, so no concurrent change slips in between what a row function reads and writes.
    locked = list(model._base_manager.select_for_update().filter(pk__in=batch).values_list("pk", flat=True))
    changed = 0
    for row in progress.rows_query(locked):
        try:
            changed += int(bool(progress.change(row)))
        except ValidationError as error:
            raise BulkStopped(
                f"{row_key(row)} ({row}) could not be changed: {_messages(error)}", row=row_key(row)
            ) from error
    operation.row_count += changed
    if last:
        operation.state = BulkOperation.State.DONE
        operation.finished_at = timezone.now()
    operation.save(update_fields=["row_count", "state", "finished_at"])
    progress.written = True


def _stopped(progress: _Progress, stopped: BulkStopped) -> BulkStopped:
    """Explain a stop; when earlier batches were written, record the operation as failed."""
    if not progress.written:
        return BulkStopped(f"{stopped.message} Nothing was changed.", row=stopped.row)
    operation = progress.operation
    _mark_failed(operation, str(stopped.message))
    model = apps.get_model(operation.object_type)
    count = operation.row_count
    message = (
        f"{stopped.message} The {count:,} {noun(model, count)} changed before it stay changed; "
        "undo the operation to put them back."
    )
    return BulkStopped(message, row=stopped.row, operation=operation)


def _mark_failed(operation: BulkOperation, message: str) -> None:
    """Record that ``operation`` stopped part way; the batches it committed stay, and can be undone."""
    # The failed batch rolled back: the stored row holds the counts of the batches that committed.
    operation.refresh_from_db()
    operation.state = BulkOperation.State.FAILED
    operation.finished_at = timezone.now()
    operation.error = message
    operation.save(update_fields=["state", "finished_at", "error"])


# --- Undo -----------------------------------------------------------------------------------------


def get_operation(operation_id: Any) -> BulkOperation:
    """The operation with ``operation_id`` (raises ``BulkOperation.DoesNotExist``)."""
    return BulkOperation.objects.select_related("user", "undone_by", "undoes").get(pk=operation_id)


def model_of(operation: BulkOperation) -> type[models.Model]:
    model = history.model_for_type(operation.object_type)
    if model is None:
        raise UndoRefused(f"Records of type “{operation.object_type}” no longer exist.")
    return model


def may_use(user: Any, operation: BulkOperation) -> bool:
    """Whoever may change the operation's kind of record may read and undo it (an undo checks each row)."""
    model = history.model_for_type(operation.object_type)
    return model is not None and can(user, "change", model)


def undo_blockers(operation: BulkOperation) -> list[str]:
    """Why ``operation`` cannot be undone as a whole (empty when it can, rows aside)."""
    if operation.is_undo:
        return ["An undo cannot itself be undone; make the change again instead."]
    if operation.state == BulkOperation.State.UNDONE:
        when = formats.date_format(timezone.localtime(operation.undone_at), "j M Y, H:i") if operation.undone_at else ""
        who = operation.undone_by.get_username() if operation.undone_by else "the system"
        return [f"This operation was already undone by {who} on {when}."]
    if operation.state == BulkOperation.State.RUNNING:
        return ["This operation is still running."]
    model = history.model_for_type(operation.object_type)
    if model is None or model not in _APPLIERS:
        return [f"Operations on {operation.object_type} cannot be undone."]
    return []


def _events_by_object(operation: BulkOperation) -> dict[str, list[AuditEvent]]:
    """The operation's events on records, newest first, grouped by record id (records in id order)."""
    events = AuditEvent.objects.filter(operation_id=operation.id, object_type=operation.object_type).order_by("-id")
    grouped: dict[str, list[AuditEvent]] = defaultdict(list)
    for event in events:
        grouped[event.object_id].append(event)
    return dict(sorted(grouped.items(), key=lambda item: (len(item[0]), item[0])))


def _note(event: AuditEvent, reason: str) -> RowNote:
    key = event.object_code or event.object_id
    return RowNote(key=key, display=event.object_display.removesuffix(f" ({key})"), reason=reason)


def changed_since(operation: BulkOperation, grouped: Mapping[str, list[AuditEvent]]) -> list[RowNote]:
    """Rows with an event newer than the operation's last event on them (edited, deleted, reverted …)."""
    notes: list[RowNote] = []
    object_ids = list(grouped)
    for chunk in _chunks(object_ids, BATCH_SIZE):
        first = min(events[0].id for object_id, events in grouped.items() if object_id in chunk)
        later = (
            AuditEvent.objects.filter(object_type=operation.object_type, object_id__in=chunk, id__gt=first)
            .exclude(operation_id=operation.id)
            .order_by("id")
        )
        seen: set[str] = set()
        for event in later:
            if event.object_id in seen or event.id < grouped[event.object_id][0].id:
                continue
            seen.add(event.object_id)
            when = formats.date_format(timezone.localtime(event.at), "j M Y, H:i")
            reason = f"{event.get_action_display().lower()} by {event.actor_display} on {when}"
            notes.append(_note(event, reason))
    return notes


def _unsupported(grouped: Mapping[str, list[AuditEvent]]) -> list[RowNote]:
    return [
        _note(event, f"“{event.get_action_display()}” cannot be undone here")
        for events in grouped.values()
        for event in events
        if event.action not in UNDOABLE_ACTIONS
    ]


def values_to_restore(spec: audit.AuditSpec, event: AuditEvent, current: Mapping[str, Any]) -> dict[str, Any]:
    """The recorded ``before`` value of each field ``event`` changed, as plain recorded values.

    A many-to-many field gets back what the event added or removed, applied to its current value.
    Refuses (``ValidationError`` on the field) a value the log holds masked.
    """
    values: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for name, change in (event.changes or {}).items():
        before = change.get("before") if isinstance(change, Mapping) else None
        after = change.get("after") if isinstance(change, Mapping) else None
        if before == audit.MASK or name in spec.sensitive:
            errors[name] = "Its earlier value is masked in the log and cannot be put back."
        elif spec.model._meta.get_field(name).many_to_many:
            added = set(after or []) - set(before or [])
            removed = set(before or []) - set(after or [])
            values[name] = sorted((set(current.get(name) or []) - added) | removed)
        else:
            values[name] = before
    if errors:
        raise ValidationError(errors)
    return values


def undo(*, user: Any, operation: BulkOperation, batch_size: int = BATCH_SIZE) -> BulkOperation:
    """Put back what ``operation`` changed, as a new operation that is returned.

    Raises ``UndoRefused`` (nothing written) when the operation cannot be undone or a row changed
    after it, ``PermissionDenied`` when a row may not be changed by ``user``. Call it outside any
    transaction: more than ``batch_size`` rows are undone in batches, all under the new operation id.
    """
    blockers = undo_blockers(operation)
    if blockers:
        raise UndoRefused(blockers[0])
    model = model_of(operation)
    grouped = _events_by_object(operation)
    unsupported = _unsupported(grouped)
    if unsupported:
        raise UndoRefused("This operation made changes that cannot be undone here.", unsupported)
    try:
        _refuse_if_changed_since(operation, grouped, model)
    except UndoRefused as refused:
        raise UndoRefused(f"{refused.message} Nothing was undone.", refused.rows) from refused
    require_changeable(model, user, [model._meta.pk.to_python(object_id) for object_id in grouped])
    name = f"undo:{operation.name}"
    with audit.operation(name) as operation_id:
        undo_operation = BulkOperation(
            id=operation_id,
            name=name,
            description=f"Undo: {operation.description}"[:300],
            object_type=operation.object_type,
            selected_count=len(grouped),
            undoes=operation,
            **_actor(user),
        )
        batches = list(_chunks(list(grouped), batch_size))
        for number, batch in enumerate(batches, start=1):
            try:
                with transaction.atomic():
                    if number == 1:
                        _claim(operation)
                        undo_operation.save(force_insert=True)
                    _undo_batch(user, operation, model, {object_id: grouped[object_id] for object_id in batch})
                    undo_operation.row_count += len(batch)
                    if number == len(batches):
                        _finish_undo(user, operation, undo_operation)
                    undo_operation.save(update_fields=["row_count", "state", "finished_at"])
            except UndoRefused as refused:
                if number == 1:
                    raise UndoRefused(f"{refused.message} Nothing was undone.", refused.rows) from refused
                _mark_failed(undo_operation, refused.message)
                count = undo_operation.row_count
                raise UndoRefused(
                    f"{refused.message} The {count:,} {noun(model, count)} of the batches before stay put back "
                    "(the undo is recorded as stopped).",
                    refused.rows,
                ) from refused
            except Exception as error:
                if number > 1:
                    _mark_failed(undo_operation, str(error) or error.__class__.__name__)
                raise
    return undo_operation


def _claim(operation: BulkOperation) -> None:
    """Lock the operation's row and look again: another undo may have finished meanwhile."""
    current = BulkOperation.objects.select_for_update().get(pk=operation.pk)
    blockers = undo_blockers(current)
    if blockers:
        raise UndoRefused(blockers[0])


def _refuse_if_changed_since(
    operation: BulkOperation, grouped: Mapping[str, list[AuditEvent]], model: type[models.Model]
) -> None:
    notes = changed_since(operation, grouped)
    if notes:
        count = len(notes)
        raise UndoRefused(
            f"{count:,} {noun(model, count)} changed after this operation, and undoing it would overwrite "
            "those later changes; change them by hand instead.",
            notes,
        )


def _undo_batch(
    user: Any, operation: BulkOperation, model: type[models.Model], grouped: dict[str, list[AuditEvent]]
) -> None:
    spec = audit.spec_for(model)
    apply_values = _APPLIERS[model]
    # Lock the rows, then look again: a change may have landed since the first look.
    rows = {
        str(row.pk): row for row in model._base_manager.select_for_update().filter(pk__in=list(grouped)).order_by("pk")
    }
    _refuse_if_changed_since(operation, grouped, model)
    for object_id, events in grouped.items():
        row = rows.get(object_id)
        if row is None:
            event = events[0]
            raise UndoRefused("A changed row no longer exists.", [_note(event, "purged")])
        for event in events:
            if event.action == AuditEvent.Action.CREATE:
                _remove_created(user, model, row, event)
                continue
            try:
                recorded = values_to_restore(spec, event, audit.snapshot(row))
                values = history.resolve_recorded_values(spec, recorded, list(recorded))
                row = apply_values(user=user, obj=row, values=values)
            except ValidationError as error:
                raise UndoRefused(
                    "A row cannot take its earlier values back.",
                    [RowNote(row_key(row), str(row).removesuffix(f" ({row_key(row)})"), _messages(error))],
                ) from error


def _remove_created(user: Any, model: type[models.Model], row: Any, event: AuditEvent) -> None:
    remove = _REMOVERS.get(model)
    if remove is None:
        raise UndoRefused("Rows this operation created cannot be removed here.", [_note(event, "created")])
    if getattr(row, "deleted_at", None) is None:
        remove(user=user, obj=row)


def _finish_undo(user: Any, operation: BulkOperation, undo_operation: BulkOperation) -> None:
    now = timezone.now()
    undo_operation.state = BulkOperation.State.DONE
    undo_operation.finished_at = now
    operation.state = BulkOperation.State.UNDONE
    operation.undone_at = now
    operation.undone_by = undo_operation.user
    operation.save(update_fields=["state", "undone_at", "undone_by"])
    audit.record(
        AuditEvent.Action.UNDO_OPERATION,
        operation,
        user=user,
        extra={"operation": str(operation.id), "name": operation.name, "rows": undo_operation.row_count},
    )
