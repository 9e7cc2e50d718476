"""The export's "Address" field: street, city, state, postal code and country in one cell."""

import csv
import io
from collections.abc import Callable
from typing import Any

import pypdf
import pytest
from django.test import Client
from django.urls import reverse

from clientbook.customers.factories import CustomerFactory
from clientbook.customers.models import Customer
from tests.core.test_export import xlsx_cells

pytestmark = pytest.mark.django_db

ClientFor = Callable[[str | None], Client]
DIALOG = reverse("exports:dialog", args=["customers"])
FULL = "221B Baker Street, London, Greater London, NW1 6XE, United Kingdom"
PARTIAL = "Lagos, Nigeria"


@pytest.fixture
def addressed() -> list[Customer]:
    return [
        CustomerFactory(
            first_name="Sherlock",
            last_name="Holmes",
            street="221B Baker Street",
            city="London",
            state="Greater London",
            postal_code="NW1 6XE",
            country="GB",
        ),
        # Blank parts are left out, not left as ", , ".
        CustomerFactory(first_name="Dee", last_name="Okafor", street="", city="Lagos", country="NG"),
        CustomerFactory(first_name="Nobody", last_name="Nowhere", city="", country=""),
    ]


def export(client: Client, fields: list[str], fmt: str) -> bytes:
    response = client.post(DIALOG, {"selected_fields": fields, "format": fmt, "query": "sort=code"})
    assert response.status_code == 200, response.content[:300]
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_the_csv_has_the_address_in_one_cell_beside_its_parts(client_for: ClientFor, addressed: Any) -> None:
    content = export(client_for("support"), ["name", "address", "city", "country"], "csv")
    assert list(csv.reader(io.StringIO(content.decode("utf-8-sig")))) == [
        ["Name", "Address", "City", "Country"],
        ["Sherlock Holmes", FULL, "London", "United Kingdom"],
        ["Dee Okafor", PARTIAL, "Lagos", "Nigeria"],
        ["Nobody Nowhere", "", "", ""],
    ]


def test_the_xlsx_has_the_address_as_text(client_for: ClientFor, addressed: Any) -> None:
    rows = xlsx_cells(export(client_for("support"), ["address"], "xlsx"))
    assert [[text for _, text, _ in row] for row in rows] == [["Address"], [FULL], [PARTIAL]]
    assert {kind for row in rows for kind, _, _ in row} <= {"s", "inlineStr", "str"}


def test_the_pdf_has_the_address_whole(client_for: ClientFor, addressed: Any) -> None:
    content = export(client_for("support"), ["code", "name", "address"], "pdf")
    reader = pypdf.PdfReader(io.BytesIO(content))
    reading = " ".join("\n".join(page.extract_text() for page in reader.pages).split())
    assert FULL in reading
    assert PARTIAL in reading


def test_the_dialog_offers_the_address_unchosen_before_its_parts(client_for: ClientFor) -> None:
    html = client_for("support").get(DIALOG).content.decode()
    toggle = html.index('value="address"')
    assert html.index('value="street"') > toggle
    tag = html[html.rindex("<input", 0, toggle) : html.index(">", toggle)]
    assert "checked" not in tag
    assert ">Address</label>" in html


def test_the_api_exports_the_address_field(token_for: Callable[[str], str], addressed: Any) -> None:
    response = Client().post(
        "/api/v1/exports",
        {"model": "customers", "format": "csv", "fields": ["code", "address"], "filters": {"sort": "code"}},
        content_type="application/json",
        headers={"Authorization": f"Bearer {token_for('support')}"},
    )
    assert response.status_code == 200, response.content[:300]
    content = b"".join(response.streaming_content) if response.streaming else response.content
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert rows[0] == ["Code", "Address"]
    assert [row[1] for row in rows[1:]] == [FULL, PARTIAL, ""]
