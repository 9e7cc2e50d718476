"""Export of any list in CSV, XLSX or PDF: the list's search, filters and sort, the fields the user chose.

One path serves the list page's Export dialog and ``POST /api/v1/exports``:

1. ``prepare`` checks the format and fields (only those the user may see) and builds the list's
   queryset through the same pipeline as the page (``filtered_queryset`` and ``order_by_for``);
2. ``begin`` counts the rows, refuses a PDF of more than ``CLIENTBOOK_EXPORT_PDF_MAX_ROWS``,
   takes one of the user's ``CLIENTBOOK_EXPORTS_PER_MINUTE`` slots in the shared cache and audits
   the export; a large CSV or XLSX becomes an ``ExportJob`` that the worker runs;
3. small exports are answered at once (``direct_response``: CSV streamed, XLSX through a temporary
   file, PDF in memory), large ones are written to storage by ``run_job`` with progress on the row,
   under the lease of every background job (``clientbook.core.jobs.leases``: claim, heartbeat, sweep).

Rows are read in one streamed query of plain values (``ExportPlan.read``: ``values_list``, no
model instances) and handed to the writers chunk by chunk, so memory stays bounded whatever the
number of rows; the worker commits its progress between chunks.
"""

import logging
import math
import tempfile
import time
import uuid
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from itertools import islice
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.db.models import QuerySet
from django.forms import ChoiceField, ModelChoiceField
from django.http import FileResponse, HttpResponse, HttpResponseBase, QueryDict, StreamingHttpResponse
from django.utils import timezone

from clientbook.core.exports.formats import pdf as export_pdf
from clientbook.core.exports.formats import tabular as export_formats
from clientbook.core.exports.formats.tabular import ColumnFormat
from clientbook.core.jobs import doorbells
from clientbook.core.jobs import leases as jobs
from clientbook.core.listing.columns import ExportField, Money
from clientbook.core.listing.pipeline import ListSpec, filtered_queryset, get_spec, order_by_for
from clientbook.core.listing.search import count_rows
from clientbook.core.models import AuditEvent, ExportJob
from clientbook.core.permissions import can, is_admin
from clientbook.core.records import audit

logger = logging.getLogger(__name__)

CHUNK_ROWS = 5_000
PROGRESS_EVERY_SECONDS = 0.5
# Parameters of the list page that change how it looks, not which rows it holds.
PAGE_ONLY_PARAMS = frozenset({"page", "per_page", "columns"})
FORMATS = {
    ExportJob.Format.CSV: ("text/csv; charset=utf-8", "csv"),
    ExportJob.Format.XLSX: ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    ExportJob.Format.PDF: ("application/pdf", "pdf"),
}


class ExportRateLimited(Exception):
    """The user has used every export of the last minute; ``retry_after`` seconds until the next one."""

    def __init__(self, retry_after: int) -> None:
        limit = settings.CLIENTBOOK_EXPORTS_PER_MINUTE
        super().__init__(
            f"You can export at most {limit} times a minute. Try again in {retry_after} seconds; nothing was exported."
        )
        self.retry_after = retry_after


def exportable(spec: ListSpec) -> bool:
    return bool(spec.export_fields)


def may_export(user: Any, spec: ListSpec) -> bool:
    """Whoever may view a list may export it (with the fields they may see)."""
    return exportable(spec) and can(user, "view", spec.model)


def visible_fields(spec: ListSpec, user: Any) -> list[ExportField]:
    return [export_field for export_field in spec.export_fields if export_field.visible_to(user)]


def list_params(params: Mapping[str, Any] | QueryDict) -> QueryDict:
    """The list query (search, filters, sort) without the page's own display choices and blank values."""
    cleaned = QueryDict(mutable=True)
    items = params.lists() if isinstance(params, QueryDict) else ((k, _as_list(v)) for k, v in params.items())
    for name, values in items:
        if name in PAGE_ONLY_PARAMS:
            continue
        for value in values:
            if str(value).strip():
                cleaned.appendlist(name, str(value))
    return cleaned


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list | tuple) else [value]


