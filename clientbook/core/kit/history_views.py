"""Any spec's history: a record's History tab, the record as of any event in it, and reverting to that state.

The History tab is the record's page with its history open (``views.record_page``); "older" loads
more entries as an htmx fragment. Anyone who may view the record reads its history; administrators
also read the history of deleted records, and only they may revert. A revert goes through
``writes.revert``, so every rule of an edit applies and the revert is itself audited.
"""

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Page, Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.cache import patch_vary_headers

from clientbook.core.kit import tabs, views, writes
from clientbook.core.kit.registration import record_url
from clientbook.core.kit.spec import ModelSpec
from clientbook.core.kit.views import get_record, list_url
from clientbook.core.models import AuditEvent, BulkOperation
from clientbook.core.permissions import can, is_admin
from clientbook.core.records import audit, history
from clientbook.core.web.editing import UNPROCESSABLE, is_htmx

EVENTS_PER_PAGE = 20

ACTION_ICONS: dict[str, str] = {
    AuditEvent.Action.CREATE: "bi-plus-circle text-success",
    AuditEvent.Action.UPDATE: "bi-pencil text-primary",
    AuditEvent.Action.STATUS_CHANGE: "bi-flag text-warning",
    AuditEvent.Action.DELETE: "bi-trash text-danger",
    AuditEvent.Action.RESTORE: "bi-arrow-counterclockwise text-success",
    AuditEvent.Action.PURGE: "bi-x-octagon text-danger",
    AuditEvent.Action.REVERT: "bi-clock-history text-info",
}


@dataclass(frozen=True)
class HistoryEntry:
    event: AuditEvent
    actor: str
    action: str
    icon: str
    changes: list[history.FieldChange]
    as_of_url: str
    operation_url: str = ""  # the bulk operation the change was part of, with its Undo
    operation_description: str = ""

    @property
    def is_create(self) -> bool:
        return self.event.action == AuditEvent.Action.CREATE


def _record(spec: ModelSpec, request: HttpRequest, lookup: Any) -> Any:
    """The record whose history ``request.user`` may read: administrators see deleted ones too."""
    return get_record(spec, request, lookup, deleted=is_admin(request.user))


def _event_of(obj: Any, event_id: int) -> AuditEvent:
    event = audit.events_for(obj).filter(pk=event_id, state__isnull=False).select_related("actor").first()
    if event is None:
        raise Http404("No such event in this record's history.")
    return event


def _page_context(spec: ModelSpec, obj: Any) -> dict[str, Any]:
    """What every history page shows of the record: its names and the links of its breadcrumbs."""
    return {
        "spec": spec,
        "object": obj,
        "noun": str(spec.model._meta.verbose_name),
        "name": spec.describe(obj),
        "short_name": spec.short_name_of(obj),
        "list_url": list_url(spec),
        # A deleted record has no page to go back to, only its history.
        "detail_url": "" if obj.is_deleted else record_url(spec, "detail", obj),
        "history_url": record_url(spec, "history", obj),
    }


def _operations(spec: ModelSpec, user: Any, events: list[AuditEvent]) -> dict[Any, str]:
    """The descriptions of the bulk operations among ``events`` by id, for who may open their pages
    (who may change the spec's records)."""
    ids = {event.operation_id for event in events if event.operation_id}
    if not ids or not can(user, "change", spec.model):
        return {}
    return dict(BulkOperation.objects.filter(pk__in=ids).values_list("pk", "description"))


def _entries(spec: ModelSpec, user: Any, obj: Any, page: Page) -> list[HistoryEntry]:
    formatter = history.ValueFormatter(spec.model)
    events: list[AuditEvent] = list(page)
    operations = _operations(spec, user, events)
    return [
        HistoryEntry(
            event=event,
            actor=history.actor_text(event),
            action=event.get_action_display(),
            icon=ACTION_ICONS.get(event.action, "bi-dot"),
            changes=history.describe_changes(event, formatter),
            as_of_url=record_url(spec, "as_of", obj, event_id=event.pk) if event.state is not None else "",
            operation_url=reverse("operations:operation_detail", args=[event.operation_id])
            if event.operation_id in operations
            else "",
            operation_description=operations.get(event.operation_id, ""),
        )
        for event in events
    ]


