"""``POST /api/v1/exports`` (a list's rows as CSV, XLSX or PDF) and the background exports it starts.

The same engine as the list page's Export dialog (``clientbook.core.exports.engine``): the list's search,
filters and sort, only fields the caller may see, the PDF limit, the per-user rate limit and the
audit event. A small export is the response itself; a large one answers 202 with a job to poll at
``GET /api/v1/exports/{id}`` and to download at ``GET /api/v1/exports/{id}/file``.
"""

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status
from pydantic import ConfigDict

from clientbook.api.auth import caller, requires
from clientbook.api.errors import AUTH_ERRORS, READ_ERRORS, ErrorOut, error_body
from clientbook.api.fields import Text, named_choices
from clientbook.core.exports import engine as exports
from clientbook.core.listing.pipeline import InvalidListQuery, all_specs, get_spec
from clientbook.core.models import ExportJob

router = Router(tags=["exports"])
ExportJobState = named_choices("ExportJobState", ExportJob.State)

BINARY = {"schema": {"type": "string", "format": "binary"}}
# application/octet-stream first: a generated client reads the first media type it knows, and only
# that one gives it the file's bytes (it would decode text/csv as text, and knows no XLSX or PDF).
FILE_TYPES = {
    "application/octet-stream": BINARY,
    **{content_type: BINARY for content_type, _ in exports.FORMATS.values()},
}
RETRY_AFTER = {
    "Retry-After": {"description": "Seconds until the next export is allowed.", "schema": {"type": "integer"}}
}
LIST_KEYS = sorted(spec.key for spec in all_specs() if exports.exportable(spec))
FilterValue = Text | list[Text] | int | float
CREATE_DESCRIPTION = (
    "The rows of the list `model` that its list endpoint would return for `filters`, in that order, with the "
    f"chosen `fields`. Up to {settings.CLIENTBOOK_EXPORT_STREAM_MAX_ROWS:,} rows (and every PDF) the response is "
    "the file; larger CSV and XLSX exports answer 202 with a job to poll. A PDF holds at most "
    f"{settings.CLIENTBOOK_EXPORT_PDF_MAX_ROWS} rows (more: 422). At most {settings.CLIENTBOOK_EXPORTS_PER_MINUTE} "
    "exports a minute per user (more: 429 with `Retry-After`)."
)


class ExportIn(Schema):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "model": "customers",
                    "format": "csv",
                    "fields": ["code", "name", "email", "balance"],
                    "filters": {"q": "london", "status": ["active", "prospect"], "sort": "-balance"},
                }
            ]
        },
    )

    model: Text = Field(description="The list to export.", json_schema_extra={"enum": LIST_KEYS})
    format: ExportJob.Format
    fields: list[Text] = Field(description="Field names, in the order of the file's columns (at least one).")
    filters: dict[Text, FilterValue] = Field(
        default_factory=dict,
        description=(
            "The list's parameters, as its list endpoint takes them: q, each filter (a list for a repeated one) "
            "and sort."
        ),
    )


class ExportJobOut(Schema):
    id: int
    state: ExportJobState  # type: ignore[valid-type]
    progress: int = Field(description="Percent done.")
    total_rows: int = Field(description="Rows the export holds.")
    row_count: int = Field(description="Rows written so far.")
    model: str
    format: ExportJob.Format
    fields: list[str]
    filters: dict[str, Any]
    created_at: datetime
    finished_at: datetime | None
    error: str = Field(description="Why it failed, when its state is failed.")
    download_url: str | None = Field(description="The file, once the state is done.")

    @staticmethod
    def resolve_model(job: ExportJob) -> str:
        return job.list_key

    @staticmethod
    def resolve_filters(job: ExportJob) -> dict[str, Any]:
        return {name: values[0] if len(values) == 1 else values for name, values in job.params.items()}

    @staticmethod
    def resolve_download_url(job: ExportJob) -> str | None:
        if job.state != ExportJob.State.DONE or not job.file:
            return None
        return f"/api/v1/exports/{job.pk}/file"


