"""The activity list's filters and columns; ``group`` is the timeline's filter chips."""

import django_filters
import django_tables2 as tables
from django.db.models import QuerySet

from clientbook.activities.models import Activity
from clientbook.core.kit.filters import SearchFilter

Type = Activity.Type
# The timeline's chips: a group of types each (the "All" chip is no group).
GROUPS = {
    "communication": ("Communication", (Type.CALL, Type.EMAIL, Type.MEETING, Type.WHATSAPP)),
    "notes": ("Notes", (Type.NOTE,)),
    "changes": ("Changes", (Type.STATUS_CHANGE, Type.TICKET_UPDATE, Type.SYSTEM)),
    "deals": ("Deals", (Type.DEAL_UPDATE,)),
}


def filter_group(queryset: QuerySet[Activity], name: str, value: str) -> QuerySet[Activity]:
    if not value:
        return queryset
    return queryset.filter(type__in=GROUPS[value][1])


def filter_customer(queryset: QuerySet[Activity], name: str, value: str) -> QuerySet[Activity]:
    """A code in its stored form (upper case): equal, so the code's index finds the customer and the
    timeline's index its entries (``iexact`` would compare every customer's code)."""
    if not value:
        return queryset
    return queryset.filter(customer__code=value.strip().upper())


def filter_lead(queryset: QuerySet[Activity], name: str, value: str) -> QuerySet[Activity]:
    if not value:
        return queryset
    return queryset.filter(lead__code=value.strip().upper())


def filter_ticket(queryset: QuerySet[Activity], name: str, value: str) -> QuerySet[Activity]:
    """The entries of one ticket, by its number in its stored form (``tck0000001`` finds TCK0000001)."""
    if not value:
        return queryset
    return queryset.filter(ticket__code=value.strip().upper())


class ActivityFilterSet(django_filters.FilterSet):
    q = SearchFilter()
    group = django_filters.ChoiceFilter(
        choices=[(key, label) for key, (label, _) in GROUPS.items()], method=filter_group, label="Show"
    )
    customer = django_filters.CharFilter(method=filter_customer, label="Customer code")
    lead = django_filters.CharFilter(method=filter_lead, label="Lead code")
    type = django_filters.MultipleChoiceFilter(choices=Type.choices)
    author = django_filters.CharFilter(field_name="author__username", lookup_expr="iexact", label="Author (user name)")
    direction = django_filters.ChoiceFilter(choices=Activity.Direction.choices)
    outcome = django_filters.MultipleChoiceFilter(choices=Activity.Outcome.choices)
    ticket = django_filters.CharFilter(method=filter_ticket, label="Ticket number")
    occurred_after = django_filters.IsoDateTimeFilter(
        field_name="occurred_at", lookup_expr="gte", label="Occurred after"
    )
    occurred_before = django_filters.IsoDateTimeFilter(
        field_name="occurred_at", lookup_expr="lte", label="Occurred before"
    )

    class Meta:
        model = Activity
        fields = [
            "q",
            "group",
            "customer",
            "lead",
            "type",
            "author",
            "direction",
            "outcome",
            "ticket",
            "occurred_after",
            "occurred_before",
        ]


class TimelineFilterSet(ActivityFilterSet):
    """One customer's timeline (``GET /api/v1/customers/{code}/timeline``): the customer is the path's."""

    customer = None  # type: ignore[assignment]

    class Meta(ActivityFilterSet.Meta):
        fields = [name for name in ActivityFilterSet.Meta.fields if name != "customer"]


class CallFilterSet(ActivityFilterSet):
    """A customer's Calls tab: its calls (the type is the tab's) by direction, outcome, date range, author
    or a search; the timeline's chips and the other types' filters do not apply."""

    group = None  # type: ignore[assignment]
    lead = None  # type: ignore[assignment]
    ticket = None  # type: ignore[assignment]

    class Meta(ActivityFilterSet.Meta):
        fields = [name for name in ActivityFilterSet.Meta.fields if name not in ("group", "lead", "ticket")]


class ActivityTable(tables.Table):
    occurred_at = tables.DateTimeColumn(verbose_name="When", format="Y-m-d H:i", order_by=("occurred_at", "id"))
    type = tables.Column()
    title = tables.Column(linkify=("activities:activity_detail", {"pk": tables.A("pk")}), order_by=("sort_name",))
    customer = tables.Column(accessor="customer__display_name", order_by=("customer__sort_name",))
    lead = tables.Column(accessor="lead__name", order_by=("lead__sort_name",))
    author = tables.Column(accessor="author_name", order_by=("author__username",))
    outcome = tables.Column()

    class Meta:
        model = Activity
        fields = ()
        sequence = ("occurred_at", "type", "title", "customer", "lead", "author", "outcome")
