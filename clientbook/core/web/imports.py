"""The import wizard of every importable list: upload → mapping and duplicates → preview → run → result.

One page per job (``import_job``) shows the step its state calls for, so a reload or a bookmark
always lands on the right step; while the worker previews or imports, its progress block polls
itself every second (htmx) and reloads the page when the job moves on. Every form works without
JavaScript. The pipeline is ``clientbook.core.imports.engine``; these views only translate.
"""

import csv
import io
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    HttpResponseRedirect,
    StreamingHttpResponse,
)
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django_countries import countries

from clientbook.core.exports.formats.tabular import neutralise_formula
from clientbook.core.imports import engine as imports
from clientbook.core.models import ImportJob
from clientbook.core.records import bulk
from clientbook.core.web.editing import UNPROCESSABLE, add_message, is_htmx

SAMPLE_VALUES = 3
RECENT_JOBS = 10


def _importer_or_404(model_key: str) -> imports.Importer:
    try:
        return imports.get_importer(model_key)
    except ValidationError:
        raise Http404(f"Nothing called {model_key} can be imported.") from None


def _require(request: HttpRequest, importer: imports.Importer) -> None:
    if not imports.may_import(request.user, importer):
        raise PermissionDenied(f"Your role may not import {importer.title.lower()}.")


def _job_or_403(request: HttpRequest, pk: int) -> ImportJob:
    job = get_object_or_404(ImportJob.objects.select_related("user", "operation"), pk=pk)
    if not imports.may_see(request.user, job):
        raise PermissionDenied("This import is someone else's.")
    return job


def _list_url(importer: imports.Importer) -> str:
    meta = importer.model._meta
    return reverse(f"{meta.app_label}:{meta.model_name}_list")


