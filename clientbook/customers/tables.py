"""Columns of the customer list; the list pipeline decides which are visible and how they sort."""

import django_tables2 as tables
from django.utils.html import format_html, format_html_join

from clientbook.customers.models import Customer, Label

STATUS_COLOURS = {
    Customer.Status.ACTIVE: "success",
    Customer.Status.INACTIVE: "warning",
    Customer.Status.PROSPECT: "primary",
    Customer.Status.CHURNED: "secondary",
    Customer.Status.BLOCKED: "danger",
}


def status_badge(status: str, label: str) -> str:
    colour = STATUS_COLOURS.get(status, "secondary")  # type: ignore[call-overload]
    return format_html('<span class="badge status-badge text-bg-{}" data-status="{}">{}</span>', colour, status, label)


class CustomerTable(tables.Table):
    code = tables.Column(order_by=("code",), attrs={"td": {"class": "text-nowrap font-monospace"}})
    client_id = tables.Column(verbose_name="Client ID", order_by=("client_id",), attrs={"td": {"class": "text-nowrap"}})
    name = tables.Column(accessor="display_name", verbose_name="Name", order_by=("sort_name",))
    # Not sortable: a person's Name already sorts by first name (then middle and last), and one more
    # index would be written for every imported or changed row.
    first_name = tables.Column(verbose_name="First name", orderable=False)
    last_name = tables.Column(verbose_name="Last name", order_by=("last_name",))
    birthday = tables.DateColumn(verbose_name="Birthday", format="Y-m-d", order_by=("birthday",))
    kind = tables.Column()
    email = tables.EmailColumn()
    phone = tables.Column(order_by=("phone",))
    alt_phone = tables.Column(verbose_name="Alt. phone", orderable=False)
    organization = tables.Column(accessor="organization__company_name", order_by=("organization__sort_name",))
    city = tables.Column()
    # The accessor reads the Country object; "country" alone makes django-tables2 call get_country_display(),
    # which rebuilds the list of all countries for every row.
    country = tables.Column(accessor="country__name", verbose_name="Country", order_by=("country",))
    industry = tables.Column()
    labels = tables.Column(accessor="pk", verbose_name="Labels", orderable=False)
    officer = tables.Column(accessor="officer", verbose_name="Officer", order_by=("officer__username",))
    balance = tables.Column(attrs={"td": {"class": "text-end text-nowrap"}, "th": {"class": "text-end"}})
    status = tables.Column()
    last_activity_at = tables.DateTimeColumn(verbose_name="Last activity", format="Y-m-d")
    created_at = tables.DateTimeColumn(verbose_name="Created", format="Y-m-d")
    updated_at = tables.DateTimeColumn(verbose_name="Updated", format="Y-m-d")

    class Meta:
        model = Customer
        fields = ()
        sequence = (
            "code",
            "client_id",
            "name",
            "first_name",
            "last_name",
            "birthday",
            "kind",
            "email",
            "phone",
            "alt_phone",
            "organization",
            "city",
            "country",
            "industry",
            "labels",
            "officer",
            "balance",
            "status",
            "last_activity_at",
            "created_at",
            "updated_at",
        )
        # customer-cards: on narrow screens the rows are cards (static/css/app.css).
        attrs = {"class": "table table-hover table-sm align-middle mb-0 clickable-rows customer-cards"}
        row_attrs = {"data-href": lambda record: record.get_absolute_url()}

    def render_code(self, value: str, record: Customer) -> str:
        return format_html('<a href="{}">{}</a>', record.get_absolute_url(), value)

    def render_phone(self, value: object) -> str:
        return value.as_international if value else ""  # type: ignore[attr-defined]

    def render_alt_phone(self, value: object) -> str:
        return value.as_international if value else ""  # type: ignore[attr-defined]

    def render_country(self, value: object, record: Customer) -> str:
        return record.country.name if record.country else ""

    def render_officer(self, value: object) -> str:
        return value.get_full_name() or value.get_username()  # type: ignore[attr-defined]

    def render_labels(self, record: Customer) -> str:
        labels: list[Label] = list(record.labels.all())
        return format_html_join(
            " ",
            '<span class="badge rounded-pill text-bg-{}">{}</span>',
            ((label.colour, label.name) for label in labels),
        )

    def render_balance(self, value: object, record: Customer) -> str:
        return format_html('{} <span class="currency">{}</span>', f"{value:,.2f}", record.currency)

    def render_status(self, value: str, record: Customer) -> str:
        return status_badge(record.status, record.get_status_display())
