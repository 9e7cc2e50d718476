"""The PDF export's layout: a table when the columns fit a page, blocks of "label: value" lines when
they do not, and in both every value whole (read back with pypdf, as a reader's tool would)."""

import csv
import io
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import pypdf
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from reportlab.pdfbase.pdfmetrics import stringWidth

from clientbook.core.exports.formats import pdf as export_pdf
from clientbook.core.listing.columns import ExportField
from clientbook.customers.factories import CustomerFactory, LabelFactory, OrganizationFactory
from clientbook.customers.models import Customer

pytestmark = pytest.mark.django_db

ClientFor = Callable[[str | None], Client]
DIALOG = reverse("exports:dialog", args=["customers"])
A4_PORTRAIT_WIDTH = 595
A4_LANDSCAPE_WIDTH = 842
LONG_DESCRIPTION = " ".join(
    ["Longstanding", "client", "since", "the", "merger;", "prefers", "correspondence", "by", "registered", "post"] * 6
)
LONG_WEBSITE = "https://www.very-long-subdomain-name.example-insurance-brokers.co.uk/customers/portal/login"


@pytest.fixture
def rich_book(users: dict[str, Any]) -> list[Customer]:
    """Customers with every field filled, long values among them."""
    vip = LabelFactory(name="VIP")
    organization = OrganizationFactory(
        company_name="Northwind Mutual Assurance", city="Leeds", country="GB", currency=Customer.Currency.EUR
    )
    people = []
    for number in range(3):
        people.append(
            CustomerFactory(
                first_name=f"Theodora{number}",
                middle_name="Beatrix",
                last_name="Featherstonehaugh",
                suffix="Jr.",
                email=f"theodora.featherstonehaugh.{number}@northwind-mutual.example.com",
                phone="+44 20 7946 0958",
                alt_phone="+44 161 496 0123",
                gender=Customer.Gender.FEMALE,
                birthday=date(1980, 12, 10),
                marital_status=Customer.MaritalStatus.PARTNERSHIP,
                street=f"{number + 12} Upper Richmond Road West",
                city="Kingston upon Thames",
                state="Greater London",
                postal_code="KT2 6HE",
                country="GB",
                language="en",
                industry="Commercial property insurance",
                website=LONG_WEBSITE,
                description=LONG_DESCRIPTION,
                balance=Decimal("1234567.89"),
                currency=Customer.Currency.EUR,
                external_id=f"EXT-2024-{number:04d}",
                account_opened_on=date(2019, 3, 1),
                activated_on=date(2019, 3, 4),
                organization=organization,
                officer=users["sales"],
                labels=[vip],
            )
        )
    last_activity = timezone.make_aware(datetime(2024, 5, 6, 7, 8, 9))
    Customer.objects.filter(pk__in=[person.pk for person in people]).update(last_activity_at=last_activity)
    return people


def export(client: Client, fields: list[str] | None, fmt: str) -> bytes:
    data: dict[str, Any] = {"format": fmt, "query": "sort=code"}
    if fields is None:
        data["select_all"] = "on"
    else:
        data["selected_fields"] = fields
    response = client.post(DIALOG, data)
    assert response.status_code == 200, response.content[:500]
    return b"".join(response.streaming_content) if response.streaming else response.content


def words(text: str) -> str:
    return " ".join(text.split())


def pdf_reading(content: bytes) -> str:
    """The PDF's text as pypdf extracts it, its white space made single spaces.

    ReportLab draws a table cell by cell, so a cell's lines come out one after the other and a value
    wrapped at its spaces reads whole once line ends are spaces; a word broken inside reads as two.
    """
    reader = pypdf.PdfReader(io.BytesIO(content))
    return words("\n".join(page.extract_text() for page in reader.pages))


def page_widths(content: bytes) -> set[int]:
    return {round(float(page.mediabox.width)) for page in pypdf.PdfReader(io.BytesIO(content)).pages}


def expected_values(client: Client, fields: list[str] | None) -> list[tuple[str, str]]:
    """``(label, text)`` of every value the CSV export of these fields holds; amounts as a PDF prints them."""
    text = export(client, fields, "csv").decode("utf-8").lstrip("\ufeff")
    header, *rows = list(csv.reader(io.StringIO(text)))
    found = []
    for row in rows:
        for label, value in zip(header, row, strict=True):
            value = value.removeprefix("'")  # the CSV's guard against formulas (phone numbers start with +)
            if label == "Balance":
                value = f"{Decimal(value):,.2f} EUR"
            if value:
                found.append((label, value))
    return found


