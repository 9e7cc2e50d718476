"""The deal list's filters and columns (the global list, the customer's Deals tab, the API and exports)."""

import django_filters
import django_tables2 as tables
from django.db.models import QuerySet
from django.utils.html import format_html
from django.utils.safestring import SafeString

from clientbook.core.kit.filters import SearchFilter
from clientbook.deals.models import OPEN_STAGES, Deal

# The stage badge's colour: open stages in blue shades, won green, lost grey.
STAGE_BADGES = {
    Deal.Stage.NEW: "text-bg-light border",
    Deal.Stage.QUALIFIED: "text-bg-info",
    Deal.Stage.PROPOSAL: "text-bg-primary",
    Deal.Stage.NEGOTIATION: "text-bg-warning",
    Deal.Stage.WON: "text-bg-success",
    Deal.Stage.LOST: "text-bg-secondary",
}


def stage_badge(deal: Deal) -> SafeString:
    return format_html(
        '<span class="badge {}" data-testid="stage-badge">{}</span>',
        STAGE_BADGES[Deal.Stage(deal.stage)],
        deal.get_stage_display(),
    )


# The list's and tab's chips ("All" first): a deal still in play, or how it ended.
OUTCOMES = {"open": ("Open", OPEN_STAGES), "won": ("Won", (Deal.Stage.WON,)), "lost": ("Lost", (Deal.Stage.LOST,))}


def filter_outcome(queryset: QuerySet[Deal], name: str, value: str) -> QuerySet[Deal]:
    if not value:
        return queryset
    return queryset.filter(stage__in=OUTCOMES[value][1])


class DealFilterSet(django_filters.FilterSet):
    q = SearchFilter()
    outcome = django_filters.ChoiceFilter(
        choices=[(key, label) for key, (label, _) in OUTCOMES.items()], method=filter_outcome, label="Show"
    )
    stage = django_filters.MultipleChoiceFilter(choices=Deal.Stage.choices)
    customer = django_filters.CharFilter(field_name="customer__code", lookup_expr="iexact", label="Customer code")
    owner = django_filters.CharFilter(field_name="owner__username", lookup_expr="iexact", label="Owner (user name)")
    currency = django_filters.CharFilter(lookup_expr="iexact")
    expected_close_after = django_filters.DateFilter(
        field_name="expected_close_on", lookup_expr="gte", label="Expected close from"
    )
    expected_close_before = django_filters.DateFilter(
        field_name="expected_close_on", lookup_expr="lte", label="Expected close until"
    )
    closed_after = django_filters.DateFilter(field_name="closed_on", lookup_expr="gte", label="Closed from")
    closed_before = django_filters.DateFilter(field_name="closed_on", lookup_expr="lte", label="Closed until")
    value_min = django_filters.NumberFilter(field_name="value", lookup_expr="gte", label="Value at least")
    value_max = django_filters.NumberFilter(field_name="value", lookup_expr="lte", label="Value at most")

    class Meta:
        model = Deal
        fields = [
            "q",
            "outcome",
            "stage",
            "customer",
            "owner",
            "currency",
            "expected_close_after",
            "expected_close_before",
            "closed_after",
            "closed_before",
            "value_min",
            "value_max",
        ]


AMOUNT = {"td": {"class": "text-end text-nowrap"}, "th": {"class": "text-end"}}


class DealTable(tables.Table):
    title = tables.Column(linkify=("deals:deal_detail", {"pk": tables.A("pk")}), order_by=("sort_name",))
    customer = tables.Column(accessor="customer__display_name", order_by=("customer__sort_name",))
    stage = tables.Column()
    value = tables.Column(attrs=AMOUNT)
    won_value = tables.Column(verbose_name="Won value", attrs=AMOUNT)
    expected_close_on = tables.DateColumn(verbose_name="Expected close", format="Y-m-d")
    owner = tables.Column(accessor="owner_name", order_by=("owner__username",))

    class Meta:
        model = Deal
        fields = ()
        sequence = ("title", "customer", "stage", "value", "won_value", "expected_close_on", "owner")

    def render_stage(self, record: Deal) -> SafeString:
        return stage_badge(record)

    def render_value(self, value: object, record: Deal) -> SafeString:
        return format_html('{} <span class="currency">{}</span>', f"{value:,.2f}", record.currency)

    def render_won_value(self, value: object, record: Deal) -> SafeString:
        return format_html('{} <span class="currency">{}</span>', f"{value:,.2f}", record.customer.currency)
