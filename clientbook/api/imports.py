"""``POST /api/v1/imports`` (a CSV or XLSX file into a list's records) and the import jobs it starts.

The same engine as the import wizard (``clientbook.core.imports.engine``): the file is stored and read,
mapped (automatically, or as the request says), checked and queued in one request that answers 202
with the job; the worker then previews it (``dry_run``) or imports it, and the job is read back at
``GET /api/v1/imports/{id}`` (state, progress, counts, preview). ``POST …/run`` imports a previewed
job for real. The rejected rows are a CSV at ``GET /api/v1/imports/{id}/errors``; ``POST …/cancel``
stops a running import after its batch and ``POST …/undo`` takes a finished one back. A refused
request stores nothing: no job, no file.
"""

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, Literal
from uuid import UUID

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django_countries import countries
from ninja import Field, File, Form, Router, Schema, Status, UploadedFile

from clientbook.api.auth import caller, requires
from clientbook.api.errors import AUTH_ERRORS, READ_ERRORS, ErrorOut, error_body
from clientbook.api.fields import Text, named_choices
from clientbook.api.operations import OperationOut
from clientbook.core.imports import choices as import_choices
from clientbook.core.imports import engine as imports
from clientbook.core.listing.pipeline import all_specs
from clientbook.core.models import ImportJob
from clientbook.core.records import bulk
from clientbook.customers.models import Customer

router = Router(tags=["imports"])
ImportJobState = named_choices("ImportJobState", ImportJob.State)

# The gate checked before the request (and its file) is read. Customers have the only importer, so
# it is their permission; the handlers then ask the chosen importer itself (``imports.may_import``).
IMPORTER_AUTH = requires("add", Customer)
URL = "/api/v1/imports"
# application/octet-stream first, so a generated client receives the file's bytes (clientbook.api.exports).
ERRORS_FILE = {
    media_type: {"schema": {"type": "string", "format": "binary"}}
    for media_type in ("application/octet-stream", "text/csv")
}
LOCATION = {"Location": {"description": "The job's URL.", "schema": {"type": "string"}}}


def _importable(key: str) -> bool:
    try:
        imports.get_importer(key)
    except ValidationError:
        return False
    return True


MODEL_KEYS = sorted(spec.key for spec in all_specs() if _importable(spec.key))
MODEL_ENUM: dict[str, Any] = {"enum": MODEL_KEYS}

CREATE_DESCRIPTION = (
    "Send the file as multipart/form-data with the import's choices as form fields. The file (CSV in any "
    "common encoding and delimiter, or an XLSX workbook's first sheet) is checked, mapped and queued; the "
    "answer is 202 with the job (also in `Location`), whose `state` moves from queued (or previewing, for a "
    "`dry_run`) to done (or previewed), cancelled or failed. Poll it at `url`. A file that cannot be imported, "
    "a mapping that names a column the file lacks or a field that cannot be imported, and any other bad "
    "choice answer 422 naming the field; nothing is stored then."
)


class ImportIn(Schema):
    model: Text = Field(description="The list to import into.", json_schema_extra=MODEL_ENUM)
    mapping: Text | None = Field(
        None,
        description=(
            'A JSON object of the file\'s column names to field names, e.g. `{"E-mail": "email", "Notes": '
            f'"{imports.NOTE}", "Internal id": ""}}`: "" ignores the column, `{imports.NOTE}` keeps it as a note. '
            "Columns it does not name keep the automatic mapping (from the column names and each field's "
            "synonyms), except one that mapped automatically to a field this object gives to another column. "
            "Omitted: the automatic mapping for every column."
        ),
    )
    duplicate_strategy: ImportJob.Strategy = Field(
        ImportJob.Strategy.SKIP,
        description="What a row matching an existing record does: skip it, update the record, or create anyway.",
    )
    match_on: list[Text] | None = Field(
        None,
        description=(
            "The keys a row is matched to existing records by: a JSON list, the field repeated, or a comma list. "
            "Omitted: the list's default keys."
        ),
    )
    dry_run: bool = Field(
        False,
        description="Preview only: count and check every row, write nothing; `POST …/run` then imports it.",
    )
    date_order: Literal["auto", "dmy", "mdy"] = Field(
        "auto",
        description="How dates like 03/04/2024 read: day first, month first, or worked out from the file "
        "(422 on `date_order` when the file cannot tell).",
    )
    region: Text = Field(
        "",
        description="The country (ISO code) of phone numbers written without a country code; "
        "omitted: the installation's default.",
    )


class PreviewRejection(Schema):
    row: int = Field(description="The row's number in the file (the header is row 1).")
    reason: str


class PreviewUpdate(Schema):
    record: str
    changes: dict[str, Any] = Field(description="Each changed field's `before` and `after`.")


class PreviewOut(Schema):
    rejections: list[PreviewRejection] = Field(description="The first rows the import would refuse.")
    updates: list[PreviewUpdate] = Field(description="The first changes the import would make to existing records.")


