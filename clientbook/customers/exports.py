"""The exportable fields of the customer list (``CUSTOMERS.export_fields``).

Values are read with ``values_list`` and turned into what a person reads: choice labels, country
names, the display name, label names as a comma list; numbers, dates and moments keep their type
so spreadsheets can sort and sum them.
"""

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from functools import cache
from typing import Any

from django.conf import settings
from django.db import connections
from django.db.models import CharField, ExpressionWrapper, F
from django_countries import countries

from clientbook.core.listing.columns import ExportField, Kind
from clientbook.customers.models import Customer, Label

NAME_COLUMNS = ("kind", "first_name", "middle_name", "last_name", "suffix", "company_name")
ADDRESS_COLUMNS = ("street", "city", "state", "postal_code", "country")


def display_name(kind: str, first: str, middle: str, last: str, suffix: str, company: str) -> str:
    """``Customer.display_name`` from the row's columns (no model instance per row)."""
    if kind == Customer.Kind.ORGANIZATION:
        return company
    if first and last:
        full = f"{first} {middle} {last}" if middle else f"{first} {last}"
    else:
        full = " ".join([name for name in (first, middle, last) if name])
    return f"{full}, {suffix}" if suffix else full


def choice_label(choices: Sequence[tuple[Any, Any]]) -> Callable[[str], str]:
    """The label of a stored choice (``"active"`` → ``"Active"``)."""
    labels = {str(value): str(label) for value, label in choices}
    return lambda value: labels.get(value, value)


@cache
def _country_names() -> dict[str, str]:
    return {code: str(name) for code, name in countries}


def country_name(code: str) -> str:
    return _country_names().get(code, code)


def full_address(street: str, city: str, state: str, postal_code: str, country: str) -> str:
    """``Customer.full_address`` from the row's columns: the parts joined with ", ", blanks left out,
    the country by name (one cell, as an insurer's forms ask for the address)."""
    parts = (street, city, state, postal_code, country_name(country) if country else "")
    return ", ".join(part for part in parts if part)


def organization_name(code: str | None, company: str | None) -> str:
    return f"{company} ({code})" if code else ""


def label_names(customer_ids: Sequence[Any]) -> Mapping[Any, str]:
    """``{customer id: "Key account, VIP"}`` for a batch of customers (live labels, by name).

    The links are read with the driver's own parameters: the ORM would prepare each of thousands
    of ids one by one, which costs more than reading the rows.
    """
    names = dict(Label.objects.values_list("pk", "name"))
    through = Customer.labels.through._meta
    connection = connections[Customer.objects.db]
    quote = connection.ops.quote_name
    placeholders = ", ".join(["%s"] * len(customer_ids))
    found: dict[Any, list[str]] = defaultdict(list)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {quote('customer_id')}, {quote('label_id')} FROM {quote(through.db_table)} "
            f"WHERE {quote('customer_id')} IN ({placeholders})",
            list(customer_ids),
        )
        for customer_id, label_id in cursor.fetchall():
            if label_id in names:
                found[customer_id].append(names[label_id])
    return {customer_id: ", ".join(sorted(labels)) for customer_id, labels in found.items()}


def _text(lookup: str) -> ExpressionWrapper:
    # Read as stored (E.164 text): the phone field would parse every value into an object.
    return ExpressionWrapper(F(lookup), output_field=CharField())


def _field(name: str, label: str, **options: Any) -> ExportField:
    return ExportField(name=name, label=label, **options)


CUSTOMER_EXPORT_FIELDS: tuple[ExportField, ...] = (
    _field("code", "Code"),
    _field("name", "Name", columns=NAME_COLUMNS, value=display_name),
    _field("kind", "Kind", value=choice_label(Customer.Kind.choices)),
    _field("email", "Email"),
    _field("phone", "Phone", columns=("phone_text",), annotations={"phone_text": _text("phone")}),
    _field("alt_phone", "Alt. phone", columns=("alt_phone_text",), annotations={"alt_phone_text": _text("alt_phone")}),
    _field(
        "organization",
        "Organization",
        columns=("organization__code", "organization__company_name"),
        value=organization_name,
    ),
    _field("city", "City"),
    _field("country", "Country", value=country_name),
    _field("industry", "Industry"),
    _field("labels", "Labels", related=label_names),
    _field("officer", "Relationship officer", columns=("officer__username",)),
    _field("balance", "Balance", kind=Kind.MONEY, currency="currency"),
    _field("currency", "Currency"),
    _field("status", "Status", value=choice_label(Customer.Status.choices)),
    _field("created_at", "Created", kind=Kind.DATETIME),
    _field("updated_at", "Updated", kind=Kind.DATETIME),
    _field("first_name", "First name"),
    _field("middle_name", "Middle name"),
    _field("last_name", "Last name"),
    _field("suffix", "Suffix"),
    _field("company_name", "Company name"),
    _field("gender", "Gender", value=choice_label(Customer.Gender.choices)),
    _field("birthday", "Birthday", kind=Kind.DATE),
    _field("marital_status", "Marital status", value=choice_label(Customer.MaritalStatus.choices)),
    _field("address", "Address", columns=ADDRESS_COLUMNS, value=full_address),
    _field("street", "Street"),
    _field("state", "State / region"),
    _field("postal_code", "Postal code"),
    _field("country_code", "Country code", columns=("country",)),
    _field("language", "Language", value=choice_label(settings.LANGUAGES)),
    _field("website", "Website"),
    _field("description", "Description"),
    _field("block_reason", "Block reason"),
    _field("client_id", "Client ID"),
    _field("external_id", "External id"),
    _field("account_opened_on", "Account opened", kind=Kind.DATE),
    _field("activated_on", "Activated", kind=Kind.DATE),
    _field("last_activity_at", "Last activity", kind=Kind.DATETIME),
)
