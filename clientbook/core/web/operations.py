"""Pages of bulk changes: the list's checkbox column and bulk bar, the bulk-action form, and the
operation page with its Undo (``/operations/<id>/``).

The selection travels as a real form (``#bulk-form`` on the list page): ``selected`` (one value per
checked row), ``all`` (every row matching the list) and ``query`` (the list's search and filters,
URL-encoded), so it works without JavaScript. A bulk-action form shows how many rows it will
change, then runs through ``clientbook.core.records.bulk``; with htmx it answers with a toast carrying
Undo (``showToast.action``), without it the operation page.
"""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import django_tables2 as tables
from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.html import format_html
from django.views.decorators.http import require_http_methods, require_safe

from clientbook.core.listing.pipeline import BulkAction, InvalidListQuery, ListSpec
from clientbook.core.models import AuditEvent, BulkOperation
from clientbook.core.permissions import can, is_admin
from clientbook.core.records import bulk, history
from clientbook.core.web.editing import (
    MODAL_TARGET,
    BootstrapFormMixin,
    Undo,
    is_htmx,
    modal_done,
    permission_required,
    render_form,
)

SELECT_COLUMN = "select"
BULK_FORM_ID = "bulk-form"
SEARCH_PARAM = "q"
# Rows the operation page lists; the audit log filtered by the operation has them all.
EVENTS_SHOWN = 100
# Codes a bulk-action form names before it says "and N more".
KEYS_SHOWN = 8
TRUE_VALUES = ("1", "true", "True", "on")
UNDO_TEMPLATE = "core/operation_undo.html"
CONFLICT = 409

Perform = Callable[[Any, bulk.Selection, Mapping[str, Any]], BulkOperation]


# --- On the list page -----------------------------------------------------------------------------


class SelectColumn(tables.Column):
    """A checkbox per row, joined to ``#bulk-form``; the heading's box selects the whole page."""

    def __init__(self, key_field: str) -> None:
        cell = {"class": "select-cell", "data-no-row-click": ""}
        super().__init__(
            accessor=key_field,
            verbose_name="Select",
            orderable=False,
            empty_values=(),
            attrs={"th": {"class": "select-cell"}, "td": cell},
        )

    @property
    def header(self) -> str:
        return format_html(
            '<input type="checkbox" class="form-check-input" data-select-page aria-label="{}">',
            "Select every row on this page",
        )

    def render(self, value: Any, record: models.Model) -> str:
        return format_html(
            '<input type="checkbox" class="form-check-input" name="selected" value="{}" form="{}" data-select-row '
            'aria-label="Select {}">',
            value,
            BULK_FORM_ID,
            record,
        )


@dataclass(frozen=True)
class BulkActionLink:
    action: BulkAction
    url: str


@dataclass(frozen=True)
class BulkBar:
    """The bulk actions the user may run on a list, and the list query that "all matching" means."""

    links: list[BulkActionLink]
    query: str
    form_id: str = BULK_FORM_ID


def bulk_bar(spec: ListSpec, user: Any, filter_params: Sequence[tuple[str, str]]) -> BulkBar | None:
    """The bar for ``user``, or None when they may run none of the list's bulk actions."""
    links = [
        BulkActionLink(action=action, url=reverse(action.url_name))
        for action in spec.bulk_actions
        if can(user, action.permission, spec.model)
    ]
    return BulkBar(links=links, query=urlencode(list(filter_params))) if links else None


def select_column(spec: ListSpec) -> SelectColumn:
    return SelectColumn(bulk.key_field(spec.model))


# --- The bulk-action form -------------------------------------------------------------------------


