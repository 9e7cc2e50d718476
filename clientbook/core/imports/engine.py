"""Import of a CSV or XLSX file into any registered model, written once for every list.

A model takes part by registering an ``Importer`` (``register``): the fields a file can fill, the
keys duplicates are matched on, and how a row becomes a new record or changes an existing one.
This module does the rest, the same way for every model:

1. ``upload`` stores the file, reads its header (``import_files.inspect``) and guesses the mapping
   from the column names and each field's synonyms;
2. ``configure`` takes the mapping, the duplicate strategy and its match keys and the options
   (date order, phone region, unmapped columns ignored or kept as a note);
3. ``start`` queues a **preview** (a dry run through the same code that writes nothing) or the
   **run**; the worker (``run_job``) reads the file in batches. A run's batch is one transaction
   that writes its rows, their audit events, its rejected rows and the job's checkpoint and counts
   together, so a worker killed mid-import leaves no half-written batch and a resumed job starts
   after the last committed one. The job runs under the lease of every background job
   (``clientbook.core.jobs.leases``): the sweeper re-queues a job whose worker went silent, or fails it
   after a few tries. Imports have a queue and a worker of their own (``clientbook.core.tasks``),
   and each user runs one import at a time, so a long import holds up neither other jobs nor other users.

A file is refused past ``CLIENTBOOK_IMPORT_MAX_BYTES`` at upload, and a job stops before writing
anything when the file has more than ``CLIENTBOOK_IMPORT_MAX_ROWS`` data rows (a preview says so).

Every data row ends created, updated, skipped or rejected, and the counts add up to the rows read;
each rejected row is kept (cells and reason) for the error file. A run is one ``BulkOperation``, so
``undo`` deletes what it created and puts back what it updated, audited.
"""

import logging
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any, Protocol

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import connection, models, transaction
from django.db.models import F
from django.utils import timezone

from clientbook.core.exports.formats import tabular as export_formats
from clientbook.core.exports.formats.tabular import neutralise_formula
from clientbook.core.imports import dates as import_dates
from clientbook.core.imports import files as import_files
from clientbook.core.imports import values as import_values
from clientbook.core.jobs import doorbells
from clientbook.core.jobs import leases as jobs
from clientbook.core.listing import statistics
from clientbook.core.listing.search import normalise
from clientbook.core.models import AuditEvent, BulkOperation, ImportJob, ImportRejection
from clientbook.core.permissions import can, is_admin
from clientbook.core.records import audit, bulk

logger = logging.getLogger(__name__)

BATCH_ROWS = 1_000
PREVIEW_REJECTIONS = 20
PREVIEW_UPDATES = 10
PROGRESS_EVERY_SECONDS = 0.5
OWNER_BUSY_RETRY_SECONDS = 5
IGNORE = ""
NOTE = "__note__"
DATE_ORDERS = {"auto": "Work it out from the file", "dmy": "Day first (31/12/2024)", "mdy": "Month first (12/31/2024)"}


# --- What a model declares --------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportField:
    """A field a column can fill. ``synonyms``: other column names that mean it (compared normalised)."""

    name: str
    label: str
    synonyms: tuple[str, ...] = ()
    example: str = ""
    help: str = ""
    # A sensitive field's mask (PAN, Aadhaar): a rejected row keeps its cell masked, so the error file
    # and the stored rejection never hold the value.
    mask: Callable[[str], str] | None = None


@dataclass(frozen=True)
class Options:
    """How the file's values are read: ``date_order`` dmy|mdy (or auto when no date is ambiguous),
    ``region`` for phones written without a country code."""

    date_order: str = "auto"
    region: str = ""
    # Lookups a model's parser repeats for many rows (an officer, an organization), for one run.
    cache: dict[str, Any] = field(default_factory=dict, compare=False)


