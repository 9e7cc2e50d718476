"""A customer's History tab, the record as of any event in it, and reverting to that state.

The History tab loads as an htmx fragment into the customer page and is also a page of its own
(links work without JavaScript). Anyone who may view the customer reads its history; administrators
also read the history of deleted customers, and only they may revert. A revert goes through
``services.revert_customer``, so every rule of an edit applies and the revert is itself audited.
"""

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_POST, require_safe

from clientbook.core.models import AuditEvent, BulkOperation
from clientbook.core.permissions import can, is_admin, restrict
from clientbook.core.records import audit, history
from clientbook.core.web.editing import UNPROCESSABLE, is_htmx, permission_required
from clientbook.customers import services
from clientbook.customers.models import Customer

EVENTS_PER_PAGE = 20
PANEL_TARGET = "customer-history"

ACTION_ICONS = {
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


def _customer_for_history(request: HttpRequest, code: str) -> Customer:
    """The customer whose history ``request.user`` may read: administrators see deleted ones too."""
    manager = Customer.all_objects if is_admin(request.user) else Customer.objects
    customer = restrict(request.user, "view", manager.all()).filter(code=code.strip().upper()).first()
    if customer is None:
        raise Http404(f"No customer {code}.")
    return customer


def _event_of(customer: Customer, event_id: int) -> AuditEvent:
    event = audit.events_for(customer).filter(pk=event_id, state__isnull=False).select_related("actor").first()
    if event is None:
        raise Http404("No such event in this customer's history.")
    return event


def _operations(user: Any, events: list[AuditEvent]) -> dict[Any, str]:
    """The descriptions of the bulk operations among ``events`` by id, for who may open their pages
    (who may change customers)."""
    ids = {event.operation_id for event in events if event.operation_id}
    if not ids or not can(user, "change", Customer):
        return {}
    return dict(BulkOperation.objects.filter(pk__in=ids).values_list("pk", "description"))


def _entries(user: Any, customer: Customer, events: QuerySet[AuditEvent] | Page) -> list[HistoryEntry]:
    formatter = history.ValueFormatter(Customer)
    events = list(events)
    operations = _operations(user, events)
    return [
        HistoryEntry(
            event=event,
            actor=history.actor_text(event),
            action=event.get_action_display(),
            icon=ACTION_ICONS.get(event.action, "bi-dot"),  # type: ignore[call-overload]
            changes=history.describe_changes(event, formatter),
            as_of_url=reverse("customers:customer_as_of", kwargs={"code": customer.code, "event_id": event.pk})
            if event.state is not None
            else "",
            operation_url=reverse("operations:operation_detail", args=[event.operation_id])
            if event.operation_id in operations
            else "",
            operation_description=operations.get(event.operation_id, ""),
        )
        for event in events
    ]


@require_safe
@permission_required("view", Customer)
def customer_history(request: HttpRequest, code: str) -> HttpResponse:
    """Newest first, a page at a time: the whole page, the tab's panel, or (for "older") just more entries."""
    customer = _customer_for_history(request, code)
    paginator = Paginator(audit.events_for(customer).select_related("actor"), EVENTS_PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    history_url = reverse("customers:customer_history", kwargs={"code": customer.code})
    context = {
        "customer": customer,
        "entries": _entries(request.user, customer, page),
        "page": page,
        "history_url": history_url,
        "next_url": f"{history_url}?page={page.next_page_number()}" if page.has_next() else "",
        "total": paginator.count,
    }
    template = "customers/customer_history.html"
    htmx = getattr(request, "htmx", None)
    if htmx and not htmx.history_restore_request:
        template += "#entries" if page.number > 1 else "#panel"
    response = render(request, template, context)
    patch_vary_headers(response, ("HX-Request",))
    return response


def _as_of_context(request: HttpRequest, customer: Customer, event: AuditEvent) -> dict[str, Any]:
    spec = audit.spec_for(Customer)
    formatter = history.ValueFormatter(Customer)
    rows = history.compare(spec, history.recorded_state(event), audit.snapshot(customer), formatter)
    only_differences = request.GET.get("show") == "differences"
    differing = [row for row in rows if row.differs and row.revertable]
    return {
        "customer": customer,
        "event": event,
        "actor": history.actor_text(event),
        "rows": [row for row in rows if row.differs] if only_differences else rows,
        "differing_count": len(differing),
        "only_differences": only_differences,
        "can_revert": is_admin(request.user) and can(request.user, "change", Customer) and not customer.is_deleted,
        "history_url": reverse("customers:customer_history", kwargs={"code": customer.code}),
        "as_of_url": reverse("customers:customer_as_of", kwargs={"code": customer.code, "event_id": event.pk}),
        "revert_url": reverse("customers:customer_revert", kwargs={"code": customer.code, "event_id": event.pk}),
        "errors": [],
    }


@require_safe
@permission_required("view", Customer)
def customer_as_of(request: HttpRequest, code: str, event_id: int) -> HttpResponse:
    """The whole record right after ``event``, beside its current values, differences marked."""
    customer = _customer_for_history(request, code)
    event = _event_of(customer, event_id)
    return render(request, "customers/customer_as_of.html", _as_of_context(request, customer, event))


@require_POST
@permission_required("change", Customer)
def customer_revert(request: HttpRequest, code: str, event_id: int) -> HttpResponse:
    """POST ``field`` (one or more) or ``all``: put those fields back to their values as of the event."""
    if not is_admin(request.user):
        raise PermissionDenied("Only administrators may revert a customer to an earlier state.")
    customer = _customer_for_history(request, code)
    event = _event_of(customer, event_id)
    fields = None if request.POST.get("all") else request.POST.getlist("field")
    try:
        if fields == []:
            raise ValidationError("Choose a field to revert, or revert all of them.")
        services.revert_customer(user=request.user, customer=customer, event=event, fields=fields)
    except ValidationError as error:
        context = _as_of_context(request, customer, event)
        context["errors"] = _error_lines(error)
        return render(request, "customers/customer_as_of.html", context, status=UNPROCESSABLE)
    when = formats.date_format(timezone.localtime(event.at), "j M Y, H:i")
    what = "the record" if fields is None else ", ".join(_labels(fields))
    messages.success(request, f"Reverted {what} of {customer.code} to the state of {when}.")
    if is_htmx(request):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = customer.get_absolute_url()
        return response
    return HttpResponseRedirect(customer.get_absolute_url(), status=303)


def _labels(fields: list[str]) -> list[str]:
    formatter = history.ValueFormatter(Customer)
    return [formatter.label(name).lower() for name in fields]


def _error_lines(error: ValidationError) -> list[str]:
    """Each refusal as one line that names its field (``Email: Enter a valid email address.``)."""
    if not hasattr(error, "error_dict"):
        return list(error.messages)
    formatter = history.ValueFormatter(Customer)
    lines = []
    for name, field_messages in error.message_dict.items():
        prefix = "" if name == "__all__" else f"{formatter.label(name)}: "
        lines.extend(f"{prefix}{message}" for message in field_messages)
    return lines