class UploadForm(forms.Form):
    file = forms.FileField(
        label="File",
        help_text="CSV (any delimiter; UTF-8, UTF-16 or Windows-1252) or Excel (.xlsx). "
        "The first row holds the column names.",
        widget=forms.ClearableFileInput(attrs={"class": "form-control", "accept": ".csv,.txt,.tsv,.xlsx"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text += (
            f" At most {imports.size_text(settings.CLIENTBOOK_IMPORT_MAX_BYTES)} and "
            f"{settings.CLIENTBOOK_IMPORT_MAX_ROWS:,} rows."
        )


@require_http_methods(["GET", "HEAD", "POST"])
def import_upload(request: HttpRequest, model_key: str) -> HttpResponseBase:
    """Step 1: choose a file. Also lists the user's recent imports of this model."""
    importer = _importer_or_404(model_key)
    _require(request, importer)
    form = UploadForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            uploaded = form.cleaned_data["file"]
            try:
                job = imports.upload(user=request.user, importer=importer, uploaded=uploaded, file_name=uploaded.name)
            except ValidationError as error:
                for message in error.message_dict.get("file", error.messages):
                    form.add_error("file", message)
            else:
                return HttpResponseRedirect(reverse("imports:job", args=[job.pk]), status=303)
        status = UNPROCESSABLE
    jobs = ImportJob.objects.filter(user=request.user, model_key=importer.key)  # type: ignore[misc]  # signed in (LoginGate)
    recent = jobs.order_by("-created_at")[:RECENT_JOBS]
    context = {"importer": importer, "form": form, "recent": recent, "list_url": _list_url(importer)}
    return render(request, "core/import_upload.html", context, status=status)


class MappingForm(forms.Form):
    """One choice per column of the file, then how duplicates are found and handled, and how values read."""

    duplicate_strategy = forms.ChoiceField(
        label="When a row matches an existing record",
        choices=ImportJob.Strategy.choices,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    match_on = forms.MultipleChoiceField(
        label="Match rows to existing records by",
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )
    date_order = forms.ChoiceField(
        label="Dates like 03/04/2024 are",
        choices=list(imports.DATE_ORDERS.items()),
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )
    region = forms.ChoiceField(
        label="Phones without a country code are from",
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )

    def __init__(self, *args: Any, job: ImportJob, importer: imports.Importer, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.job = job
        targets = [
            (imports.IGNORE, "— Ignore this column —"),
            (imports.NOTE, "Keep as a note (in the description)"),
            *((field.name, field.label) for field in importer.fields),
        ]
        sample = imports.table_of(job).sample[:SAMPLE_VALUES]
        self.columns = []
        for index, header in enumerate(job.headers):
            name = f"column_{index}"
            self.fields[name] = forms.ChoiceField(
                label=header or f"Column {index + 1}",
                choices=targets,
                required=False,
                initial=job.mapping.get(header, imports.IGNORE),
                widget=forms.Select(attrs={"class": "form-select form-select-sm", "data-import-target": ""}),
            )
            values = [str(row[index]) if index < len(row) and row[index] is not None else "" for row in sample]
            self.columns.append({"header": header, "field": name, "samples": [value[:60] for value in values]})
        match_on = self.fields["match_on"]
        assert isinstance(match_on, forms.MultipleChoiceField)
        match_on.choices = list(importer.match_keys.items())
        region = self.fields["region"]
        assert isinstance(region, forms.ChoiceField)
        region.choices = [(str(code), str(name)) for code, name in countries]
        self.initial.setdefault("duplicate_strategy", job.strategy)
        self.initial.setdefault("match_on", job.match_on)
        self.initial.setdefault("date_order", job.options.get("date_order", "auto"))
        self.initial.setdefault("region", job.options.get("region") or settings.PHONENUMBER_DEFAULT_REGION)

    def column_fields(self) -> list[dict[str, Any]]:
        return [{**column, "bound": self[column["field"]]} for column in self.columns]

    def mapping(self) -> dict[str, str]:
        return {header: self.cleaned_data.get(f"column_{index}") or "" for index, header in enumerate(self.job.headers)}

    def add_pipeline_errors(self, error: ValidationError) -> None:
        own_fields = {"duplicate_strategy", "match_on", "date_order"}
        for name, texts in error.message_dict.items():
            for text in texts:
                self.add_error(name if name in own_fields else None, text)


def _job_context(job: ImportJob, importer: imports.Importer, form: MappingForm | None = None) -> dict[str, Any]:
    return {
        "job": job,
        "importer": importer,
        "form": form,
        "list_url": _list_url(importer),
        "upload_url": reverse("imports:upload", args=[importer.key]),
        "progress_url": reverse("imports:progress", args=[job.pk]),
        "undone": bool(job.operation and job.operation.state == job.operation.State.UNDONE),
        "column_count": len(job.headers),
    }


@require_http_methods(["GET", "HEAD", "POST"])
def import_job(request: HttpRequest, pk: int) -> HttpResponseBase:
    """Steps 2–5 of one import: mapping (POST here starts the preview), progress, preview, result."""
    job = _job_or_403(request, pk)
    importer = _importer_or_404(job.model_key)
    _require(request, importer)
    configurable = job.state in (ImportJob.State.UPLOADED, ImportJob.State.PREVIEWED) and not job.operation_id
    form = MappingForm(request.POST or None, job=job, importer=importer) if configurable else None
    status = 200
    if request.method == "POST":
        if form is None:
            return HttpResponseRedirect(request.path, status=303)
        if form.is_valid():
            try:
                imports.configure(
                    user=request.user,
                    job=job,
                    mapping=form.mapping(),
                    strategy=form.cleaned_data["duplicate_strategy"],
                    match_on=form.cleaned_data["match_on"],
                    date_order=form.cleaned_data["date_order"],
                    region=form.cleaned_data["region"],
                )
                imports.start(user=request.user, job=job, dry_run=True)
            except ValidationError as error:
                form.add_pipeline_errors(error)
            else:
                return HttpResponseRedirect(request.path, status=303)
        status = UNPROCESSABLE
    return render(request, "core/import_job.html", _job_context(job, importer, form), status=status)


@require_safe
def import_progress(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The progress block, polled every second; once the job has moved on, the page reloads itself."""
    job = _job_or_403(request, pk)
    importer = _importer_or_404(job.model_key)
    response = render(request, "core/import_job.html#progress", _job_context(job, importer))
    if is_htmx(request) and not job.working:
        response["HX-Refresh"] = "true"
    patch_vary_headers(response, ("HX-Request",))
    return response


def _act(request: HttpRequest, pk: int, action: str) -> HttpResponseBase:
    job = _job_or_403(request, pk)
    importer = _importer_or_404(job.model_key)
    _require(request, importer)
    try:
        if action == "run":
            imports.start(user=request.user, job=job, dry_run=False)
        elif action == "cancel":
            imports.cancel(user=request.user, job=job)
            add_message(request, "The import stops after the batch it is writing; what was written stays.")
        else:
            operation = imports.undo(user=request.user, job=job)
            add_message(
                request, f"Import undone: {operation.row_count:,} {importer.title.lower()} put back as they were."
            )
    except ValidationError as error:
        add_message(request, " ".join(error.messages), level=messages.ERROR)
    except bulk.UndoRefused as refused:
        rows = "; ".join(str(row) for row in refused.rows[:10])
        add_message(request, f"{refused.message} {rows}".strip(), level=messages.ERROR)
    return HttpResponseRedirect(reverse("imports:job", args=[job.pk]), status=303)


@require_POST
def import_run(request: HttpRequest, pk: int) -> HttpResponseBase:
    return _act(request, pk, "run")


@require_POST
def import_cancel(request: HttpRequest, pk: int) -> HttpResponseBase:
    return _act(request, pk, "cancel")


@require_http_methods(["GET", "HEAD", "POST"])
def import_undo(request: HttpRequest, pk: int) -> HttpResponseBase:
    """GET asks to confirm (a page, or the modal's content for htmx), saying how many records the
    undo deletes and how many it puts back; POST undoes."""
    if request.method == "POST":
        return _act(request, pk, "undo")
    job = _job_or_403(request, pk)
    importer = _importer_or_404(job.model_key)
    _require(request, importer)
    deleted, restored = imports.undo_counts(job)
    context = {
        **_job_context(job, importer),
        "deleted": deleted,
        "restored": restored,
        "deleted_noun": bulk.noun(importer.model, deleted),
        "restored_noun": bulk.noun(importer.model, restored),
        "refusal": imports.undo_refusal(job),
    }
    template = "core/import_undo.html#modal" if is_htmx(request) else "core/import_undo.html"
    response = render(request, template, context)
    patch_vary_headers(response, ("HX-Request",))
    return response


@require_safe
def import_errors(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The rejected rows as CSV: the file's columns, the row number and the reason."""
    job = _job_or_403(request, pk)
    response = StreamingHttpResponse(imports.error_file(job), content_type="text/csv; charset=utf-8")
    stem = job.file_name.rsplit(".", 1)[0] or "import"
    response["Content-Disposition"] = f'attachment; filename="{stem}-rejected-rows.csv"'
    return response


@require_safe
def import_template(request: HttpRequest, model_key: str, extension: str) -> HttpResponseBase:
    """A file with the importable columns and an example row, as CSV or XLSX."""
    importer = _importer_or_404(model_key)
    _require(request, importer)
    if extension not in ("csv", "xlsx"):
        raise Http404("Templates come as .csv or .xlsx.")
    header, example = imports.template_rows(importer)
    name = f"{importer.key}-import-template.{extension}"
    if extension == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(header)
        writer.writerow([neutralise_formula(value) for value in example])
        response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    else:
        import xlsxwriter

        binary = io.BytesIO()
        book = xlsxwriter.Workbook(binary, {"in_memory": True, "strings_to_formulas": False})
        sheet = book.add_worksheet(importer.title[:31])
        bold = book.add_format({"bold": True})
        sheet.write_row(0, 0, header, bold)
        sheet.write_row(1, 0, example)
        sheet.set_column(0, len(header) - 1, 18)
        book.close()
        response = HttpResponse(
            binary.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
