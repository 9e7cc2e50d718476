"""The lists of the gate's events and of the entries with their payments (pages, tabs, API, exports)."""

import datetime as dt

import django_filters
import django_tables2 as tables
from django.db.models import OuterRef, QuerySet, Subquery
from django.utils.html import format_html
from django.utils.safestring import SafeString

from clientbook.core.listing.columns import ExportField, Kind
from clientbook.facility.lists import MOMENT
from clientbook.facility.models import Entry, Event, Vehicle
from clientbook.facility.validity import site_day_end, site_day_start

KIND_BADGES = {
    Event.Kind.ENTRY: "text-bg-success",
    Event.Kind.EXIT: "text-bg-secondary",
    Event.Kind.DENIED: "text-bg-danger",
    Event.Kind.PAYMENT: "text-bg-primary",
    Event.Kind.NOTIFICATION: "text-bg-warning",
}


def kind_badge(event: Event) -> SafeString:
    return format_html(
        '<span class="badge {}" data-testid="event-kind">{}</span>',
        KIND_BADGES[Event.Kind(event.kind)],
        event.get_kind_display(),
    )


def _from_day(queryset: QuerySet, name: str, value: dt.date | None) -> QuerySet:
    """Days are the site's: "from 2026-03-29" starts at that midnight in ``CLIENTBOOK_SITE_TIME_ZONE``."""
    start = site_day_start(value) if value else None
    return queryset.filter(at__gte=start) if start else queryset


def _until_day(queryset: QuerySet, name: str, value: dt.date | None) -> QuerySet:
    end = site_day_end(value) if value else None
    return queryset.filter(at__lt=end) if end else queryset


def _vehicle_tag(queryset: QuerySet, name: str, value: str) -> QuerySet:
    """Events whose plate read belongs to a vehicle with that tag."""
    if not value:
        return queryset
    plates = Vehicle.objects.filter(tags__icontains=value.strip()).values("plate_number")
    return queryset.filter(plate__in=plates)


class EventFilterSet(django_filters.FilterSet):
    kind = django_filters.MultipleChoiceFilter(choices=Event.Kind.choices, label="Type")
    reason = django_filters.CharFilter(lookup_expr="iexact")
    customer = django_filters.CharFilter(field_name="customer__code", lookup_expr="iexact", label="Customer code")
    card = django_filters.CharFilter(field_name="card__card_number", lookup_expr="iexact", label="Card number")
    zone = django_filters.CharFilter(field_name="zone__name", lookup_expr="iexact")
    device = django_filters.CharFilter(field_name="device__name", lookup_expr="iexact")
    plate = django_filters.CharFilter(lookup_expr="iexact")
    tags = django_filters.CharFilter(method=_vehicle_tag, label="Vehicle tag")
    from_day = django_filters.DateFilter(method=_from_day, label="From (day)")
    until_day = django_filters.DateFilter(method=_until_day, label="Until (day)")

    class Meta:
        model = Event
        fields = ["kind", "reason", "customer", "card", "zone", "device", "plate", "tags", "from_day", "until_day"]


AMOUNT = {"td": {"class": "text-end text-nowrap"}, "th": {"class": "text-end"}}


class EventTable(tables.Table):
    at = tables.DateTimeColumn(
        verbose_name="Time",
        format="Y-m-d H:i:s",
        linkify=("events:event_detail", {"pk": tables.A("pk")}),
        attrs=MOMENT,
    )
    kind = tables.Column(verbose_name="Type")
    reason = tables.Column()
    customer = tables.Column(accessor="customer__display_name", order_by=("customer__sort_name",))
    card = tables.Column(accessor="card__card_number", order_by=("card__card_number",))
    zone = tables.Column(accessor="zone__name", order_by=("zone__name",))
    device = tables.Column(accessor="device__name", order_by=("device__name",))
    plate = tables.Column()
    amount = tables.Column(attrs=AMOUNT)

    class Meta:
        model = Event
        fields = ()
        sequence = ("at", "kind", "reason", "customer", "card", "zone", "device", "plate", "amount")

    def render_kind(self, record: Event) -> SafeString:
        return kind_badge(record)

    def render_amount(self, value: object, record: Event) -> SafeString:
        return format_html('{} <span class="currency">{}</span>', f"{value:,.2f}", record.currency)


def _payment(column: str) -> Subquery:
    payments = Event.objects.filter(kind=Event.Kind.PAYMENT, entry=OuterRef("pk")).order_by("-at", "-id")
    return Subquery(payments.values(column)[:1])


def entries_with_payments(queryset: QuerySet[Entry]) -> QuerySet[Entry]:
    """Each entry with its payment's status, amount and currency (the latest payment, when several)."""
    return queryset.annotate(
        paid_status=_payment("payment_status"), paid_amount=_payment("amount"), paid_currency=_payment("currency")
    )


class EntryFilterSet(EventFilterSet):
    paid_status = django_filters.ChoiceFilter(choices=Event.PaymentStatus.choices, label="Payment status")

    class Meta:
        model = Entry
        fields = ["customer", "card", "zone", "device", "plate", "tags", "from_day", "until_day", "paid_status"]


class EntryTable(tables.Table):
    at = tables.DateTimeColumn(
        verbose_name="Time",
        format="Y-m-d H:i:s",
        linkify=("entries:entry_detail", {"pk": tables.A("pk")}),
        attrs=MOMENT,
    )
    customer = tables.Column(accessor="customer__display_name", order_by=("customer__sort_name",))
    card = tables.Column(accessor="card__card_number", order_by=("card__card_number",))
    zone = tables.Column(accessor="zone__name", order_by=("zone__name",))
    device = tables.Column(accessor="device__name", order_by=("device__name",))
    plate = tables.Column()
    paid_status = tables.Column(verbose_name="Payment")
    paid_amount = tables.Column(verbose_name="Amount", attrs=AMOUNT)

    class Meta:
        model = Entry
        fields = ()
        sequence = ("at", "customer", "card", "zone", "device", "plate", "paid_status", "paid_amount")

    def render_paid_amount(self, value: object, record: Entry) -> SafeString:
        return format_html('{} <span class="currency">{}</span>', f"{value:,.2f}", getattr(record, "paid_currency", ""))


def _kind_label(value: str) -> str:
    return str(Event.Kind(value).label) if value in Event.Kind.values else value


_COMMON: tuple[ExportField, ...] = (
    ExportField("id", "Id", kind=Kind.NUMBER),
    ExportField("at", "Time", kind=Kind.DATETIME),
    ExportField("customer", "Customer", columns=("customer__code",)),
    ExportField("card", "Card", columns=("card__card_number",)),
    ExportField("zone", "Zone", columns=("zone__name",)),
    ExportField("device", "Device", columns=("device__name",)),
    ExportField("plate", "Plate"),
)

EVENT_EXPORT_FIELDS: tuple[ExportField, ...] = (
    *_COMMON[:2],
    ExportField("kind", "Type", value=_kind_label),
    ExportField("reason", "Reason"),
    *_COMMON[2:],
    ExportField("amount", "Amount", kind=Kind.MONEY, currency="currency"),
    ExportField("currency", "Currency"),
    ExportField("payment_status", "Payment status"),
    ExportField("payment_reference", "Payment reference"),
    ExportField("note", "Note"),
)

ENTRY_EXPORT_FIELDS: tuple[ExportField, ...] = (
    *_COMMON,
    ExportField("paid_status", "Payment status"),
    ExportField("paid_amount", "Amount", kind=Kind.MONEY, currency="paid_currency"),
    ExportField("paid_currency", "Currency"),
)
