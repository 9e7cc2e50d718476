"""The label list's filters and columns (the spec: ``clientbook.customers.specs.LABELS``)."""

from typing import Any

import django_filters
import django_tables2 as tables
from django import forms
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.safestring import SafeString

from clientbook.core.kit.filters import SearchFilter
from clientbook.customers.models import Label
from clientbook.customers.selectors import search_labels


class LabelSearchFilter(SearchFilter):
    """``q``: part of the name, as ``label_key`` folds names (``selectors.search_labels``)."""

    def filter(self, qs: QuerySet, value: str) -> QuerySet:
        return search_labels(qs, value or "")


class LabelFilterSet(django_filters.FilterSet):
    q = LabelSearchFilter()
    # Its own ids: the label form in the modal over the list has colour buttons with the default ones.
    colour = django_filters.MultipleChoiceFilter(
        choices=Label.Colour.choices, widget=forms.CheckboxSelectMultiple(attrs={"id": "filter-colour"})
    )

    class Meta:
        model = Label
        fields = ["q", "colour"]


class LabelTable(tables.Table):
    name = tables.Column(verbose_name="Label", order_by=("name_key",))
    colour = tables.Column(order_by=("colour",))
    customers = tables.Column(
        accessor="customer_count",
        verbose_name="Customers",
        order_by=("customer_count",),
        attrs={"td": {"class": "text-end"}},
    )
    updated_at = tables.DateTimeColumn(verbose_name="Updated", format="Y-m-d")

    class Meta:
        model = Label
        fields = ()
        sequence = ("name", "colour", "customers", "updated_at")
        attrs = {
            "id": "label-table",
            "class": "table table-hover align-middle mb-0 clickable-rows",
            "data-testid": "label-table",
        }
        row_attrs = {"data-label": lambda record: record.name, "data-href": lambda record: record.get_absolute_url()}

    def render_name(self, record: Label) -> SafeString:
        return format_html(
            '<span class="badge rounded-pill text-bg-{} fs-6 fw-medium px-3">{}</span>', record.colour, record.name
        )

    def render_colour(self, record: Label) -> SafeString:
        return format_html(
            '<span class="d-inline-block rounded-circle bg-{} align-middle me-2 border" style="width: 0.9rem; '
            'height: 0.9rem" aria-hidden="true"></span>{}',
            record.colour,
            record.get_colour_display(),
        )

    def render_customers(self, value: Any, record: Label) -> SafeString:
        if not value:
            return format_html('<span class="text-body-tertiary">{}</span>', 0)
        url = f"{reverse('customers:customer_list')}?{urlencode({'label': record.name})}"
        return format_html('<a href="{}" title="Show these customers">{}</a>', url, value)