class KeysField(forms.Field):
    """The keys (codes) of the checked rows: one hidden input each."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value: Any) -> list[str]:
        if not value:
            return []
        values = value if isinstance(value, list | tuple) else [value]
        return [str(item).strip() for item in values if str(item).strip()]


class BulkForm(BootstrapFormMixin, forms.Form):
    """The selection, carried in hidden fields; a subclass adds the fields of its action."""

    selected = KeysField(required=False)
    all = forms.BooleanField(required=False, widget=forms.HiddenInput)
    query = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Its own ids: the list page under the modal has fields of the same names (its filters).
        kwargs.setdefault("auto_id", "bulk_%s")
        super().__init__(*args, **kwargs)
        self.style_widgets()

    def action_fields(self) -> list[forms.BoundField]:
        hidden = {"selected", "all", "query"}
        return [self[name] for name in self.fields if name not in hidden]


def selection_from(data: QueryDict) -> bulk.Selection:
    """The selection a request carries: every row matching ``query`` when ``all`` is set, else the checked rows."""
    if data.get("all") in TRUE_VALUES:
        return bulk.Selection.matching(QueryDict(data.get("query", "")))
    return bulk.Selection.of_keys(data.getlist("selected"))


def _selection_initial(data: QueryDict) -> dict[str, Any]:
    return {"selected": data.getlist("selected"), "all": data.get("all") in TRUE_VALUES, "query": data.get("query", "")}


@dataclass(frozen=True)
class SelectionSummary:
    """What a bulk-action form says it will change: how many rows, and which (or which query)."""

    count: int
    text: str


def summarise(spec: ListSpec, user: Any, selection: bulk.Selection) -> SelectionSummary:
    """Resolve the selection as the run will (raises what ``bulk.resolve`` raises) and describe it."""
    keys = bulk.resolve(spec, user, selection)
    count = len(keys)
    noun = bulk.noun(spec.model, count)
    if selection.params is not None:
        return SelectionSummary(count, f"All {count:,} {noun} {_query_text(selection.params)}".rstrip() + ".")
    shown = ", ".join(selection.keys[:KEYS_SHOWN])
    more = f" and {len(selection.keys) - KEYS_SHOWN:,} more" if len(selection.keys) > KEYS_SHOWN else ""
    return SelectionSummary(count, f"{count:,} selected {noun}: {shown}{more}.")


def _query_text(params: Mapping[str, Any]) -> str:
    search = str(params.get(SEARCH_PARAM, "")).strip()
    filters = {name for name in params if name != SEARCH_PARAM and any(value for value in _values(params, name))}
    parts = []
    if search:
        parts.append(f"matching “{search}”")
    if filters:
        parts.append(f"{'and ' if search else 'matching '}{len(filters)} filter{'s' if len(filters) != 1 else ''}")
    return " ".join(parts) if parts else "in the list"


def _values(params: Mapping[str, Any], name: str) -> list[Any]:
    getlist = getattr(params, "getlist", None)
    return list(getlist(name)) if getlist else [params.get(name)]


def _selection_problem(error: Exception) -> str:
    if isinstance(error, InvalidListQuery):
        return "The list's filters are not valid any more: " + " ".join(error.errors.values())
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error)


def bulk_action_view(
    *,
    spec: ListSpec,
    form_class: type[BulkForm],
    title: str,
    submit_label: str,
    perform: Perform,
    list_url_name: str,
    template_name: str = "core/bulk_form.html",
) -> Callable[..., HttpResponse]:
    """The page (and modal) of one bulk action: GET shows what will change, POST runs ``perform``."""

    @require_http_methods(["GET", "HEAD", "POST"])
    @permission_required("change", spec.model)
    def view(request: HttpRequest) -> HttpResponse:
        posted = request.method == "POST"
        data = request.POST if posted else request.GET
        selection = selection_from(data)
        form = form_class(request.POST if posted else None, initial=_selection_initial(data))
        if posted and form.is_valid():
            try:
                operation = perform(request.user, selection, form.cleaned_data)
            except bulk.BulkStopped as stopped:
                form.add_error(None, stopped.message)
            except ValidationError as error:
                _add_errors(form, error)
            except (PermissionDenied, InvalidListQuery) as error:
                form.add_error(None, _selection_problem(error))
            else:
                return _done(request, spec, operation)
        summary: SelectionSummary | None = None
        problem = ""
        try:
            summary = summarise(spec, request.user, selection)
        except (ValidationError, PermissionDenied, InvalidListQuery) as error:
            problem = _selection_problem(error)
        context = {
            "form": form,
            "spec": spec,
            "title": title,
            "submit_label": submit_label,
            "summary": summary,
            "problem": problem,
            "action_url": request.path,
            "cancel_url": _list_url(list_url_name, data),
        }
        return render_form(request, template_name, context, invalid=posted or bool(problem))

    return view


def _add_errors(form: BulkForm, error: ValidationError) -> None:
    """A service's messages go next to the fields they name; the selection's go above the form."""
    if hasattr(error, "error_dict"):
        for name, field_messages in error.message_dict.items():
            for message in field_messages:
                form.add_error(name if name in form.fields and name != bulk.SELECTION_FIELD else None, message)
    else:
        for message in error.messages:
            form.add_error(None, message)
    form.mark_invalid()


def _list_url(list_url_name: str, data: QueryDict) -> str:
    """Back to the list as it was (its search and filters)."""
    url = reverse(list_url_name)
    query = data.get("query", "")
    return f"{url}?{query}" if query else url


def _done(request: HttpRequest, spec: ListSpec, operation: BulkOperation) -> HttpResponse:
    """A toast with Undo for the list page (htmx), else the operation page."""
    count, selected = operation.row_count, operation.selected_count
    if count:
        message = f"Changed {count:,} {bulk.noun(spec.model, count)}."
        if selected > count:
            message += f" {selected - count:,} already were as asked."
    else:
        message = (
            f"Nothing to change: the {selected:,} selected {bulk.noun(spec.model, selected)} already were as asked."
        )
    if not is_htmx(request):
        messages.success(request, message)
        return HttpResponseRedirect(reverse("operations:operation_detail", args=[operation.id]), status=303)
    undo = Undo(reverse("operations:operation_undo", args=[operation.id])) if count else None
    return modal_done(message, level="success" if count else "info", undo=undo)


# --- The operation page and Undo ------------------------------------------------------------------


def _operation_or_404(request: HttpRequest, operation_id: Any) -> BulkOperation:
    try:
        operation = bulk.get_operation(operation_id)
    except BulkOperation.DoesNotExist:
        raise Http404("No such operation.") from None
    if not bulk.may_use(request.user, operation):
        raise PermissionDenied("Your role may not change the records of this operation.")
    return operation


@dataclass(frozen=True)
class ChangedRow:
    event: AuditEvent
    url: str
    changes: list[history.FieldChange]

    @property
    def key(self) -> str:
        return self.event.object_code or self.event.object_id

    @property
    def name(self) -> str:
        """The record's name as recorded, without the code it may end with (the code is shown beside it)."""
        return self.event.object_display.removesuffix(f" ({self.key})")


