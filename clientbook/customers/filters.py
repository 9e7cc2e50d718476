"""One FilterSet serves the list page, its advanced-search panel, the API and exports."""

from datetime import datetime, time, timedelta
from typing import Any

import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.utils import timezone
from django_countries import countries

from clientbook.core.listing.search import digits, normalise
from clientbook.core.sequences import CODE_WIDTH, code_number
from clientbook.customers.models import CODE_PREFIX, Customer, Label
from clientbook.customers.selectors import search_customers

# Longest text a search or text filter takes: every word becomes a condition, and thousands of them
# outgrow the databases' limits (SQLite: expression depth 1,000, LIKE patterns 50,000 bytes).
SEARCH_TEXT_MAX_LENGTH = 200
# The digits a code can hold: the code column's width less the prefix.
CODE_DIGITS: int = Customer._meta.get_field("code").max_length - len(CODE_PREFIX)  # type: ignore[operator]


class CodeField(forms.CharField):
    """A customer code: ``CUST0000010``, ``cust10`` or ``10``, cleaned to its number.

    The length is checked before the digits become a number: a code has at most ``CODE_DIGITS``
    digits, and Python refuses to convert more than 4,300 at all.
    """

    def to_python(self, value: Any) -> int | None:  # type: ignore[override]
        text = super().to_python(value)
        if not text:
            return None
        digits_part = text.upper().removeprefix(CODE_PREFIX)
        if len(digits_part) > CODE_DIGITS:
            raise forms.ValidationError(
                f"A customer code has at most {CODE_DIGITS} digits after {CODE_PREFIX}; this one has "
                f"{len(digits_part):,} characters.",
                code="too_long",
            )
        number = code_number(text, CODE_PREFIX)
        if number is None:
            raise forms.ValidationError(f"“{text}” is not a customer code.", code="invalid")
        return number


class CodeFilter(django_filters.CharFilter):
    """A bound on the code, from a ``CodeField``'s number."""

    field_class = CodeField

    def filter(self, qs: QuerySet, value: int | None) -> QuerySet:
        if value is None:
            return qs
        return qs.filter(**{f"code__{self.lookup_expr}": f"{CODE_PREFIX}{value:0{CODE_WIDTH}d}"})


class DayBoundFilter(django_filters.DateFilter):
    """A date bound on a timestamp: ``after`` from the day's start, ``before`` to the day's end."""

    def filter(self, qs: QuerySet, value: Any) -> QuerySet:
        if not value:
            return qs
        bound = time.min if self.lookup_expr == "gte" else time.max
        moment = timezone.make_aware(datetime.combine(value, bound))
        return qs.filter(**{f"{self.field_name}__{self.lookup_expr}": moment})


# "No activity in the last N days" takes up to a century.
MAX_INACTIVE_DAYS = 36_500


class DaysFilter(django_filters.NumberFilter):
    """A whole number of days, from 1 to ``MAX_INACTIVE_DAYS``."""

    field_class = forms.IntegerField


class CustomerFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_search", label="Search", max_length=SEARCH_TEXT_MAX_LENGTH)
    code_min = CodeFilter(field_name="code", lookup_expr="gte", label="Code from")
    code_max = CodeFilter(field_name="code", lookup_expr="lte", label="Code to")
    name = django_filters.CharFilter(method="filter_name", label="Name", max_length=SEARCH_TEXT_MAX_LENGTH)
    phone = django_filters.CharFilter(method="filter_phone", label="Phone", max_length=SEARCH_TEXT_MAX_LENGTH)
    address = django_filters.CharFilter(
        method="filter_address", label="Address keywords", max_length=SEARCH_TEXT_MAX_LENGTH
    )
    country = django_filters.ChoiceFilter(choices=list(countries), label="Country")
    balance_min = django_filters.NumberFilter(field_name="balance", lookup_expr="gte", label="Balance from")
    balance_max = django_filters.NumberFilter(field_name="balance", lookup_expr="lte", label="Balance to")
    # distinct=False: status is a column of the row, and DISTINCT would make every count and page
    # compare whole rows instead of walking an index.
    status = django_filters.MultipleChoiceFilter(choices=Customer.Status.choices, label="Status", distinct=False)
    kind = django_filters.ChoiceFilter(choices=Customer.Kind.choices, label="Kind")
    label = django_filters.ModelMultipleChoiceFilter(
        field_name="labels__name",
        to_field_name="name",
        queryset=Label.objects.all(),
        method="filter_labels",
        label="Labels",
    )
    officer = django_filters.ModelChoiceFilter(
        to_field_name="username",
        queryset=get_user_model().objects.filter(is_active=True).order_by("username"),
        label="Relationship officer",
    )
    organization = django_filters.ModelChoiceFilter(
        to_field_name="code",
        queryset=Customer.objects.filter(kind=Customer.Kind.ORGANIZATION),
        label="Organization",
    )
    created_after = DayBoundFilter(field_name="created_at", lookup_expr="gte", label="Created from")
    created_before = DayBoundFilter(field_name="created_at", lookup_expr="lte", label="Created to")
    updated_after = DayBoundFilter(field_name="updated_at", lookup_expr="gte", label="Updated from")
    updated_before = DayBoundFilter(field_name="updated_at", lookup_expr="lte", label="Updated to")
    # The customer's newest timeline entry (kept by the activities' services; customers/0014 indexes it).
    inactive_days = DaysFilter(
        method="filter_inactive",
        label="No activity in the last N days",
        min_value=1,
        max_value=MAX_INACTIVE_DAYS,
    )
    last_activity_after = DayBoundFilter(field_name="last_activity_at", lookup_expr="gte", label="Last activity from")
    last_activity_before = DayBoundFilter(field_name="last_activity_at", lookup_expr="lte", label="Last activity to")
    client_id = django_filters.CharFilter(method="filter_client_id", label="Client ID", max_length=40)
    # The broker's date tracking: when the account was opened and activated, and when a lead became the customer.
    account_opened_after = django_filters.DateFilter(
        field_name="account_opened_on", lookup_expr="gte", label="Account opened from"
    )
    account_opened_before = django_filters.DateFilter(
        field_name="account_opened_on", lookup_expr="lte", label="Account opened to"
    )
    activated_after = django_filters.DateFilter(field_name="activated_on", lookup_expr="gte", label="Activated from")
    activated_before = django_filters.DateFilter(field_name="activated_on", lookup_expr="lte", label="Activated to")
    converted_after = DayBoundFilter(
        field_name="lead__converted_at", lookup_expr="gte", label="Converted from lead from"
    )
    converted_before = DayBoundFilter(
        field_name="lead__converted_at", lookup_expr="lte", label="Converted from lead to"
    )

    class Meta:
        model = Customer
        fields: list[str] = []

    def search(self, queryset: QuerySet, value: str) -> QuerySet:
        """Every search-based filter goes through here (live customers: the search index)."""
        return search_customers(queryset, value)

    def filter_search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return self.search(queryset, value)

    def filter_client_id(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        """The whole client ID as stored (the unique index finds it)."""
        return queryset.filter(client_id=value.strip()) if value.strip() else queryset

    def filter_name(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        for term in normalise(value).split():
            queryset = self.search(queryset, term).filter(sort_name__contains=term)
        return queryset

    def filter_phone(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        number = digits(value)
        if not number:
            raise forms.ValidationError("A phone number needs digits.")
        return self.search(queryset, number)

    def filter_address(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        for term in value.split():
            queryset = self.search(queryset, term).filter(
                Q(street__icontains=term)
                | Q(city__icontains=term)
                | Q(state__icontains=term)
                | Q(postal_code__icontains=term)
                | Q(country__iexact=term)
            )
        return queryset

    def filter_inactive(self, queryset: QuerySet, name: str, value: int | None) -> QuerySet:
        """Customers whose last entry is older than ``value`` days, or who have none; one exactly
        ``value`` days old still counts as activity in those days."""
        if not value:
            return queryset
        since = timezone.now() - timedelta(days=value)
        return queryset.filter(Q(last_activity_at__lt=since) | Q(last_activity_at__isnull=True))

    def filter_labels(self, queryset: QuerySet, name: str, value: Any) -> QuerySet:
        if not value:
            return queryset
        tagged = Customer.labels.through.objects.filter(label__in=value).values("customer_id")
        return queryset.filter(pk__in=tagged)


class CustomerFilterSetWithDeleted(CustomerFilterSet):
    """The same filters over live and deleted customers (the API's ``include_deleted``, for administrators).

    Deleted rows are outside the search index, so a search matches them by their document's text.
    """

    def search(self, queryset: QuerySet, value: str) -> QuerySet:
        return search_customers(queryset, value, include_deleted=True)