def _filters(spec_key: str, filters: Mapping[str, Any]) -> dict[str, list[str]]:
    """The filters as list parameters; a name the list does not know is refused, never ignored."""
    known = {*get_spec(spec_key).filterset.base_filters, "sort"}
    unknown = [name for name in filters if name not in known]
    if unknown:
        raise ValidationError({f"filters.{name}": "Unknown filter." for name in unknown})
    return {
        name: [str(item) for item in value] if isinstance(value, list) else [str(value)]
        for name, value in filters.items()
    }


def _rate_limited(error: exports.ExportRateLimited) -> HttpResponse:
    response = JsonResponse(error_body(str(error)), status=429)
    response["Retry-After"] = str(error.retry_after)
    return response


@router.post(
    "",
    response={202: ExportJobOut, 400: ErrorOut, **AUTH_ERRORS, 404: ErrorOut, 422: ErrorOut, 429: ErrorOut},
    auth=requires(),
    operation_id="create_export",
    summary="Export a list (CSV, XLSX or PDF)",
    description=CREATE_DESCRIPTION,
    openapi_extra={
        "responses": {
            "200": {"description": "The file (a small export).", "content": FILE_TYPES},
            429: {"headers": RETRY_AFTER},
        }
    },
)
def create_export(request: HttpRequest, payload: ExportIn) -> Any:
    user = caller(request)
    if payload.model not in LIST_KEYS:
        raise ValidationError({"model": f"Choose one of: {', '.join(LIST_KEYS)}."})
    spec = get_spec(payload.model)
    if not exports.may_export(user, spec):
        raise PermissionDenied(f"Your role may not export {spec.model._meta.verbose_name_plural}.")
    params = exports.list_params(_filters(spec.key, payload.filters))
    try:
        plan = exports.prepare(spec, user, params, payload.fields, payload.format)
        begun = exports.begin(plan)
    except InvalidListQuery as error:
        raise ValidationError({f"filters.{name}": message for name, message in error.errors.items()}) from error
    except exports.ExportRateLimited as error:
        return _rate_limited(error)
    if begun.job is None:
        return exports.direct_response(plan)
    return Status(202, begun.job)


def _job(request: HttpRequest, job_id: int) -> ExportJob:
    """The job, for its author and administrators; for anyone else it does not exist (404), as an import."""
    job = get_object_or_404(ExportJob.objects.select_related("user"), pk=job_id)
    if not exports.may_download(caller(request), job):
        raise Http404("No such export.")
    return job


@router.get(
    "/{job_id}",
    response={200: ExportJobOut, **READ_ERRORS},
    auth=requires(),
    operation_id="get_export",
    summary="Get a background export",
)
def get_export(request: HttpRequest, job_id: int) -> Any:
    """Its state (queued, running, done, failed), progress and, when done, ``download_url``.
    For the user who started it and administrators."""
    return _job(request, job_id)


@router.get(
    "/{job_id}/file",
    response={**READ_ERRORS, 409: ErrorOut},
    auth=requires(),
    operation_id="get_export_file",
    summary="Download a background export's file",
    openapi_extra={"responses": {"200": {"description": "The file.", "content": FILE_TYPES}}},
)
def get_export_file(request: HttpRequest, job_id: int) -> Any:
    """409 while the export is not done; 404 once its file has been removed (after a few days)."""
    job = _job(request, job_id)
    if job.state != ExportJob.State.DONE:
        return Status(409, error_body(f"The export is {job.get_state_display().lower()}; its file is not ready."))
    if not job.file:
        raise Http404("The file has been removed.")
    try:
        handle = job.file.open("rb")
    except FileNotFoundError:
        raise Http404("The file has been removed.") from None
    content_type = exports.FORMATS[ExportJob.Format(job.format)][0]
    return FileResponse(handle, as_attachment=True, filename=job.file_name, content_type=content_type)
