"""The lists' filters and columns: vehicles, access cards, zones and devices (pages, tabs, API, exports)."""

import django_filters
import django_tables2 as tables
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString

from clientbook.core.kit.filters import SearchFilter
from clientbook.facility.models import AccessCard, Device, Vehicle, Zone
from clientbook.facility.plates import folded_plate
from clientbook.facility.validity import card_refusal

# Dates and times on one line (a wrapped one makes a row three lines tall on a phone).
MOMENT = {"td": {"class": "text-nowrap"}}

# --- Vehicles ------------------------------------------------------------------------------------


def filter_plate(queryset: QuerySet[Vehicle], name: str, value: str) -> QuerySet[Vehicle]:
    """A plate as someone typed or read it: spaces, dashes and O/0, I/1 confusions still find it."""
    folded = folded_plate(value)
    return queryset.filter(plate_folded__contains=folded) if folded else queryset


class VehicleFilterSet(django_filters.FilterSet):
    q = SearchFilter()
    plate = django_filters.CharFilter(method=filter_plate, label="Plate")
    customer = django_filters.CharFilter(field_name="customer__code", lookup_expr="iexact", label="Customer code")
    brand = django_filters.CharFilter(lookup_expr="iexact")
    model_name = django_filters.CharFilter(lookup_expr="iexact", label="Model")
    colour = django_filters.CharFilter(lookup_expr="iexact")
    year = django_filters.NumberFilter()
    tags = django_filters.CharFilter(lookup_expr="icontains", label="Tag")

    class Meta:
        model = Vehicle
        fields = ["q", "plate", "customer", "brand", "model_name", "colour", "year", "tags"]


class VehicleTable(tables.Table):
    plate = tables.Column(linkify=("vehicles:vehicle_detail", {"pk": tables.A("pk")}), order_by=("plate_number",))
    customer = tables.Column(accessor="customer__display_name", order_by=("customer__sort_name",))
    brand = tables.Column()
    model_name = tables.Column(verbose_name="Model")
    year = tables.Column()
    colour = tables.Column()
    tags = tables.Column(orderable=False)

    class Meta:
        model = Vehicle
        fields = ()
        sequence = ("plate", "customer", "brand", "model_name", "year", "colour", "tags")


# --- Access cards --------------------------------------------------------------------------------

CARD_STATES = {
    "valid": "Valid now",
    "not_yet_valid": "Not yet valid",
    "expired": "Expired",
    "inactive": "Inactive",
    "revoked": "Revoked",
}


def cards_in_state(queryset: QuerySet[AccessCard], state: str) -> QuerySet[AccessCard]:
    now = timezone.now()
    usable = Q(is_active=True, revoked_at__isnull=True)
    started = Q(valid_from__isnull=True) | Q(valid_from__lte=now)
    unexpired = Q(valid_until__isnull=True) | Q(valid_until__gt=now)
    conditions = {
        "valid": usable & started & unexpired,
        "not_yet_valid": usable & Q(valid_from__gt=now),
        "expired": usable & Q(valid_until__lte=now),
        "inactive": Q(is_active=False, revoked_at__isnull=True),
        "revoked": Q(revoked_at__isnull=False),
    }
    return queryset.filter(conditions[state])


def filter_card_state(queryset: QuerySet[AccessCard], name: str, value: str) -> QuerySet[AccessCard]:
    return cards_in_state(queryset, value) if value else queryset


class AccessCardFilterSet(django_filters.FilterSet):
    q = SearchFilter()
    state = django_filters.ChoiceFilter(choices=list(CARD_STATES.items()), method=filter_card_state, label="State")
    customer = django_filters.CharFilter(field_name="customer__code", lookup_expr="iexact", label="Customer code")
    card_number = django_filters.CharFilter(lookup_expr="icontains")
    username = django_filters.CharFilter(lookup_expr="iexact")
    zone = django_filters.CharFilter(field_name="allowed_zones__name", lookup_expr="iexact", label="Allowed zone")
    valid_until_before = django_filters.DateTimeFilter(
        field_name="valid_until", lookup_expr="lt", label="Valid until before"
    )
    valid_until_after = django_filters.DateTimeFilter(
        field_name="valid_until", lookup_expr="gte", label="Valid until from"
    )

    class Meta:
        model = AccessCard
        fields = [
            "q",
            "state",
            "customer",
            "card_number",
            "username",
            "zone",
            "valid_until_before",
            "valid_until_after",
        ]