def assert_every_value_whole(content: bytes, values: list[tuple[str, str]]) -> None:
    reading = pdf_reading(content)
    missing = [(label, value) for label, value in values if words(value) not in reading]
    assert not missing, f"not found whole in the PDF: {missing}"


def test_a_few_columns_are_a_portrait_table_with_every_value_whole(
    client_for: ClientFor, rich_book: list[Customer]
) -> None:
    client = client_for("support")
    fields = ["code", "name", "city", "balance"]
    content = export(client, fields, "pdf")
    assert page_widths(content) == {A4_PORTRAIT_WIDTH}
    reading = pdf_reading(content)
    assert reading.count("Kingston upon Thames") == 3
    assert "Code:" not in reading, "a table, not blocks"
    assert "1,234,567.89 EUR" in reading
    assert_every_value_whole(content, expected_values(client, fields))


def test_a_dozen_columns_are_a_landscape_table_with_every_value_whole(
    client_for: ClientFor, rich_book: list[Customer]
) -> None:
    client = client_for("support")
    fields = ["code", "name", "kind", "email", "phone", "city", "country", "labels", "balance", "status", "birthday"]
    content = export(client, fields, "pdf")
    assert page_widths(content) == {A4_LANDSCAPE_WIDTH}
    assert "Email:" not in pdf_reading(content), "a table, not blocks"
    assert_every_value_whole(content, expected_values(client, fields))


def test_every_field_makes_a_block_per_record_with_every_value_whole(
    client_for: ClientFor, rich_book: list[Customer]
) -> None:
    client = client_for("support")
    content = export(client, None, "pdf")
    reading = pdf_reading(content)
    # Each record is a block of "label: value" lines, so each label is read once per record.
    assert reading.count("Email: theodora.featherstonehaugh.") == 3
    assert reading.count("Description: Longstanding client") == 3
    assert "Balance: 1,234,567.89 EUR" in reading
    values = expected_values(client, None)
    assert len({label for label, _ in values}) >= 35
    assert_every_value_whole(content, values)


def test_long_values_wrap_at_their_spaces_and_a_long_word_is_set_smaller(
    client_for: ClientFor, rich_book: list[Customer]
) -> None:
    client = client_for("support")
    fields = ["code", "description", "website", "street"]
    content = export(client, fields, "pdf")
    reading = pdf_reading(content)
    assert "Website:" not in reading, "a table, not blocks"
    assert reading.count(LONG_DESCRIPTION) == 3
    assert reading.count(LONG_WEBSITE) == 3
    assert_every_value_whole(content, expected_values(client, fields))


def test_a_word_longer_than_a_whole_line_breaks_only_after_its_own_separators() -> None:
    font, _ = export_pdf.pdf_fonts()
    word = "https://example.com/" + "/".join(f"segment-{number:03d}" for number in range(60))
    pieces = export_pdf.word_pieces(word, font, size=5, width=300)
    assert "".join(pieces) == word
    assert len(pieces) > 1
    assert all(piece[-1] in "/-.:" for piece in pieces[:-1])
    assert all(stringWidth(piece, font, 5) <= 300 for piece in pieces)


def test_an_empty_list_still_makes_a_pdf(client_for: ClientFor) -> None:
    content = export(client_for("support"), None, "pdf")
    assert "No records match these filters." in pdf_reading(content)


def test_a_word_wider_than_a_line_even_set_small_is_cut_only_after_its_separators() -> None:
    word = "https://example.com/" + "/".join(f"segment-{number:03d}" for number in range(80))
    content = io.BytesIO()
    export_pdf.write_pdf(
        [ExportField("website", "Website")],
        [(word,)],
        content,
        title="Customers",
        filters=[],
        sort_label="Code",
        generated_by="support",
    )
    text = "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(content.getvalue())).pages)
    lines = [line for line in text.splitlines() if "segment-" in line]
    assert len(lines) > 1
    assert all(line[-1] in "/-" for line in lines[:-1])
    assert word in "".join(lines)


@pytest.mark.parametrize("count", [2, 30], ids=["table", "blocks"])
def test_a_record_taller_than_a_page_goes_on_over_the_next(count: int) -> None:
    description = " ".join(["insurance"] * 1500)
    fields = [ExportField("code", "Code"), *(ExportField(f"note_{n}", f"Note {n}") for n in range(count - 1))]
    content = io.BytesIO()
    export_pdf.write_pdf(
        fields,
        [("CUST0000001", description, *["short note"] * (count - 2))],
        content,
        title="Customers",
        filters=[],
        sort_label="Code",
        generated_by="support",
    )
    reader = pypdf.PdfReader(io.BytesIO(content.getvalue()))
    assert len(reader.pages) > 1
    assert pdf_reading(content.getvalue()).split().count("insurance") == 1500
