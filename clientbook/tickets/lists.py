"""The ticket list's filters and columns (the global list, the customer's Tickets tab, the API and exports)."""

import django_filters
import django_tables2 as tables
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString

from clientbook.core.kit.filters import SearchFilter
from clientbook.tickets.models import DONE_STATUSES, OPEN_STATUSES, Ticket

STATUS_BADGES = {
    Ticket.Status.OPEN: "text-bg-primary",
    Ticket.Status.PENDING: "text-bg-warning",
    Ticket.Status.RESOLVED: "text-bg-success",
    Ticket.Status.CLOSED: "text-bg-secondary",
}
PRIORITY_BADGES = {
    Ticket.Priority.LOW: "text-body-secondary bg-body-tertiary border",
    Ticket.Priority.NORMAL: "text-body bg-body-tertiary border",
    Ticket.Priority.HIGH: "text-warning-emphasis bg-warning-subtle",
    Ticket.Priority.URGENT: "text-bg-danger",
}


def status_badge(ticket: Ticket) -> SafeString:
    return format_html(
        '<span class="badge {}" data-testid="ticket-status">{}</span>',
        STATUS_BADGES[Ticket.Status(ticket.status)],
        ticket.get_status_display(),
    )


def priority_badge(ticket: Ticket) -> SafeString:
    return format_html(
        '<span class="badge rounded-pill {}" data-testid="ticket-priority">{}</span>',
        PRIORITY_BADGES[Ticket.Priority(ticket.priority)],
        ticket.get_priority_display(),
    )


def is_overdue(ticket: Ticket) -> bool:
    return ticket.is_open and ticket.due_at is not None and ticket.due_at < timezone.now()


# The list's and tab's chips ("All" first).
SHOW = {"open": "Open", "overdue": "Overdue", "done": "Resolved or closed"}


def filter_show(queryset: QuerySet[Ticket], name: str, value: str) -> QuerySet[Ticket]:
    if value == "open":
        return queryset.filter(status__in=OPEN_STATUSES)
    if value == "overdue":
        return queryset.filter(status__in=OPEN_STATUSES, due_at__lt=timezone.now())
    if value == "done":
        return queryset.filter(status__in=DONE_STATUSES)
    return queryset


def filter_customer(queryset: QuerySet[Ticket], name: str, value: str) -> QuerySet[Ticket]:
    """A code in its stored form (upper case): equal, so the code's index finds the customer."""
    if not value:
        return queryset
    return queryset.filter(customer__code=value.strip().upper())


def filter_assignee(queryset: QuerySet[Ticket], name: str, value: str) -> QuerySet[Ticket]:
    """A user name in any case; ``none``: the tickets nobody is assigned."""
    if not value:
        return queryset
    if value.strip().lower() == "none":
        return queryset.filter(assignee__isnull=True)
    return queryset.filter(assignee__username__iexact=value.strip())


class TicketFilterSet(django_filters.FilterSet):
    q = SearchFilter()
    show = django_filters.ChoiceFilter(choices=list(SHOW.items()), method=filter_show, label="Show")
    status = django_filters.MultipleChoiceFilter(choices=Ticket.Status.choices)
    priority = django_filters.MultipleChoiceFilter(choices=Ticket.Priority.choices)
    assignee = django_filters.CharFilter(method=filter_assignee, label="Assignee (user name, or none)")
    customer = django_filters.CharFilter(method=filter_customer, label="Customer code")
    due_after = django_filters.IsoDateTimeFilter(field_name="due_at", lookup_expr="gte", label="Due from")
    due_before = django_filters.IsoDateTimeFilter(field_name="due_at", lookup_expr="lte", label="Due until")

    class Meta:
        model = Ticket
        fields = ["q", "show", "status", "priority", "assignee", "customer", "due_after", "due_before"]


class TicketTable(tables.Table):
    code = tables.Column(verbose_name="Number", linkify=("tickets:ticket_detail", {"code": tables.A("code")}))
    subject = tables.Column(order_by=("sort_name",))
    status = tables.Column()
    priority = tables.Column(order_by=("priority_rank",))
    customer = tables.Column(accessor="customer__display_name", order_by=("customer__sort_name",))
    assignee = tables.Column(accessor="assignee_name", order_by=("assignee__username",))
    due_at = tables.DateTimeColumn(verbose_name="Due", format="Y-m-d H:i")
    updated_at = tables.DateTimeColumn(verbose_name="Updated", format="Y-m-d H:i")

    class Meta:
        model = Ticket
        fields = ()
        sequence = ("code", "subject", "status", "priority", "customer", "assignee", "due_at", "updated_at")

    def render_status(self, record: Ticket) -> SafeString:
        return status_badge(record)

    def render_priority(self, record: Ticket) -> SafeString:
        return priority_badge(record)

    def render_due_at(self, value: object, record: Ticket) -> SafeString:
        text = timezone.localtime(record.due_at).strftime("%Y-%m-%d %H:%M") if record.due_at else ""
        if is_overdue(record):
            return format_html('<span class="text-danger fw-semibold" title="Overdue">{}</span>', text)
        return format_html("{}", text)
