"""The lead list's filters and columns (the list page, ``GET /api/v1/leads``, exports)."""

import django_filters
import django_tables2 as tables
from django.utils.html import format_html
from django.utils.safestring import SafeString

from clientbook.core.kit.filters import SearchFilter
from clientbook.leads.models import Lead

STATUS_BADGES = {
    Lead.Status.NEW: "text-bg-primary",
    Lead.Status.CONTACTED: "text-bg-info",
    Lead.Status.QUALIFIED: "text-bg-warning",
    Lead.Status.UNQUALIFIED: "text-bg-secondary",
    Lead.Status.CONVERTED: "text-bg-success",
}


def status_badge(lead: Lead) -> SafeString:
    return format_html(
        '<span class="badge {}" data-testid="lead-status">{}</span>',
        STATUS_BADGES[Lead.Status(lead.status)],
        lead.get_status_display(),
    )


class LeadFilterSet(django_filters.FilterSet):
    q = SearchFilter()
    status = django_filters.MultipleChoiceFilter(choices=Lead.Status.choices)
    source = django_filters.MultipleChoiceFilter(choices=Lead.Source.choices)
    assignee = django_filters.CharFilter(
        field_name="assignee__username", lookup_expr="iexact", label="Assignee (user name)"
    )
    company = django_filters.CharFilter(lookup_expr="icontains")
    created_after = django_filters.DateFilter(field_name="created_at", lookup_expr="date__gte", label="Created from")
    created_before = django_filters.DateFilter(field_name="created_at", lookup_expr="date__lte", label="Created until")
    converted_after = django_filters.DateFilter(
        field_name="converted_at", lookup_expr="date__gte", label="Converted from"
    )
    converted_before = django_filters.DateFilter(
        field_name="converted_at", lookup_expr="date__lte", label="Converted until"
    )

    class Meta:
        model = Lead
        fields = [
            "q",
            "status",
            "source",
            "assignee",
            "company",
            "created_after",
            "created_before",
            "converted_after",
            "converted_before",
        ]


class LeadTable(tables.Table):
    code = tables.Column(linkify=("leads:lead_detail", {"code": tables.A("code")}))
    name = tables.Column(order_by=("sort_name",))
    company = tables.Column()
    # A number broken over two lines reads as two numbers.
    mobile = tables.Column(attrs={"td": {"class": "text-nowrap"}})
    email = tables.Column()
    source = tables.Column()
    status = tables.Column()
    assignee = tables.Column(accessor="assignee_name", order_by=("assignee__username",))
    customer = tables.Column(verbose_name="Customer", accessor="customer__code", order_by=("customer__code",))
    created_at = tables.DateTimeColumn(verbose_name="Created", format="Y-m-d", order_by=("created_at", "id"))

    class Meta:
        model = Lead
        fields = ()
        sequence = (
            "code",
            "name",
            "company",
            "mobile",
            "email",
            "source",
            "status",
            "assignee",
            "customer",
            "created_at",
        )

    def render_status(self, record: Lead) -> SafeString:
        return status_badge(record)