@dataclass
class ExportPlan:
    """A validated export: which rows (the list's queryset and order), which fields, which format."""

    spec: ListSpec
    user: Any
    params: QueryDict
    fields: tuple[ExportField, ...]
    format: str
    queryset: QuerySet
    ordering: tuple[str, ...]
    sort: str
    filterset: Any
    _count: int | None = field(default=None, repr=False)

    def count(self) -> int:
        if self._count is None:
            self._count = count_rows(self.queryset)
        return self._count

    @property
    def field_names(self) -> list[str]:
        return [export_field.name for export_field in self.fields]

    @property
    def content_type(self) -> str:
        return FORMATS[ExportJob.Format(self.format)][0]

    def file_name(self) -> str:
        stamp = export_formats.local_moment(timezone.now()).strftime("%Y%m%d-%H%M%S")
        return f"{self.spec.key}-{stamp}.{FORMATS[ExportJob.Format(self.format)][1]}"

    def read(self, formats: Sequence[ColumnFormat] | None = None, *, with_currency: bool = False) -> "RowReader":
        """The rows; ``formats`` (one per field) turn a chunk's values into what is written, as they are read.
        ``with_currency``: amounts as ``Money`` (with their currency code), as a document prints them."""
        return RowReader(self, CHUNK_ROWS, formats, with_currency=with_currency)

    def filter_summary(self) -> list[tuple[str, str]]:
        """``[("Status", "Active, Prospect"), ("Search", "john")]``: the filters as the panel labels them."""
        summary = []
        form = self.filterset.form
        for name, list_filter in self.filterset.filters.items():
            values = self.params.getlist(name)
            if not values:
                continue
            form_field = form.fields.get(name)
            # Records are chosen by a readable key already (a code, a username, a label's name);
            # listing every record to find its label could mean reading thousands of rows.
            has_labels = isinstance(form_field, ChoiceField) and not isinstance(form_field, ModelChoiceField)
            choices = _choice_labels(form_field) if has_labels else {}
            text = ", ".join(str(choices.get(value, value)) for value in values)
            summary.append((str(list_filter.label or name), text))
        return summary

    def filter_values(self) -> dict[str, Any]:
        """The list query as recorded in the audit event and the job: ``{name: value or [values]}``."""
        return {name: values[0] if len(values) == 1 else values for name, values in self.params.lists()}

    @property
    def sort_label(self) -> str:
        name = self.sort.lstrip("-")
        labels = {export_field.name: export_field.label for export_field in self.spec.export_fields}
        label = labels.get(name, name.replace("_", " ").capitalize())
        return f"{label} (descending)" if self.sort.startswith("-") else label


def _choice_labels(form_field: Any) -> dict[str, str]:
    labels: dict[str, str] = {}
    for value, label in form_field.choices:
        if isinstance(label, list | tuple):  # grouped choices
            labels.update({str(inner): str(text) for inner, text in label})
        else:
            labels[str(getattr(value, "value", value))] = str(label)
    return labels


def prepare(
    spec: ListSpec, user: Any, params: Mapping[str, Any] | QueryDict, field_names: Sequence[str], export_format: str
) -> ExportPlan:
    """Check the request and build the plan; ``ValidationError`` names ``format`` or ``fields``,
    ``InvalidListQuery`` names the refused list parameters."""
    errors: dict[str, str] = {}
    if export_format not in ExportJob.Format.values:
        errors["format"] = "Choose CSV, XLSX or PDF."
    available = {export_field.name: export_field for export_field in visible_fields(spec, user)}
    wanted = list(dict.fromkeys(name for name in field_names if name))
    unknown = [name for name in wanted if name not in available]
    if not wanted:
        errors["fields"] = "Choose at least one field to export."
    elif unknown:
        errors["fields"] = f"Not an exportable field of {spec.title.lower()}: {', '.join(unknown)}."
    if errors:
        raise ValidationError(errors)
    query = list_params(params)
    queryset, filterset = filtered_queryset(spec, user, query)
    sort, ordering = order_by_for(spec, query.get("sort") or None)
    if sort != spec.default_sort:
        query["sort"] = sort
    elif "sort" in query:
        del query["sort"]
    return ExportPlan(
        spec=spec,
        user=user,
        params=query,
        fields=tuple(available[name] for name in wanted),
        format=export_format,
        queryset=queryset,
        ordering=ordering,
        sort=sort,
        filterset=filterset,
    )