class ImportJobOut(Schema):
    id: int
    url: str = Field(description="This job in the API.")
    model: str
    file_name: str
    state: ImportJobState  # type: ignore[valid-type]
    dry_run: bool
    total: int = Field(description="Data rows in the file (once the worker has counted them).")
    created: int
    updated: int
    skipped: int
    rejected: int
    progress: int = Field(description="Percent done.")
    mapping: dict[str, str] = Field(description='Each column\'s field; "" when the column is ignored.')
    duplicate_strategy: ImportJob.Strategy
    match_on: list[str]
    date_order: str
    region: str
    preview: PreviewOut | None = Field(description="A dry run's first rejections and changes; null otherwise.")
    error: str = Field(description="Why it failed, when its state is failed.")
    error_file: str | None = Field(description="The rejected rows as CSV; null when the import rejected none.")
    operation: UUID | None = Field(description="The operation that wrote the rows (at /api/v1/operations/{id}).")
    undone: bool = Field(description="Whether the import has been undone.")
    created_at: datetime
    finished_at: datetime | None

    @staticmethod
    def resolve_url(job: ImportJob) -> str:
        return f"{URL}/{job.pk}"

    @staticmethod
    def resolve_model(job: ImportJob) -> str:
        return job.model_key

    @staticmethod
    def resolve_duplicate_strategy(job: ImportJob) -> str:
        return job.strategy

    @staticmethod
    def resolve_date_order(job: ImportJob) -> str:
        return str(job.options.get("date_order", "auto"))

    @staticmethod
    def resolve_region(job: ImportJob) -> str:
        return str(job.options.get("region", ""))

    @staticmethod
    def resolve_preview(job: ImportJob) -> dict[str, Any] | None:
        if not job.dry_run:
            return None
        return {"rejections": [], "updates": [], **(job.preview or {})}

    @staticmethod
    def resolve_error_file(job: ImportJob) -> str | None:
        # A dry run keeps no rejected rows (its preview shows the first ones).
        if job.dry_run or not job.rejected:
            return None
        return f"{URL}/{job.pk}/errors"

    @staticmethod
    def resolve_operation(job: ImportJob) -> UUID | None:
        return job.operation_id

    @staticmethod
    def resolve_undone(job: ImportJob) -> bool:
        return bool(job.operation and job.operation.state == job.operation.State.UNDONE)


def _merged(automatic: Mapping[str, str], chosen: Mapping[str, str]) -> dict[str, str]:
    """The automatic mapping with the request's choices on top; a field the request gives to one
    column is taken from the column it was guessed for."""
    taken = {target for target in chosen.values() if target not in (imports.IGNORE, imports.NOTE)}
    merged = {column: imports.IGNORE if target in taken else target for column, target in automatic.items()}
    return {**merged, **chosen}


def _match_on(values: Sequence[str] | None, importer: imports.Importer) -> list[str]:
    return import_choices.match_on(values) or list(importer.default_match_on)


def _region(value: str) -> str:
    region = value.strip().upper()
    if region and region not in dict(countries):
        raise ValidationError({"region": f"“{value}” is not a country code (ISO 3166, e.g. US, GB, IN)."})
    return region


def _refuse_unknown_fields(request: HttpRequest) -> None:
    """A form field the operation does not take is refused, never ignored (a misspelt choice would be)."""
    known = {*ImportIn.model_fields, "file"}
    unknown = sorted({*request.POST, *request.FILES} - known)
    if unknown:
        raise ValidationError({name: "Unknown field." for name in unknown})


def _file_name(uploaded: UploadedFile) -> str:
    name = "".join(character for character in str(uploaded.name or "") if character.isprintable()).strip()
    return name or "upload.csv"


@router.post(
    "",
    response={202: ImportJobOut, 400: ErrorOut, **AUTH_ERRORS, 422: ErrorOut},
    auth=IMPORTER_AUTH,
    operation_id="create_import",
    summary="Import a CSV or XLSX file",
    description=CREATE_DESCRIPTION,
    openapi_extra={"responses": {202: {"headers": LOCATION}}},
)
def create_import(
    request: HttpRequest, response: HttpResponse, file: File[UploadedFile], payload: Form[ImportIn]
) -> Any:
    user = caller(request)
    _refuse_unknown_fields(request)
    importer = imports.get_importer(payload.model)
    imports.require_import(user, importer)
    chosen = import_choices.mapping(payload.mapping)
    match_on = _match_on(payload.match_on, importer)
    region = _region(payload.region)
    # The file is stored before the job's choices are checked, and neither is in a transaction: a
    # large file must not hold the database's write lock while it is copied, nor while its dates
    # are read (``configure`` reads every row for the date order). A refused choice removes the job
    # and its file again.
    job = imports.upload(user=user, importer=importer, uploaded=file, file_name=_file_name(file))
    try:
        imports.configure(
            user=user,
            job=job,
            mapping=_merged(job.mapping, chosen) if chosen else job.mapping,
            strategy=payload.duplicate_strategy,
            match_on=match_on,
            date_order=payload.date_order,
            region=region,
        )
        imports.start(user=user, job=job, dry_run=payload.dry_run)
    except BaseException:
        _discard(job)
        raise
    job = _load(job.pk)
    response["Location"] = f"{URL}/{job.pk}"
    return Status(202, job)