def _changed_rows(operation: BulkOperation) -> list[ChangedRow]:
    model = history.model_for_type(operation.object_type)
    formatter = history.ValueFormatter(model) if model is not None else None
    events = AuditEvent.objects.filter(operation_id=operation.id, object_type=operation.object_type).order_by("id")
    rows = []
    for event in events[:EVENTS_SHOWN]:
        url = _object_url(model, event)
        rows.append(ChangedRow(event=event, url=url, changes=history.describe_changes(event, formatter)))
    return rows


def _object_url(model: type[models.Model] | None, event: AuditEvent) -> str:
    if model is None:
        return ""
    found = model._default_manager.filter(pk=event.object_id).first()
    get_url = getattr(found, "get_absolute_url", None)
    return str(get_url()) if callable(get_url) else ""


def _operation_context(request: HttpRequest, operation: BulkOperation) -> dict[str, Any]:
    events = AuditEvent.objects.filter(operation_id=operation.id, object_type=operation.object_type)
    blockers = bulk.undo_blockers(operation)
    return {
        "operation": operation,
        "rows": _changed_rows(operation),
        "event_count": events.count(),
        "events_shown": EVENTS_SHOWN,
        "undo_blockers": blockers,
        "can_undo": not blockers and operation.row_count > 0,
        "undo_operation": BulkOperation.objects.filter(undoes=operation).first(),
        "events_url": f"{reverse('audit:event_list')}?operation={operation.id}" if is_admin(request.user) else "",
    }


@require_safe
def operation_detail(request: HttpRequest, operation_id: Any) -> HttpResponse:
    operation = _operation_or_404(request, operation_id)
    return render_form(request, "core/operation_detail.html", _operation_context(request, operation))


@require_http_methods(["GET", "HEAD", "POST"])
def operation_undo(request: HttpRequest, operation_id: Any) -> HttpResponse:
    """GET asks to confirm; POST undoes. A refusal (a row changed since …) names the rows (409)."""
    operation = _operation_or_404(request, operation_id)
    refusal: bulk.UndoRefused | None = None
    if request.method == "POST":
        try:
            undo_operation = bulk.undo(user=request.user, operation=operation)
        except bulk.UndoRefused as refused:
            refusal = refused
        else:
            return _undone(request, operation, undo_operation)
    blockers = bulk.undo_blockers(operation)
    if refusal is None and blockers:
        refusal = bulk.UndoRefused(blockers[0])
    context = {**_operation_context(request, operation), "refusal": refusal}
    status = CONFLICT if refusal is not None else 200
    if not is_htmx(request):
        return render(request, UNDO_TEMPLATE, context, status=status)
    # Undo may come from a toast's button, which swaps nothing: the answer names where it goes.
    response = render(request, f"{UNDO_TEMPLATE}#modal", context, status=status)
    response["HX-Retarget"] = f"#{MODAL_TARGET}"
    response["HX-Reswap"] = "innerHTML"
    patch_vary_headers(response, ("HX-Request",))
    return response


def _undone(request: HttpRequest, operation: BulkOperation, undo_operation: BulkOperation) -> HttpResponse:
    model = history.model_for_type(operation.object_type)
    count = undo_operation.row_count
    noun = bulk.noun(model, count) if model is not None else "records"
    message = f"Undone: {count:,} {noun} put back as they were before “{operation.description}”."
    if not is_htmx(request):
        messages.success(request, message)
        return HttpResponseRedirect(reverse("operations:operation_detail", args=[operation.id]), status=303)
    return modal_done(message)