class RowReader:
    """The plan's rows in list order, chunk by chunk (a list of row tuples per chunk).

    One streamed query reads every row's columns (``values_list``, no model instances); fields kept
    in other tables (labels) are read once per chunk. Each chunk is turned into cells column by
    column (one call per field and chunk, not per cell: this is what a million-row export costs).
    ``total`` is the plan's count.
    """

    def __init__(
        self, plan: ExportPlan, chunk_rows: int, formats: Sequence[ColumnFormat] | None, *, with_currency: bool
    ) -> None:
        self.plan = plan
        self.chunk_rows = chunk_rows
        self.formats = formats
        self.with_currency = with_currency

    def _lookups(self, export_field: ExportField) -> tuple[str, ...]:
        if self.with_currency and export_field.currency:
            return (*export_field.lookups, export_field.currency)
        return export_field.lookups

    @property
    def total(self) -> int:
        return self.plan.count()

    def __iter__(self) -> Iterator[list[tuple[Any, ...]]]:
        fields = self.plan.fields
        field_lookups = [self._lookups(export_field) for export_field in fields]
        lookups = list(dict.fromkeys(lookup for own in field_lookups for lookup in own))
        annotations = {name: expr for export_field in fields for name, expr in export_field.annotations.items()}
        queryset = self.plan.queryset.order_by(*self.plan.ordering).select_related(None).prefetch_related(None)
        if annotations:
            queryset = queryset.annotate(**annotations)
        rows = queryset.values_list("pk", *lookups).iterator(chunk_size=self.chunk_rows)
        # Where each field's columns are in a row; the primary key comes first.
        positions = [[lookups.index(lookup) + 1 for lookup in own] for own in field_lookups]
        while batch := list(islice(rows, self.chunk_rows)):
            columns = list(zip(*batch, strict=True))
            cells = [
                self._column(export_field, [columns[position] for position in field_positions], columns[0])
                for export_field, field_positions in zip(fields, positions, strict=True)
            ]
            if self.formats is not None:
                cells = [form(column) for form, column in zip(self.formats, cells, strict=True)]
            yield list(zip(*cells, strict=True))

    def _column(
        self, export_field: ExportField, columns: list[tuple[Any, ...]], keys: tuple[Any, ...]
    ) -> Sequence[Any]:
        if self.with_currency and export_field.currency:
            *own, currencies = columns  # the currency code is read last (``_lookups``)
            amounts = _field_column(export_field, own, keys)
            return [Money(amount, currency) for amount, currency in zip(amounts, currencies, strict=True)]
        return _field_column(export_field, columns, keys)


def _field_column(export_field: ExportField, columns: list[tuple[Any, ...]], keys: tuple[Any, ...]) -> Sequence[Any]:
    """One field's values for a chunk of rows, from its ``columns`` (or its related table, by ``keys``)."""
    if export_field.related is not None:
        found = export_field.related(keys)
        return [found.get(key, "") for key in keys]
    if export_field.value is None:
        return columns[0]
    return list(map(export_field.value, *columns))


# --- Rate limit, audit, start ----------------------------------------------------------------


RATE_WINDOW_SECONDS = 60


def take_export_slot(user: Any) -> None:
    """Use one of the user's exports of the last minute, or raise ``ExportRateLimited``.

    The count lives in the shared cache (the database cache, or Redis), so it holds across web
    processes and servers. Each export holds one of the user's slot keys for a minute, taken with
    ``add``, which both backends make atomic (an insert into a unique key, ``SET NX``): two
    processes can never take the same slot, so no more than the limit pass in any 60 seconds. The
    minute rolls with each export; one that restarted on the clock's minute let twice the limit
    through around its turn. A slot's value is when it frees, for ``Retry-After``.
    """
    limit = settings.CLIENTBOOK_EXPORTS_PER_MINUTE
    now = time.time()
    keys = [f"exports:rate:{user.pk}:{slot}" for slot in range(limit)]
    taken = cache.get_many(keys)
    for key in keys:
        if key not in taken and cache.add(key, now + RATE_WINDOW_SECONDS, timeout=RATE_WINDOW_SECONDS):
            return
    frees_at = cache.get_many(keys).values()
    retry_after = math.ceil(min(frees_at) - now) if frees_at else 1
    raise ExportRateLimited(max(1, min(retry_after, RATE_WINDOW_SECONDS)))


