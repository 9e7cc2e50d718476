"""The Export dialog of every list, the progress of a background export, and its download.

The dialog opens in the shared modal (htmx) from the list's toolbar and carries the list's query
string, so the export holds exactly the rows on screen. Without JavaScript it is a page of its own
and the form answers with the file (small exports) or the progress page (large ones). With htmx a
small export is written at once and downloaded through ``HX-Redirect``; a large one swaps in the
progress view, which polls itself every second until the download link appears.
"""

import json
from typing import Any, cast

from django import forms
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    HttpResponseRedirect,
    QueryDict,
)
from django.shortcuts import get_object_or_404, render
from django.urls import NoReverseMatch, reverse
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_http_methods, require_safe

from clientbook.core.exports import engine as exports
from clientbook.core.listing.columns import ExportField
from clientbook.core.listing.pipeline import InvalidListQuery, ListSpec, filtered_queryset, get_spec
from clientbook.core.listing.search import count_rows
from clientbook.core.models import ExportJob
from clientbook.core.web.editing import UNPROCESSABLE, htmx_redirect, in_modal, is_htmx

TOO_MANY_REQUESTS = 429


class ExportForm(forms.Form):
    """The dialog: every field the user may see as a toggle (none chosen at first), the format, the list query."""

    query = forms.CharField(required=False, widget=forms.HiddenInput)
    selected_fields = forms.MultipleChoiceField(
        label="Fields",
        required=False,
        widget=forms.CheckboxSelectMultiple(
            attrs={"class": "form-check-input", "role": "switch", "data-export-field": ""}
        ),
    )
    select_all = forms.BooleanField(
        label="Select all",
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input", "role": "switch", "data-export-select-all": ""}),
    )
    format = forms.ChoiceField(
        label="Format",
        choices=ExportJob.Format.choices,
        initial=ExportJob.Format.CSV,
        widget=forms.RadioSelect(attrs={"class": "btn-check"}),
    )

    def __init__(self, *args: Any, export_fields: list[ExportField], **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "export_%s")  # ids apart from the list page's own filter fields
        super().__init__(*args, **kwargs)
        self.field_choices = [(field.name, field.label) for field in export_fields]
        cast(forms.MultipleChoiceField, self.fields["selected_fields"]).choices = self.field_choices

    def chosen(self) -> list[str]:
        if self.cleaned_data.get("select_all"):
            return [name for name, _ in self.field_choices]
        return list(self.cleaned_data.get("selected_fields") or [])

    def add_export_errors(self, error: ValidationError) -> None:
        names = {"fields": "selected_fields", "format": "format"}
        for name, messages in error.message_dict.items():
            for message in messages:
                self.add_error(names.get(name), message)


def _spec_or_404(list_key: str) -> ListSpec:
    try:
        spec = get_spec(list_key)
    except KeyError:
        raise Http404(f"No list is called {list_key}.") from None
    if not exports.exportable(spec):
        raise Http404(f"The list {list_key} has no export.")
    return spec


def _render(request: HttpRequest, template: str, context: dict[str, Any], status: int = 200) -> HttpResponse:
    name = f"{template}#modal" if in_modal(request) else template
    response = render(request, name, context, status=status)
    patch_vary_headers(response, ("HX-Request", "HX-Target"))
    return response


def _list_url(spec: ListSpec, query: str) -> str:
    try:
        path = reverse(f"{spec.url_namespace}:{spec.model._meta.model_name}_list")
    except NoReverseMatch:
        return ""
    return f"{path}?{query}" if query else path


def _matching(spec: ListSpec, user: Any, query: QueryDict) -> tuple[int | None, str]:
    """How many rows the list's query holds, or why the query is refused."""
    try:
        queryset, _ = filtered_queryset(spec, user, query)
    except InvalidListQuery as error:
        return None, " ".join(f"{name}: {message}" for name, message in error.errors.items())
    return count_rows(queryset), ""


