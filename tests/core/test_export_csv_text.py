"""The CSV writer on awkward values: the whole file, byte for byte, as it has always been written."""

from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
from django.http import QueryDict
from django.utils import timezone

from clientbook.core.exports import engine as exports
from clientbook.core.listing import pipeline as listing
from clientbook.core.listing.columns import ExportField
from clientbook.customers.factories import CustomerFactory, LabelFactory, OrganizationFactory
from clientbook.customers.models import Customer
from clientbook.customers.specs import CUSTOMER_LIST
from tests.core.test_export import file_bytes

pytestmark = pytest.mark.django_db

# Every field of the customer list, and text fields whose values are not text (numbers, dates, moments, nothing).
AWKWARD_FIELDS = (
    # Less the client ID, which came after this file was pinned and is plain text like the external id.
    *(field for field in CUSTOMER_LIST.export_fields if field.name != "client_id"),
    ExportField("client_id_masked", "Client id (masked)", columns=("external_id",), masked=True),
    ExportField("balance_as_text", "Balance as text", columns=("balance",)),
    ExportField("birthday_as_text", "Birthday as text", columns=("birthday",)),
    ExportField("activity_as_text", "Last activity as text", columns=("last_activity_at",)),
)


@pytest.fixture
def awkward_book(users: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> list[Customer]:
    """Customers whose values a CSV writer can get wrong: quotes, separators, line breaks, accents,
    formula starts, blanks and missing values, decimals, dates and moments either side of a DST change."""
    monkeypatch.setitem(
        listing._REGISTRY,
        "awkward-customers",
        replace(CUSTOMER_LIST, key="awkward-customers", export_fields=AWKWARD_FIELDS),
    )
    quoted = LabelFactory(name='Say "cheese"')
    accented = LabelFactory(name="Clé, spéciale")
    firm = OrganizationFactory(
        company_name='Smith, "Sons" & Co',
        email="office@smith.example",
        balance=Decimal("1234567.89"),
        city='=HYPERLINK("x")',
        country="FR",
        description="line one\nline two\r\nline three",
        external_id="ORG-000000001",
    )
    people = [
        firm,
        CustomerFactory(
            first_name="Zoë",
            middle_name="Ñ",
            last_name="Ødegård",
            suffix="Jr.",
            email="zoe@example.com",
            phone="+44 20 7946 0958",
            city="São Paulo",
            country="BR",
            street="+cmd|' /C calc'!A0",
            state="-2+3",
            postal_code="@SUM(A1)",
            industry="\t=1+1",
            description="\r=1+1",
            block_reason=" padded, with a comma ",
            balance=Decimal("-20.50"),
            birthday=date(1980, 12, 10),
            organization=firm,
            officer=users["sales"],
            labels=[quoted, accented],
            external_id="CLIENT-12345678",
        ),
        CustomerFactory(
            first_name="O'Brien",
            last_name="",
            email="",
            city="",
            country="",
            balance=Decimal("0"),
            status=Customer.Status.INACTIVE,
            external_id="1234",
        ),
    ]
    # Paris moves its clocks at 01:00 UTC on 31 March and 27 October 2024; microseconds are dropped.
    moments = [
        (datetime(2024, 1, 15, 23, 30, 5, tzinfo=UTC), None),
        (datetime(2024, 3, 31, 1, 30, tzinfo=UTC), datetime(2024, 3, 31, 0, 59, 59, 999999, tzinfo=UTC)),
        (datetime(2024, 10, 27, 0, 30, tzinfo=UTC), datetime(2024, 10, 27, 1, 0, tzinfo=UTC)),
    ]
    for customer, (created, active) in zip(people, moments, strict=True):
        Customer.objects.filter(pk=customer.pk).update(created_at=created, updated_at=created, last_activity_at=active)
    return people


def test_csv_of_awkward_values_is_the_text_it_always_was(
    users: dict[str, Any], awkward_book: list[Customer], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The whole file, byte for byte, as the cell-by-cell writer wrote it: a faster writer must not change it."""
    monkeypatch.setattr(exports, "CHUNK_ROWS", 2)  # chunks of text only and of mixed values
    spec = listing.get_spec("awkward-customers")
    names = [export_field.name for export_field in AWKWARD_FIELDS]
    with timezone.override("Europe/Paris"):
        plan = exports.prepare(spec, users["admin"], QueryDict("sort=code"), names, "csv")
        content = file_bytes(exports.direct_response(plan))
    firm, zoe, obrien = (customer.code for customer in awkward_book)
    assert content.decode("utf-8") == (
        "\ufeffCode,Name,Kind,Email,Phone,Alt. phone,Organization,City,Country,Industry,Labels,"
        "Relationship officer,Balance,Currency,Status,Created,Updated,First name,Middle name,"
        "Last name,Suffix,Company name,Gender,Birthday,Marital status,Address,Street,State / region,"
        "Postal code,Country code,Language,Website,Description,Block reason,External id,Account opened,"
        "Activated,Last activity,Client id (masked),Balance as text,Birthday as text,Last activity as text\r\n"
        f'{firm},"Smith, ""Sons"" & Co",Organization,office@smith.example,,,,"\'=HYPERLINK(""x"")",'
        'France,,,,1234567.89,USD,Active,2024-01-16 00:30:05,2024-01-16 00:30:05,,,,,"Smith,'
        ' ""Sons"" & Co",,,,"\'=HYPERLINK(""x""), France",,,,FR,,,"line one\nline two\r\nline three",,ORG-000000001,'
        ",,,••••0001,1234567.89,,\r\n"
        f'{zoe},"Zoë Ñ Ødegård, Jr.",Person,zoe@example.com,\'+442079460958,,"Smith, ""Sons"" & Co ({firm})",'
        'São Paulo,Brazil,\'\t=1+1,"Clé, spéciale, Say ""cheese""",sales-user,-20.50,'
        "USD,Active,2024-03-31 03:30:00,2024-03-31 03:30:00,Zoë,Ñ,Ødegård,Jr.,,,1980-12-10,"
        ",\"'+cmd|' /C calc'!A0, São Paulo, -2+3, @SUM(A1), Brazil\","
        "'+cmd|' /C calc'!A0,'-2+3,'@SUM(A1),BR,,,\"'\r=1+1\",\" padded, with a comma \","
        "CLIENT-12345678,,,2024-03-31 01:59:59,••••5678,'-20.50,1980-12-10,2024-03-31 01:59:59\r\n"
        f"{obrien},O'Brien,Person,,,,,,,,,,0.00,USD,Inactive,2024-10-27 02:30:00,2024-10-27 02:30:00,"
        "O'Brien,,,,,,,,,,,,,,,,,1234,,,2024-10-27 02:00:00,••••,0.00,,2024-10-27 02:00:00\r\n"
    )