def _discard(job: ImportJob) -> None:
    """Remove a job that never started (its choices were refused), with its stored file."""
    if ImportJob.objects.filter(pk=job.pk, state=ImportJob.State.UPLOADED).delete()[0]:
        job.file.delete(save=False)


def _load(job_id: int) -> ImportJob:
    return get_object_or_404(ImportJob.objects.select_related("user", "operation"), pk=job_id)


def _job(request: HttpRequest, job_id: int) -> ImportJob:
    """The job, for its owner and administrators; for anyone else it does not exist (404)."""
    job = _load(job_id)
    if not imports.may_see(caller(request), job):
        raise Http404("No such import.")
    return job


@router.get(
    "/{job_id}",
    response={200: ImportJobOut, **READ_ERRORS},
    auth=IMPORTER_AUTH,
    operation_id="get_import",
    summary="Get an import",
)
def get_import(request: HttpRequest, job_id: int) -> Any:
    """Its state, progress and counts (created + updated + skipped + rejected = rows done), the
    choices it runs with, a dry run's preview, and the error file once rows were rejected.
    For the user who started it and administrators."""
    return _job(request, job_id)


@router.get(
    "/{job_id}/errors",
    response=READ_ERRORS,
    auth=IMPORTER_AUTH,
    operation_id="get_import_errors",
    summary="Download an import's rejected rows",
    openapi_extra={"responses": {"200": {"description": "The rejected rows as CSV.", "content": ERRORS_FILE}}},
)
def get_import_errors(request: HttpRequest, job_id: int) -> Any:
    """The rejected rows as CSV: the file's own columns, then the row number and the reason. Fix them
    and import this file again. Only the header when no row was rejected (a dry run keeps none)."""
    job = _job(request, job_id)
    download = StreamingHttpResponse(imports.error_file(job), content_type="text/csv; charset=utf-8")
    stem = job.file_name.rsplit(".", 1)[0].replace('"', "") or "import"
    download["Content-Disposition"] = f'attachment; filename="{stem}-rejected-rows.csv"'
    return download


@router.post(
    "/{job_id}/cancel",
    response={200: ImportJobOut, **READ_ERRORS, 409: ErrorOut},
    auth=IMPORTER_AUTH,
    operation_id="cancel_import",
    summary="Cancel an import",
)
def cancel_import(request: HttpRequest, job_id: int) -> Any:
    """A queued import or preview stops at once; a running one after the batch it is writing (what
    was written stays, and can be undone). 409 when the import has already finished."""
    job = _job(request, job_id)
    try:
        imports.cancel(user=caller(request), job=job)
    except ValidationError as error:
        return _state_conflict(error)
    return _load(job.pk)


@router.post(
    "/{job_id}/run",
    response={202: ImportJobOut, **READ_ERRORS, 409: ErrorOut},
    auth=IMPORTER_AUTH,
    operation_id="run_import",
    summary="Run a previewed import",
)
def run_import(request: HttpRequest, job_id: int) -> Any:
    """Imports a previewed job (one created with ``dry_run``) for real, with the choices it was
    previewed with: 202 with the job, now queued; poll it at ``url`` as for a new import. 409 when
    the import is not waiting to run (it is being previewed, has already run or is running)."""
    job = _job(request, job_id)
    try:
        imports.start(user=caller(request), job=job, dry_run=False)
    except ValidationError as error:
        return _state_conflict(error)
    return Status(202, _load(job.pk))


def _state_conflict(error: ValidationError) -> Status:
    """409 for an action the job's state does not allow, naming ``state``."""
    message = " ".join(error.messages)
    return Status(409, error_body(message, [("state", message)]))


@router.post(
    "/{job_id}/undo",
    response={200: OperationOut, **READ_ERRORS, 409: ErrorOut},
    auth=IMPORTER_AUTH,
    operation_id="undo_import",
    summary="Undo an import",
)
def undo_import(request: HttpRequest, job_id: int) -> Any:
    """Deletes the records the import created and puts back the ones it updated, as one operation
    (returned; its ``undoes`` is the import's ``operation``). 409 when the import wrote nothing, is
    still running, was already undone, or when a record changed after it: then ``errors`` names each
    such record and nothing is undone."""
    job = _job(request, job_id)
    user = caller(request)
    imports.require_import(user, imports.get_importer(job.model_key))
    try:
        return imports.undo(user=user, job=job)
    except bulk.UndoRefused as refused:
        return Status(409, error_body(refused.message, [(None, str(row)) for row in refused.rows]))