@require_http_methods(["GET", "HEAD", "POST"])
def export_dialog(request: HttpRequest, list_key: str) -> HttpResponseBase:
    spec = _spec_or_404(list_key)
    if not exports.may_export(request.user, spec):
        raise PermissionDenied(f"Your role may not export {spec.model._meta.verbose_name_plural}.")
    export_fields = exports.visible_fields(spec, request.user)
    if request.method == "POST":
        form = ExportForm(request.POST, export_fields=export_fields)
        query = exports.list_params(QueryDict(request.POST.get("query", "")))
    else:
        query = exports.list_params(request.GET)
        form = ExportForm(
            initial={"query": query.urlencode(), "format": spec.export_format}, export_fields=export_fields
        )
    status = 200
    retry_after: int | None = None
    if request.method == "POST" and form.is_valid():
        try:
            plan = exports.prepare(spec, request.user, query, form.chosen(), form.cleaned_data["format"])
            begun = exports.begin(plan, keep_file=is_htmx(request))
        except ValidationError as error:
            form.add_export_errors(error)
        except InvalidListQuery as error:
            problems = "; ".join(f"{name}: {message}" for name, message in error.errors.items())
            form.add_error(None, f"The list's search or filters are not valid ({problems}). Correct them first.")
        except exports.ExportRateLimited as error:
            form.add_error(None, str(error))
            status, retry_after = TOO_MANY_REQUESTS, error.retry_after
        else:
            return _started(request, plan, begun)
    if request.method == "POST" and status == 200:
        status = UNPROCESSABLE
    count, query_error = _matching(spec, request.user, query)
    context = {
        "spec": spec,
        "form": form,
        "count": count,
        "query_error": query_error,
        "noun": spec.model._meta.verbose_name if count == 1 else spec.model._meta.verbose_name_plural,
        "pdf_limit": settings.CLIENTBOOK_EXPORT_PDF_MAX_ROWS,
        "action": reverse("exports:dialog", args=[spec.key]),
        "list_url": _list_url(spec, query.urlencode()),
    }
    response = _render(request, "core/export_dialog.html", context, status=status)
    if retry_after is not None:
        response["Retry-After"] = str(retry_after)
    return response


def _started(request: HttpRequest, plan: exports.ExportPlan, begun: exports.Begun) -> HttpResponseBase:
    job = begun.job
    if job is None:
        return exports.direct_response(plan)
    job_url = reverse("exports:job", args=[job.pk])
    if not is_htmx(request):
        return HttpResponseRedirect(job_url, status=303)
    if job.state == ExportJob.State.DONE:
        # The file is ready: close the dialog and let the browser download it (an attachment keeps the page).
        response = htmx_redirect(reverse("exports:file", args=[job.pk]))
        noun = plan.spec.model._meta.verbose_name if begun.rows == 1 else plan.spec.model._meta.verbose_name_plural
        message = f"Exported {begun.rows:,} {noun} as {job.get_format_display()}."
        response["HX-Trigger"] = json.dumps({"closeModal": True, "showToast": {"message": message, "level": "success"}})
        return response
    return _render(request, "core/export_job.html", _job_context(job))


def _job_or_403(request: HttpRequest, pk: int) -> ExportJob:
    job = get_object_or_404(ExportJob.objects.select_related("user"), pk=pk)
    if not exports.may_download(request.user, job):
        raise PermissionDenied("This export belongs to someone else.")
    return job


def _job_context(job: ExportJob) -> dict[str, Any]:
    spec = get_spec(job.list_key)
    return {
        "job": job,
        "spec": spec,
        "noun": spec.model._meta.verbose_name_plural,
        "job_url": reverse("exports:job", args=[job.pk]),
        "file_url": reverse("exports:file", args=[job.pk]) if job.state == ExportJob.State.DONE and job.file else "",
    }


@require_safe
def export_job(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The progress of an export (polled by htmx while it runs), then its download link."""
    job = _job_or_403(request, pk)
    template = "core/export_job.html"
    if is_htmx(request) and not in_modal(request):
        template = f"{template}#progress"  # a poll: only the progress block replaces itself
    response = render(request, template, _job_context(job))
    patch_vary_headers(response, ("HX-Request", "HX-Target"))
    return response


@require_safe
def export_file(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The export's file, for its author and administrators."""
    job = _job_or_403(request, pk)
    if job.state != ExportJob.State.DONE:
        raise Http404("This export has no file yet.")
    if not job.file:
        raise Http404("This export's file has been removed; export again.")
    try:
        handle = job.file.open("rb")
    except FileNotFoundError:
        raise Http404("This export's file has been removed; export again.") from None
    content_type = exports.FORMATS[ExportJob.Format(job.format)][0]
    return FileResponse(handle, as_attachment=True, filename=job.file_name, content_type=content_type)
