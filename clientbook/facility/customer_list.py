"""What the facility adds to the customer list through the kit's ``extend_list``: filters by access card
status, presence, last visit and entries or exits in a period, and the columns Last visit and Inside now.

A visit is an entry. Dates are days at the site (``CLIENTBOOK_SITE_TIME_ZONE``), as the gate reads a
card's validity. The filters are subqueries on the cards, presence and events (each has the customer's
index); the columns read the page's customers only. Card status is for who may view access cards,
presence and visits for who may view events.
"""

import datetime as dt
from collections.abc import Mapping
from typing import Any

import django_filters
from django import forms
from django.db.models import Exists, Max, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.html import format_html_join

from clientbook.core.kit.list_extensions import ListExtension, PageValuesColumn, extend_list
from clientbook.core.permissions import can
from clientbook.customers.specs import CUSTOMERS
from clientbook.facility.lists import cards_in_state
from clientbook.facility.models import AccessCard, Event, Presence
from clientbook.facility.selectors import site_time
from clientbook.facility.validity import site_day_end, site_day_start

CARD_STATUSES = {
    "active": "Active card",
    "expiring": "Expiring soon",
    "expired": "Expired",
    "none": "No card",
}
DEFAULT_EXPIRING_DAYS = 30
MAX_EXPIRING_DAYS = 3650


def _has(cards: QuerySet[AccessCard]) -> Exists:
    return Exists(cards.filter(customer=OuterRef("pk")))


def with_card_status(customers: QuerySet, status: str, *, expiring_days: int | None = None) -> QuerySet:
    """Active: a card valid now. Expiring: valid now, but every valid card ends within ``expiring_days``
    (30 unless given). Expired: no valid card, and one whose validity has ended. None: no card (a
    deleted card is none)."""
    cards = AccessCard.objects.all()
    valid = cards_in_state(cards, "valid")
    if status == "active":
        return customers.filter(_has(valid))
    if status == "expiring":
        horizon = timezone.now() + dt.timedelta(days=expiring_days or DEFAULT_EXPIRING_DAYS)
        lasting = valid.filter(Q(valid_until__isnull=True) | Q(valid_until__gt=horizon))
        return customers.filter(_has(valid)).exclude(_has(lasting))
    if status == "expired":
        return customers.filter(_has(cards_in_state(cards, "expired"))).exclude(_has(valid))
    return customers.exclude(_has(cards))


class CardStatusFilter(django_filters.ChoiceFilter):
    """The card status; "expiring" reads the days of ``card_expiring_days`` beside it in the same form."""

    def filter(self, qs: QuerySet, value: Any) -> QuerySet:
        if not value:
            return qs
        return with_card_status(qs, value, expiring_days=self.parent.form.cleaned_data.get("card_expiring_days"))


class ExpiringDaysFilter(django_filters.NumberFilter):
    """Only a bound of "Expiring soon": it filters nothing by itself."""

    field_class = forms.IntegerField

    def filter(self, qs: QuerySet, value: Any) -> QuerySet:
        return qs


def filter_inside(customers: QuerySet, name: str, value: bool | None) -> QuerySet:
    if value is None:
        return customers
    inside = Exists(Presence.objects.filter(customer=OuterRef("pk"), inside=True))
    return customers.filter(inside) if value else customers.exclude(inside)


def _last_visits() -> QuerySet:
    return (
        Event.objects.filter(kind=Event.Kind.ENTRY, customer__isnull=False).values("customer").annotate(last=Max("at"))
    )


def filter_last_visit_after(customers: QuerySet, name: str, value: dt.date | None) -> QuerySet:
    start = site_day_start(value) if value else None
    if start is None:
        return customers
    return customers.filter(pk__in=_last_visits().filter(last__gte=start).values("customer"))


def filter_last_visit_before(customers: QuerySet, name: str, value: dt.date | None) -> QuerySet:
    end = site_day_end(value) if value else None
    if end is None:
        return customers
    return customers.filter(pk__in=_last_visits().filter(last__lt=end).values("customer"))


class VisitedFilter(django_filters.DateFilter):
    """Customers with an entry or an exit in the period. Its two bounds are one condition (an exit in
    January and an entry in March are not an event in February), so the "from" filter applies both and
    the "to" filter applies itself only when alone."""

    def filter(self, qs: QuerySet, value: Any) -> QuerySet:
        data = self.parent.form.cleaned_data
        after, before = data.get("visited_after"), data.get("visited_before")
        if not value or (self.field_name == "visited_before" and after):
            return qs
        events = Event.objects.filter(kind__in=(Event.Kind.ENTRY, Event.Kind.EXIT), customer=OuterRef("pk"))
        start = site_day_start(after) if after else None
        end = site_day_end(before) if before else None
        if start is not None:
            events = events.filter(at__gte=start)
        if end is not None:
            events = events.filter(at__lt=end)
        return qs.filter(Exists(events))


def last_visits(pks: list[Any]) -> Mapping[Any, str]:
    rows = _last_visits().filter(customer__in=pks).values_list("customer", "last")
    return {customer: site_time(last) for customer, last in rows}


def zones_inside(pks: list[Any]) -> Mapping[Any, list[str]]:
    zones: dict[Any, list[str]] = {}
    rows = (
        Presence.objects.filter(inside=True, customer__in=pks)
        .order_by("zone__name")
        .values_list("customer", "zone__name")
    )
    for customer, zone in rows:
        if zone not in zones.setdefault(customer, []):
            zones[customer].append(zone)
    return zones


class InsideNowColumn(PageValuesColumn):
    def render_value(self, value: list[str]) -> Any:
        return format_html_join(
            " ", '<span class="badge text-bg-success" data-testid="inside-zone">{}</span>', ((zone,) for zone in value)
        )


def may_view_cards(user: Any) -> bool:
    return can(user, "view", AccessCard)


def may_view_events(user: Any) -> bool:
    return can(user, "view", Event)


CARD_STATUS = ListExtension(
    filters={
        "card_status": CardStatusFilter(choices=list(CARD_STATUSES.items()), label="Access card"),
        "card_expiring_days": ExpiringDaysFilter(
            label="Expiring within (days)",
            min_value=1,
            max_value=MAX_EXPIRING_DAYS,
            help_text=f"With “Expiring soon”; {DEFAULT_EXPIRING_DAYS} unless given.",
        ),
    },
    shown_to=may_view_cards,
)

PRESENCE_AND_VISITS = ListExtension(
    filters={
        "inside": django_filters.BooleanFilter(method=filter_inside, label="Currently inside"),
        "last_visit_after": django_filters.DateFilter(method=filter_last_visit_after, label="Last visit from"),
        "last_visit_before": django_filters.DateFilter(method=filter_last_visit_before, label="Last visit to"),
        "visited_after": VisitedFilter(field_name="visited_after", label="Entry or exit from"),
        "visited_before": VisitedFilter(field_name="visited_before", label="Entry or exit to"),
    },
    columns={
        "last_visit": PageValuesColumn(last_visits, verbose_name="Last visit", attrs={"td": {"class": "text-nowrap"}}),
        "inside_now": InsideNowColumn(zones_inside, verbose_name="Inside now"),
    },
    shown_to=may_view_events,
)

extend_list(CUSTOMERS, CARD_STATUS)
extend_list(CUSTOMERS, PRESENCE_AND_VISITS)