def card_state(card: AccessCard) -> str:
    refusal = card_refusal(card, timezone.now())
    return "valid" if refusal is None else refusal.removeprefix("card_")


STATE_BADGES = {
    "valid": "text-bg-success",
    "not_yet_valid": "text-bg-info",
    "expired": "text-bg-secondary",
    "inactive": "text-bg-warning",
    "revoked": "text-bg-danger",
}


def state_badge(card: AccessCard) -> SafeString:
    state = card_state(card)
    return format_html(
        '<span class="badge {}" data-testid="card-state">{}</span>', STATE_BADGES[state], CARD_STATES[state]
    )


class AccessCardTable(tables.Table):
    card_number = tables.Column(
        linkify=("access-cards:accesscard_detail", {"pk": tables.A("pk")}), order_by=("sort_name",)
    )
    customer = tables.Column(accessor="customer__display_name", order_by=("customer__sort_name",))
    username = tables.Column()
    state = tables.Column(accessor="pk", verbose_name="State", orderable=False)
    valid_from = tables.DateTimeColumn(format="Y-m-d H:i", attrs=MOMENT)
    valid_until = tables.DateTimeColumn(format="Y-m-d H:i", attrs=MOMENT)
    last_used_at = tables.DateTimeColumn(verbose_name="Last used", format="Y-m-d H:i", attrs=MOMENT)

    class Meta:
        model = AccessCard
        fields = ()
        sequence = ("card_number", "customer", "username", "state", "valid_from", "valid_until", "last_used_at")

    def render_state(self, record: AccessCard) -> SafeString:
        return state_badge(record)


# --- Zones and devices ---------------------------------------------------------------------------


class ZoneFilterSet(django_filters.FilterSet):
    q = SearchFilter()
    anti_passback = django_filters.ChoiceFilter(choices=Zone.AntiPassback.choices, label="Anti-passback")

    class Meta:
        model = Zone
        fields = ["q", "anti_passback"]


class ZoneTable(tables.Table):
    name = tables.Column(linkify=("zones:zone_detail", {"pk": tables.A("pk")}), order_by=("sort_name",))
    capacity = tables.Column(attrs={"td": {"class": "text-end"}})
    occupancy = tables.Column(verbose_name="Inside now", attrs={"td": {"class": "text-end"}})
    anti_passback = tables.Column(verbose_name="Anti-passback")

    class Meta:
        model = Zone
        fields = ()
        sequence = ("name", "capacity", "occupancy", "anti_passback")


class DeviceFilterSet(django_filters.FilterSet):
    q = SearchFilter()
    zone = django_filters.CharFilter(field_name="zone__name", lookup_expr="iexact")
    direction = django_filters.ChoiceFilter(choices=Device.Direction.choices)
    enabled = django_filters.BooleanFilter()

    class Meta:
        model = Device
        fields = ["q", "zone", "direction", "enabled"]


class DeviceTable(tables.Table):
    name = tables.Column(linkify=("devices:device_detail", {"pk": tables.A("pk")}), order_by=("sort_name",))
    zone = tables.Column(accessor="zone__name", order_by=("zone__sort_name",))
    direction = tables.Column()
    failure_mode = tables.Column(verbose_name="Failure mode")
    enabled = tables.BooleanColumn()
    token_prefix = tables.Column(verbose_name="Token", orderable=False)

    class Meta:
        model = Device
        fields = ()
        sequence = ("name", "zone", "direction", "failure_mode", "enabled", "token_prefix")