def check_pdf_limit(plan: ExportPlan) -> None:
    limit = settings.CLIENTBOOK_EXPORT_PDF_MAX_ROWS
    total = plan.count()
    if plan.format == ExportJob.Format.PDF and total > limit:
        noun = plan.spec.model._meta.verbose_name_plural
        raise ValidationError(
            {
                "format": (
                    f"A PDF holds at most {limit:,} {noun}; this list has {total:,}. "
                    "Narrow it with the search or filters, or export CSV or XLSX instead."
                )
            }
        )


def runs_in_background(plan: ExportPlan) -> bool:
    return plan.format != ExportJob.Format.PDF and plan.count() > settings.CLIENTBOOK_EXPORT_STREAM_MAX_ROWS


@dataclass(frozen=True)
class Begun:
    rows: int
    job: ExportJob | None


def begin(plan: ExportPlan, *, keep_file: bool = False) -> Begun:
    """Count, check the PDF limit and the rate limit, audit the export; a job for a large one.

    ``keep_file``: also keep a small export as a job (the dialog downloads it from the job's file).
    Raises ``ValidationError`` (PDF limit) or ``ExportRateLimited``; nothing is generated then.
    """
    check_pdf_limit(plan)
    take_export_slot(plan.user)
    background = runs_in_background(plan)
    with transaction.atomic():
        job = None
        if background or keep_file:
            job = ExportJob.objects.create(
                user=plan.user,
                list_key=plan.spec.key,
                format=plan.format,
                fields=plan.field_names,
                params={name: values for name, values in plan.params.lists()},
                total_rows=plan.count(),
                file_name=plan.file_name(),
            )
        audit.record(
            AuditEvent.Action.EXPORT,
            user=plan.user,
            object_label=plan.spec.title,
            extra={
                "list": plan.spec.key,
                "format": plan.format,
                "filters": plan.filter_values(),
                "sort": plan.sort,
                "fields": plan.field_names,
                "rows": plan.count(),
                "job": job.pk if job else None,
            },
        )
    if job is not None and background:
        queue(job.pk)
    elif job is not None:
        run_job(job.pk)
        job.refresh_from_db()
    return Begun(rows=plan.count(), job=job)


def queue(job_id: int) -> None:
    """Ring the export worker once the job's row is committed."""
    doorbells.ring("export", job_id)


# --- Answers and jobs ------------------------------------------------------------------------


def _attachment(response: HttpResponseBase, file_name: str) -> HttpResponseBase:
    response["Content-Disposition"] = f'attachment; filename="{file_name}"'
    return response


def direct_response(plan: ExportPlan) -> HttpResponseBase:
    """A small export as the response itself: CSV streamed, XLSX from a temporary file, PDF from memory."""
    name = plan.file_name()
    if plan.format == ExportJob.Format.CSV:
        response: HttpResponseBase = StreamingHttpResponse(
            export_formats.csv_chunks(plan.fields, plan.read(export_formats.csv_formats(plan.fields))),
            content_type=plan.content_type,
        )
        return _attachment(response, name)
    if plan.format == ExportJob.Format.XLSX:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / name
            export_formats.write_xlsx(plan.fields, plan.read(), path, title=plan.spec.title)
            # The open file outlives its directory entry; the response closes (and frees) it.
            handle = path.open("rb")
        return FileResponse(handle, as_attachment=True, filename=name, content_type=plan.content_type)
    content = HttpResponse(content_type=plan.content_type)
    write_pdf(plan, content)
    return _attachment(content, name)


def write_pdf(plan: ExportPlan, target: Any) -> None:
    rows = [row for chunk in plan.read(with_currency=True) for row in chunk]
    export_pdf.write_pdf(
        plan.fields,
        rows,
        target,
        title=plan.spec.title,
        filters=plan.filter_summary(),
        sort_label=plan.sort_label,
        generated_by=plan.user.get_username(),
    )


def plan_for_job(job: ExportJob) -> ExportPlan:
    """The job's export rebuilt with its user's rights as they are now."""
    spec = get_spec(job.list_key)
    if not may_export(job.user, spec) or not job.user.is_active:
        raise PermissionError("The user may no longer export this list.")
    params = QueryDict(mutable=True)
    for name, values in job.params.items():
        params.setlist(name, values)
    return prepare(spec, job.user, params, job.fields, job.format)