def history_page(spec: ModelSpec, request: HttpRequest, lookup: Any) -> HttpResponse:
    """Newest first, a page at a time: the whole page, the tab's panel, or (for "older") just more entries."""
    obj = _record(spec, request, lookup)
    paginator = Paginator(audit.events_for(obj).select_related("actor"), EVENTS_PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    context = _page_context(spec, obj)
    history_url = context["history_url"]
    context.update(
        entries=_entries(spec, request.user, obj, page),
        page=page,
        next_url=f"{history_url}?page={page.next_page_number()}" if page.has_next() else "",
        total=paginator.count,
    )
    htmx = getattr(request, "htmx", None)
    if htmx and not htmx.history_restore_request and page.number > 1:
        response = render(request, "kit/history.html#entries", context)
    elif obj.is_deleted:
        # A deleted record (administrators) has no page of its own, only this one.
        response = render(request, "kit/history.html", context)
    else:
        # The record page names the record and its spec itself.
        panel = {name: value for name, value in context.items() if name not in ("spec", "object")}
        return views.record_page(spec, request, obj, tabs.HISTORY, panel_template="kit/history.html#panel", **panel)
    patch_vary_headers(response, ("HX-Request", "HX-Target"))
    return response


def _as_of_context(spec: ModelSpec, request: HttpRequest, obj: Any, event: AuditEvent) -> dict[str, Any]:
    formatter = history.ValueFormatter(spec.model)
    rows = history.compare(audit.spec_for(spec.model), history.recorded_state(event), audit.snapshot(obj), formatter)
    only_differences = request.GET.get("show") == "differences"
    differing = [row for row in rows if row.differs and row.revertable]
    return {
        **_page_context(spec, obj),
        "event": event,
        "actor": history.actor_text(event),
        "rows": [row for row in rows if row.differs] if only_differences else rows,
        "differing_count": len(differing),
        "only_differences": only_differences,
        "can_revert": is_admin(request.user) and can(request.user, "change", spec.model) and not obj.is_deleted,
        "as_of_url": record_url(spec, "as_of", obj, event_id=event.pk),
        "revert_url": record_url(spec, "revert", obj, event_id=event.pk),
        "errors": [],
    }


def as_of(spec: ModelSpec, request: HttpRequest, lookup: Any, event_id: int) -> HttpResponse:
    """The whole record right after ``event``, beside its current values, differences marked."""
    obj = _record(spec, request, lookup)
    event = _event_of(obj, event_id)
    return render(request, "kit/as_of.html", _as_of_context(spec, request, obj, event))


def revert(spec: ModelSpec, request: HttpRequest, lookup: Any, event_id: int) -> HttpResponse:
    """POST ``field`` (one or more) or ``all``: put those fields back to their values as of the event."""
    if not is_admin(request.user):
        raise PermissionDenied(f"Only administrators may revert {spec.plural} to an earlier state.")
    obj = _record(spec, request, lookup)
    event = _event_of(obj, event_id)
    fields = None if request.POST.get("all") else request.POST.getlist("field")
    try:
        if fields == []:
            raise ValidationError("Choose a field to revert, or revert all of them.")
        obj = writes.revert(obj, user=request.user, event=event, fields=fields)
    except ValidationError as error:
        context = _as_of_context(spec, request, obj, event)
        context["errors"] = _error_lines(spec, error)
        return render(request, "kit/as_of.html", context, status=UNPROCESSABLE)
    when = formats.date_format(timezone.localtime(event.at), "j M Y, H:i")
    what = "the record" if fields is None else ", ".join(_labels(spec, fields))
    messages.success(request, f"Reverted {what} of {spec.short_name_of(obj)} to the state of {when}.")
    page = record_url(spec, "detail", obj)
    if is_htmx(request):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = page
        return response
    return HttpResponseRedirect(page, status=303)


def _labels(spec: ModelSpec, fields: list[str]) -> list[str]:
    formatter = history.ValueFormatter(spec.model)
    return [formatter.label(name).lower() for name in fields]


def _error_lines(spec: ModelSpec, error: ValidationError) -> list[str]:
    """Each refusal as one line that names its field (``Email: Enter a valid email address.``)."""
    if not hasattr(error, "error_dict"):
        return list(error.messages)
    formatter = history.ValueFormatter(spec.model)
    lines: list[str] = []
    for name, field_messages in error.message_dict.items():
        prefix = "" if name == "__all__" else f"{formatter.label(name)}: "
        lines.extend(f"{prefix}{message}" for message in field_messages)
    return lines