class Importer(Protocol):
    """What a model provides for imports; ``customers.imports`` is the example."""

    key: str
    model: type[models.Model]
    title: str
    fields: Sequence[ImportField]
    match_keys: Mapping[str, str]
    default_match_on: Sequence[str]

    def parse(self, values: Mapping[str, Any], options: Options) -> dict[str, Any]:
        """Typed field values of one row from its mapped cells; ``ValidationError`` per field."""

    def match_values(self, parsed: Mapping[str, Any], match_on: Sequence[str]) -> list[tuple[str, Any]]:
        """The ``(key, normalised value)`` pairs a row can be matched on (empty values left out)."""

    def find_existing(self, pairs: Iterable[tuple[str, Any]]) -> dict[tuple[str, Any], models.Model]:
        """Live records holding any of ``pairs``, keyed by the pair."""

    def build(self, parsed: Mapping[str, Any]) -> Any:
        """A new, validated, unsaved record (``ValidationError`` per field)."""

    def merge(self, existing: Any, parsed: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
        """Apply ``parsed`` to ``existing`` in memory, validated; return the changed fields' diff."""

    def prepare_many(self, user: Any, records: Sequence[Any]) -> Any:
        """Whatever writing new records needs that does not need the write lock (codes, rows, states).

        Called before the batch's transaction, so that the batch holds the lock only to write.
        """

    def create_many(self, user: Any, prepared: Any) -> None:
        """Write what ``prepare_many`` prepared, with the audit events (inside the caller's transaction)."""

    def update_many(self, user: Any, records: Sequence[tuple[Any, dict[str, dict[str, Any]]]]) -> None:
        """Write changed records in one go, with their audit events (inside the caller's transaction)."""

    def remove(self, *, user: Any, obj: Any) -> None:
        """Delete (softly, audited) one record an import created: undoing the import."""


_IMPORTERS: dict[str, Importer] = {}


def register(importer: Importer) -> Importer:
    _IMPORTERS[importer.key] = importer
    bulk.register_remover(importer.model, importer.remove)
    return importer


def get_importer(key: str) -> Importer:
    try:
        return _IMPORTERS[key]
    except KeyError:
        raise ValidationError(
            {"model": f"“{key}” cannot be imported. Choose one of: {', '.join(_IMPORTERS)}."}
        ) from None


def may_import(user: Any, importer: Importer) -> bool:
    return bool(user.is_authenticated and can(user, "add", importer.model) and can(user, "change", importer.model))


def require_import(user: Any, importer: Importer) -> None:
    if not may_import(user, importer):
        raise PermissionDenied(f"Your role may not import {importer.title.lower()}.")


def may_see(user: Any, job: ImportJob) -> bool:
    return bool(user.is_authenticated and user.is_active and (job.user_id == user.pk or is_admin(user)))


# --- Upload and mapping ---------------------------------------------------------------------------


def column_key(name: str) -> str:
    """A column name compared loosely: ``E-mail`` = ``email``, ``Phone 1`` = ``phone1``."""
    return "".join(character for character in normalise(name) if character.isalnum())


def auto_mapping(importer: Importer, headers: Sequence[str]) -> dict[str, str]:
    """Each column's field, matched by the field's name, label or synonyms; a field is used once."""
    names: dict[str, str] = {}
    for import_field in importer.fields:
        for name in (import_field.name, import_field.label, *import_field.synonyms):
            names.setdefault(column_key(name), import_field.name)
    mapping: dict[str, str] = {}
    used: set[str] = set()
    for header in headers:
        target = names.get(column_key(header), IGNORE)
        if target and target in used:
            target = IGNORE
        used.add(target)
        mapping[header] = target
    return mapping


def upload(*, user: Any, importer: Importer, uploaded: Any, file_name: str) -> ImportJob:
    """Store an uploaded file as a new job waiting for its mapping; ``ValidationError`` on ``file``."""
    require_import(user, importer)
    size, limit = getattr(uploaded, "size", None), settings.CLIENTBOOK_IMPORT_MAX_BYTES
    if size is not None and size > limit:
        raise import_files.refuse(
            f"The file is {size_text(size)}; at most {size_text(limit)} can be imported at once. "
            "Split it into smaller files."
        )
    job = ImportJob(user=user, model_key=importer.key, file_name=Path(file_name).name[:200])
    job.file.save(f"{uuid.uuid4().hex}{Path(file_name).suffix[:10]}", File(uploaded), save=False)
    try:
        table = import_files.inspect(Path(job.file.path), file_name)
    except ValidationError:
        job.file.delete(save=False)
        raise
    job.file_format = table.format
    job.encoding = table.encoding
    job.delimiter = table.delimiter
    job.headers = table.headers
    job.mapping = auto_mapping(importer, table.headers)
    job.match_on = list(importer.default_match_on)
    job.options = {
        "date_order": import_dates.EITHER,
        "region": settings.PHONENUMBER_DEFAULT_REGION,
    }
    job.save()
    return job


def file_date_order(importer: Importer, job: ImportJob) -> str | None:
    """The order of the dates in the job's mapped date columns, read on every row (``import_dates``)."""
    date_fields = set(getattr(importer, "date_fields", ()))
    columns = [index for index, header in enumerate(job.headers) if job.mapping.get(header) in date_fields]
    if not columns:
        return import_dates.EITHER
    rows = (cells for _, cells in import_files.read_rows(Path(job.file.path), table_of(job)))
    return import_dates.date_order_of(rows, columns)


def table_of(job: ImportJob) -> import_files.TableFile:
    if job.file_format == import_files.XLSX:
        return import_files._inspect_xlsx(Path(job.file.path))
    with Path(job.file.path).open("rb") as handle:
        head = handle.read(import_files.SAMPLE_BYTES)
    return import_files._inspect_csv(Path(job.file.path), head)


def configure(
    *,
    user: Any,
    job: ImportJob,
    mapping: Mapping[str, str],
    strategy: str,
    match_on: Sequence[str],
    date_order: str = "auto",
    region: str = "",
) -> ImportJob:
    """Check and keep the user's choices; ``ValidationError`` naming the field at fault."""
    importer = get_importer(job.model_key)
    require_import(user, importer)
    if (
        job.state not in (ImportJob.State.UPLOADED, ImportJob.State.PREVIEWED, ImportJob.State.FAILED)
        or job.operation_id
    ):
        raise ValidationError({"state": "This import has already run; upload the file again to import it once more."})
    errors: dict[str, str] = {}
    targets = {import_field.name for import_field in importer.fields}
    unknown_columns = [column for column in mapping if column not in job.headers]
    if unknown_columns:
        errors["mapping"] = f"The file has no column named {', '.join(f'“{name}”' for name in unknown_columns)}."
    chosen = [target for target in mapping.values() if target not in (IGNORE, NOTE)]
    bad_targets = sorted(set(chosen) - targets)
    if bad_targets:
        errors["mapping"] = f"{', '.join(f'“{name}”' for name in bad_targets)} is not a field that can be imported."
    repeated = sorted({target for target in chosen if chosen.count(target) > 1})
    if repeated:
        errors["mapping"] = f"Two columns are mapped to {', '.join(repeated)}; map each field from one column."
    if not chosen and "mapping" not in errors:
        errors["mapping"] = "No column is mapped to a field. Map at least one column."
    if strategy not in ImportJob.Strategy.values:
        errors["duplicate_strategy"] = f"Choose one of: {', '.join(ImportJob.Strategy.values)}."
    bad_keys = [key for key in match_on if key not in importer.match_keys]
    if bad_keys:
        errors["match_on"] = (
            f"Duplicates can be matched on {', '.join(importer.match_keys)}, not {', '.join(bad_keys)}."
        )
    elif strategy != ImportJob.Strategy.CREATE and not match_on:
        errors["match_on"] = "Pick at least one key to find existing records by."
    if date_order not in DATE_ORDERS:
        errors["date_order"] = f"Choose one of: {', '.join(DATE_ORDERS)}."
    if errors:
        raise ValidationError(errors)
    job.mapping = {header: mapping.get(header, IGNORE) for header in job.headers}
    job.strategy = strategy
    job.match_on = list(match_on)
    if date_order == import_dates.EITHER:
        found = file_date_order(importer, job)
        if found is None:
            raise ValidationError(
                {
                    "date_order": "Some dates in the file read two ways (03/04/2024: 3 April or March 4?) "
                    "and none tells which comes first. Say which comes first."
                }
            )
        date_order = found
    job.options = {**job.options, "date_order": date_order, "region": region or job.options.get("region", "")}
    job.state = ImportJob.State.UPLOADED
    job.preview = {}
    job.save(update_fields=["mapping", "strategy", "match_on", "options", "state", "preview"])
    return job


# --- Starting, cancelling -------------------------------------------------------------------------


def start(*, user: Any, job: ImportJob, dry_run: bool) -> ImportJob:
    """Queue the preview (``dry_run``) or the run of a configured job."""
    require_import(user, get_importer(job.model_key))
    allowed = (ImportJob.State.UPLOADED, ImportJob.State.PREVIEWED)
    if job.state not in allowed or job.operation_id:
        raise ValidationError({"state": f"This import is {job.get_state_display().lower()}; it cannot start again."})
    with transaction.atomic():
        updated = ImportJob.objects.filter(pk=job.pk, state__in=allowed, operation__isnull=True).update(
            state=ImportJob.State.PREVIEWING if dry_run else ImportJob.State.QUEUED,
            dry_run=dry_run,
            checkpoint=0,
            created=0,
            updated=0,
            skipped=0,
            rejected=0,
            cancel_requested=False,
            error="",
            attempts=0,
            finished_at=None,
            heartbeat_at=None,
            preview={},
        )
        if not updated:
            raise ValidationError({"state": "This import has already started."})
        queue(job.pk)
    job.refresh_from_db()
    return job


def queue(job_id: int, delay: int = 0) -> None:
    """Ring the import worker once the job's row is committed (it reads the row, not the message),
    or ``delay`` seconds from now."""
    doorbells.ring("import", job_id, delay=delay)


def cancel(*, user: Any, job: ImportJob) -> ImportJob:
    """Stop a queued or running import after its current batch; what was written stays (and can be undone)."""
    if not may_see(user, job):
        raise PermissionDenied("This import is someone else's.")
    if job.state == ImportJob.State.QUEUED or job.state == ImportJob.State.PREVIEWING:
        ImportJob.objects.filter(pk=job.pk, state=job.state).update(
            state=ImportJob.State.CANCELLED, finished_at=timezone.now(), cancel_requested=True
        )
    elif job.state == ImportJob.State.RUNNING:
        ImportJob.objects.filter(pk=job.pk).update(cancel_requested=True)
    else:
        raise ValidationError(
            {"state": f"This import is {job.get_state_display().lower()}; there is nothing to cancel."}
        )
    job.refresh_from_db()
    return job


def undo(*, user: Any, job: ImportJob) -> BulkOperation:
    """Delete what the import created and put back what it updated, as one audited operation."""
    if not may_see(user, job):
        raise PermissionDenied("This import is someone else's.")
    refusal = undo_refusal(job)
    if refusal or job.operation is None:
        raise bulk.UndoRefused(refusal)
    return bulk.undo(user=user, operation=job.operation)


def undo_counts(job: ImportJob) -> tuple[int, int]:
    """How many records undoing the import deletes (it created them) and how many it puts back as
    they were (it updated them), from the import's audit events."""
    if job.operation is None:
        return 0, 0
    events = AuditEvent.objects.filter(operation_id=job.operation_id, object_type=job.operation.object_type)
    touched = events.values("object_id").distinct().count()
    created = events.filter(action=AuditEvent.Action.CREATE).values("object_id").distinct().count()
    return created, touched - created


def undo_refusal(job: ImportJob) -> str:
    """Why the import cannot be undone now (empty when it can, rows changed since it aside)."""
    if job.operation is None:
        return "This import wrote nothing, so there is nothing to undo."
    if job.working:
        return "This import is still running; cancel it first."
    blockers = bulk.undo_blockers(job.operation)
    return blockers[0] if blockers else ""


# --- The worker -----------------------------------------------------------------------------------


@dataclass
class _Batch:
    """What one batch decided, before it is written."""

    created: list[Any] = field(default_factory=list)
    updated: list[tuple[Any, dict[str, dict[str, Any]]]] = field(default_factory=list)
    skipped: int = 0
    rejections: list[ImportRejection] = field(default_factory=list)
    rows: int = 0


class _Run:
    """One pass of the worker over a job's file, from its checkpoint."""

    def __init__(self, job: ImportJob) -> None:
        self.job = job
        self.importer = get_importer(job.model_key)
        self.options = Options(date_order=job.options.get("date_order", "auto"), region=job.options.get("region", ""))
        self.columns = [(index, target) for index, target in enumerate(job.mapping.get(h, IGNORE) for h in job.headers)]
        self.headers = job.headers
        masks = {field.name: field.mask for field in self.importer.fields if field.mask is not None}
        self.masked_columns = {index: masks[target] for index, target in self.columns if target in masks}
        # Keys of the records a dry run would have created: later rows match them as a real run would.
        self.planned: dict[tuple[str, Any], Any] = {}
        self.existing: dict[tuple[str, Any], Any] = {}
        self.operation_id = job.operation_id or uuid.uuid4()

    def rejected_cells(self, cells: Sequence[Any]) -> list[str]:
        texts = [_cell_text(cell) for cell in cells]
        for index, mask in self.masked_columns.items():
            if index < len(texts) and texts[index].strip():
                texts[index] = _masked_cell(mask, texts[index])
        return texts

    def mapped(self, cells: Sequence[Any]) -> dict[str, Any]:
        values: dict[str, Any] = {}
        notes: list[str] = []
        for index, target in self.columns:
            cell = import_values.unguarded(cells[index]) if index < len(cells) else ""
            if target == NOTE:
                if str(cell).strip():
                    notes.append(f"{self.headers[index]}: {str(cell).strip()}")
            elif target:
                values[target] = cell
        if notes:
            values[NOTE] = notes
        return values

    def parse(self, cells: Sequence[Any]) -> dict[str, Any] | ValidationError:
        try:
            if len(cells) > len(self.headers) and any(str(cell).strip() for cell in cells[len(self.headers) :]):
                raise ValidationError(
                    f"The row has {len(cells):,} cells but the header has {len(self.headers):,} columns."
                )
            return self.importer.parse(self.mapped(cells), self.options)
        except ValidationError as error:
            return error

    def decide(
        self,
        batch: _Batch,
        row: tuple[int, list[Any], dict[str, Any] | ValidationError],
        pending: dict[tuple[str, Any], Any],
    ) -> None:
        number, cells, parsed = row
        batch.rows += 1
        try:
            if isinstance(parsed, ValidationError):
                raise parsed
            pairs = self.importer.match_values(parsed, self.job.match_on)
            strategy = self.job.strategy
            match = None
            if strategy != ImportJob.Strategy.CREATE:
                match = next((pending[pair] for pair in pairs if pair in pending), None)
                if match is None:
                    match = next((self.existing[pair] for pair in pairs if pair in self.existing), None)
                if match is None:
                    match = next((self.planned[pair] for pair in pairs if pair in self.planned), None)
            if match is not None and strategy == ImportJob.Strategy.SKIP:
                batch.skipped += 1
                return
            if match is not None:
                self._update(batch, match, parsed)
                return
            record = self.importer.build(parsed)
            batch.created.append(record)
            for pair in self.importer.match_values(parsed, list(self.importer.match_keys)):
                pending.setdefault(pair, record)
        except ValidationError as error:
            batch.rejections.append(
                ImportRejection(
                    job=self.job, row_number=number, cells=self.rejected_cells(cells), reason=_reason(error)
                )
            )

    def _update(self, batch: _Batch, match: Any, parsed: Mapping[str, Any]) -> None:
        if match in batch.created or match.pk is None:
            # A row matching one created earlier in this batch (or, in a preview, an earlier batch).
            self.importer.merge(match, parsed)
            batch.updated.append((match, {}))
            return
        changes = self.importer.merge(match, parsed)
        if changes:
            batch.updated.append((match, changes))
        else:
            batch.skipped += 1

    def run(self) -> None:
        if connection.vendor == "sqlite":
            # An import writes and reads little, so SQLite's memory map of the database file (settings)
            # adds nothing but the file's pages to the worker's resident memory: a 100,000-row import
            # peaked at 324 MB with it and 209 MB without, in the same time.
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA mmap_size=0")
        table = table_of(self.job)
        path = Path(self.job.file.path)
        if not self.job.total:
            limit = settings.CLIENTBOOK_IMPORT_MAX_ROWS
            total = import_files.count_rows(path, table, limit=limit + 1)
            if total > limit:
                # Refused before the first row is written, so a preview says it and a run writes nothing.
                raise ValidationError(
                    f"The file has more than {limit:,} data rows; at most {limit:,} are imported at once. "
                    f"Split it into files of at most {limit:,} rows and import each."
                )
            ImportJob.objects.filter(pk=self.job.pk).update(total=total)
            self.job.total = total
        rows = import_files.read_rows(path, table, start=self.job.checkpoint)
        for chunk in _chunks(rows, BATCH_ROWS):
            if self._cancelled():
                return self._finish(ImportJob.State.CANCELLED)
            self._batch(chunk)
        self._finish(ImportJob.State.PREVIEWED if self.job.dry_run else ImportJob.State.DONE)

    def _batch(self, chunk: list[tuple[int, list[Any]]]) -> None:
        rows = [(number, cells, self.parse(cells)) for number, cells in chunk]
        self.existing = {}
        if self.job.strategy != ImportJob.Strategy.CREATE:
            pairs = [
                pair
                for _, _, parsed in rows
                if not isinstance(parsed, ValidationError)
                for pair in self.importer.match_values(parsed, self.job.match_on)
            ]
            self.existing = self.importer.find_existing(pairs)
        batch = _Batch()
        pending: dict[tuple[str, Any], Any] = {}
        for row in rows:
            self.decide(batch, row, pending)
        if self.job.dry_run:
            self._record_preview(batch, pending)
        else:
            self._write(batch)

    def _record_preview(self, batch: _Batch, pending: dict[tuple[str, Any], Any]) -> None:
        self.planned.update(pending)
        preview = self.job.preview or {"rejections": [], "updates": []}
        for rejection in batch.rejections:
            if len(preview["rejections"]) < PREVIEW_REJECTIONS:
                preview["rejections"].append({"row": rejection.row_number, "reason": rejection.reason})
        for record, changes in batch.updated:
            if changes and len(preview["updates"]) < PREVIEW_UPDATES:
                preview["updates"].append({"record": str(record), "changes": changes})
        self.job.preview = preview
        self._advance(batch, extra={"preview": preview})

    def _write(self, batch: _Batch) -> None:
        prepared = self.importer.prepare_many(self.job.user, batch.created)
        with transaction.atomic():
            job = ImportJob.objects.select_for_update().get(pk=self.job.pk)
            if job.checkpoint != self.job.checkpoint:
                raise RuntimeError("Another worker moved this import on; this one stops.")
            if batch.created or batch.updated:
                self._ensure_operation()
            self.importer.create_many(self.job.user, prepared)
            self.importer.update_many(
                self.job.user, [(record, changes) for record, changes in batch.updated if changes]
            )
            ImportRejection.objects.bulk_create(batch.rejections)
            written = len(batch.created) + len([1 for _, changes in batch.updated if changes])
            if written:
                BulkOperation.objects.filter(pk=self.operation_id).update(
                    row_count=F("row_count") + written, selected_count=F("selected_count") + written
                )
            self._advance(batch)

    def _ensure_operation(self) -> None:
        if self.job.operation_id:
            return
        operation = BulkOperation.objects.create(
            id=self.operation_id,
            name=f"import:{self.importer.key}",
            description=f"Import of {self.job.file_name}"[:300],
            object_type=audit.object_type(self.importer.model),
            user=self.job.user,
            actor_display=self.job.user.get_username(),
        )
        ImportJob.objects.filter(pk=self.job.pk).update(operation=operation)
        self.job.operation = operation

    def _advance(self, batch: _Batch, extra: Mapping[str, Any] | None = None) -> None:
        job = self.job
        job.checkpoint += batch.rows
        job.created += len(batch.created)
        job.updated += len(batch.updated)
        job.skipped += batch.skipped
        job.rejected += len(batch.rejections)
        jobs.heartbeat(
            ImportJob,
            job.pk,
            checkpoint=job.checkpoint,
            created=job.created,
            updated=job.updated,
            skipped=job.skipped,
            rejected=job.rejected,
            **(extra or {}),
        )

    def _cancelled(self) -> bool:
        return ImportJob.objects.filter(pk=self.job.pk, cancel_requested=True).exists()

    def _finish(self, state: str) -> None:
        job = self.job
        if job.created or job.updated:
            statistics.refresh(self.importer.model)  # a table grown tenfold needs other plans
        with transaction.atomic():
            ImportJob.objects.filter(pk=job.pk).update(
                state=state, finished_at=timezone.now(), heartbeat_at=timezone.now()
            )
            if job.operation_id:
                BulkOperation.objects.filter(pk=job.operation_id).update(
                    state=BulkOperation.State.DONE, finished_at=timezone.now()
                )
            if not job.dry_run:
                audit.record(
                    AuditEvent.Action.IMPORT,
                    user=job.user,
                    object_label=f"{self.importer.title}: {job.file_name}",
                    extra={
                        "job": job.pk,
                        "file": job.file_name,
                        "state": state,
                        "strategy": job.strategy,
                        "match_on": job.match_on,
                        "rows": job.checkpoint,
                        "created": job.created,
                        "updated": job.updated,
                        "skipped": job.skipped,
                        "rejected": job.rejected,
                    },
                )


def run_job(job_id: int) -> None:
    """Run (or resume) a queued job's preview or import; it ends previewed/done, cancelled or failed."""
    transitions: dict[str, str] = {
        ImportJob.State.QUEUED: ImportJob.State.RUNNING,
        ImportJob.State.PREVIEWING: ImportJob.State.PREVIEWING,
    }
    if _owner_busy(job_id):
        # One import per user at a time, so one user's imports never take every import worker.
        queue(job_id, delay=OWNER_BUSY_RETRY_SECONDS)
        return
    if not jobs.claim(ImportJob, job_id, transitions, settings.CLIENTBOOK_IMPORT_LEASE_SECONDS):
        return  # finished, or another worker has it
    job = ImportJob.objects.select_related("user", "operation").get(pk=job_id)
    runner = _Run(job)
    try:
        with (
            audit.operation(f"import:{job.model_key}", runner.operation_id),
            audit.acting_as("worker:import"),
            jobs.existing_objects_left_to_rest(),
        ):
            runner.run()
    except Exception as error:
        if isinstance(error, ValidationError):
            logger.warning("Import job %s refused: %s", job_id, _reason(error))
        else:
            logger.exception("Import job %s failed", job_id)
        ImportJob.objects.filter(pk=job_id).update(
            state=ImportJob.State.FAILED, error=_failure_text(error), finished_at=timezone.now()
        )
        if job.operation_id or ImportJob.objects.filter(pk=job_id, operation__isnull=False).exists():
            operation_id = ImportJob.objects.values_list("operation_id", flat=True).get(pk=job_id)
            BulkOperation.objects.filter(pk=operation_id).update(
                state=BulkOperation.State.FAILED, finished_at=timezone.now(), error=_failure_text(error)
            )


def _owner_busy(job_id: int) -> bool:
    """Whether the job's user has another import being worked on (a live lease) by a worker."""
    owner = ImportJob.objects.filter(pk=job_id).values_list("user_id", flat=True).first()
    if owner is None:
        return False
    live = timezone.now() - timedelta(seconds=settings.CLIENTBOOK_IMPORT_LEASE_SECONDS)
    working = ImportJob.objects.filter(
        user_id=owner, state__in=[ImportJob.State.RUNNING, ImportJob.State.PREVIEWING], heartbeat_at__gte=live
    )
    return working.exclude(pk=job_id).exists()


def sweep_jobs() -> int:
    """Queue again the jobs whose worker went silent (killed mid-import), or fail them after a few tries."""
    return jobs.sweep(
        ImportJob,
        requeue={
            ImportJob.State.RUNNING: ImportJob.State.QUEUED,
            ImportJob.State.PREVIEWING: ImportJob.State.PREVIEWING,
        },
        failed=ImportJob.State.FAILED,
        lease_seconds=settings.CLIENTBOOK_IMPORT_LEASE_SECONDS,
        max_attempts=settings.CLIENTBOOK_IMPORT_MAX_ATTEMPTS,
        failure="The import was interrupted too many times. What was imported stays (see the counts); undo it or "
        "download the error file and try the rest again.",
        queue=queue,
    )


# --- Files ----------------------------------------------------------------------------------------


def error_file(job: ImportJob) -> Iterator[str]:
    """The rejected rows as CSV: the file's own columns, then the row number and the reason."""
    rejections = job.rejections.order_by("row_number").iterator(chunk_size=2_000)
    return export_formats.csv_lines(
        [*job.headers, "Row", "Reason"],
        (
            [neutralise_formula(cell) for cell in rejection.cells]
            + [""] * (len(job.headers) - len(rejection.cells))
            + [rejection.row_number, rejection.reason]
            for rejection in rejections
        ),
    )


def template_rows(importer: Importer) -> tuple[list[str], list[str]]:
    """The template's header (field labels) and example row."""
    return [field.label for field in importer.fields], [field.example for field in importer.fields]


# --- Helpers --------------------------------------------------------------------------------------


def _chunks(rows: Iterator[tuple[int, list[Any]]], size: int) -> Iterator[list[tuple[int, list[Any]]]]:
    chunk: list[tuple[int, list[Any]]] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def size_text(size: int) -> str:
    return f"{size / 1_000_000:,.0f} MB" if size >= 1_000_000 else f"{size:,} bytes"


def _cell_text(cell: Any) -> str:
    if cell is None:
        return ""
    return cell.isoformat() if hasattr(cell, "isoformat") else str(cell)


def _masked_cell(mask: Callable[[str], str], text: str) -> str:
    """The kind's mask of a valid value; an invalid one (which cannot be masked by its parts) as dots."""
    try:
        return mask(text)
    except Exception:
        return "••••••"


def _reason(error: ValidationError) -> str:
    if hasattr(error, "error_dict"):
        return "; ".join(
            f"{name.replace('_', ' ')}: {' '.join(messages)}" for name, messages in error.message_dict.items()
        )
    return " ".join(error.messages)


def _failure_text(error: Exception) -> str:
    if isinstance(error, ValidationError):
        return _reason(error)
    return "The import stopped because of an unexpected error. What was imported stays; undo it or try again."