class _Progress:
    """Writes the rows done to the job's row now and then (each write is a commit the page can poll)."""

    def __init__(self, job_id: int, total: int) -> None:
        self.job_id = job_id
        self.total = total
        self.done = 0
        self.last = 0.0

    def advance(self, rows: int) -> None:
        self.done += rows
        now = time.monotonic()
        if now - self.last >= PROGRESS_EVERY_SECONDS:
            self.last = now
            percent = min(99, self.done * 100 // self.total) if self.total else 99
            jobs.heartbeat(ExportJob, self.job_id, row_count=self.done, progress=percent)


def run_job(job_id: int) -> None:
    """Write the job's file to storage; the job ends done (with its file) or failed (with the reason)."""
    transitions: dict[str, str] = {ExportJob.State.QUEUED: ExportJob.State.RUNNING}
    if not jobs.claim(ExportJob, job_id, transitions, settings.CLIENTBOOK_EXPORT_LEASE_SECONDS):
        return  # finished, or another worker has it
    job = ExportJob.objects.select_related("user").get(pk=job_id)
    try:
        plan = plan_for_job(job)
        ExportJob.objects.filter(pk=job.pk).update(total_rows=plan.count())
        progress = _Progress(job.pk, plan.count())
        with jobs.existing_objects_left_to_rest():
            _write_file(job, plan, progress)
        ExportJob.objects.filter(pk=job.pk).update(
            file=job.file.name,
            state=ExportJob.State.DONE,
            progress=100,
            row_count=progress.done,
            finished_at=timezone.now(),
            heartbeat_at=timezone.now(),
        )
    except Exception as error:
        # A job never stays "running" after its worker gave up: the page tells the user why.
        logger.exception("Export job %s failed", job_id)
        ExportJob.objects.filter(pk=job.pk).update(
            state=ExportJob.State.FAILED, error=_failure_text(error), finished_at=timezone.now()
        )


def _write_file(job: ExportJob, plan: ExportPlan, progress: _Progress) -> None:
    """Write the export to a temporary file, then put it in storage as the job's file."""

    formats = export_formats.csv_formats(plan.fields) if plan.format == ExportJob.Format.CSV else None

    def counted() -> Iterator[list[tuple[Any, ...]]]:
        for chunk in plan.read(formats):
            yield chunk
            progress.advance(len(chunk))

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / job.file_name
        if plan.format == ExportJob.Format.CSV:
            with path.open("w", encoding="utf-8", newline="") as target:
                export_formats.write_csv(plan.fields, counted(), target)
        elif plan.format == ExportJob.Format.XLSX:
            export_formats.write_xlsx(plan.fields, counted(), path, title=plan.spec.title)
        else:
            with path.open("wb") as binary:
                write_pdf(plan, binary)
            progress.advance(plan.count())
        with path.open("rb") as written:
            job.file.save(f"{uuid.uuid4().hex}-{job.file_name}", File(written), save=False)


def _failure_text(error: Exception) -> str:
    if isinstance(error, PermissionError):
        return str(error)
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return "The export stopped because of an unexpected error. Try again, or narrow the list with filters."


def may_download(user: Any, job: ExportJob) -> bool:
    """The file of an export is its author's, and administrators'."""
    return bool(user.is_authenticated and user.is_active and (job.user_id == user.pk or is_admin(user)))


def sweep_jobs() -> int:
    """Run again the jobs whose worker stopped (no progress for a while), or fail them after a few tries.

    The task queue is only a doorbell: a worker killed mid-export loses its task, not the job row
    (the lease: ``clientbook.core.jobs.leases``). Returns how many jobs were queued again.
    """
    return jobs.sweep(
        ExportJob,
        requeue={ExportJob.State.RUNNING: ExportJob.State.QUEUED},
        failed=ExportJob.State.FAILED,
        lease_seconds=settings.CLIENTBOOK_EXPORT_LEASE_SECONDS,
        max_attempts=settings.CLIENTBOOK_EXPORT_MAX_ATTEMPTS,
        failure="The export was interrupted too many times. Try again, or narrow the list with filters.",
        queue=queue,
    )


def purge_old_files() -> int:
    """Delete the files of exports older than ``CLIENTBOOK_EXPORT_KEEP_DAYS`` (the rows stay, as a record)."""
    cutoff = timezone.now() - timedelta(days=settings.CLIENTBOOK_EXPORT_KEEP_DAYS)
    purged = 0
    for job in ExportJob.objects.filter(created_at__lt=cutoff).exclude(file=""):
        job.file.delete(save=False)
        ExportJob.objects.filter(pk=job.pk).update(file="")
        purged += 1
    return purged
