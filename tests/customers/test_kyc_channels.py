"""PAN and Aadhaar masked on every channel: the customer page, list columns, Ctrl+K and the search API,
the API (unmasked only with the right and ``?reveal=``), exports (CSV, XLSX, PDF); no search, filter
or sort by them for users without the right, an exact look-up by keyed hash for those with it."""

import csv
import io
from typing import Any

import pypdf
import pytest
from django.urls import reverse

from clientbook.customers.factories import CustomerFactory
from clientbook.customers.models import Customer
from tests.core.test_export import post_export, xlsx_cells

pytestmark = pytest.mark.django_db

PAN, PAN_MASK = "ABCPE1234F", "ABCPEXXXXF"
AADHAAR, AADHAAR_MASK = "491837592012", "XXXX XXXX 2012"
PLAIN = (PAN, AADHAAR, "4918 3759 2012")


@pytest.fixture
def holder(users: dict[str, Any]) -> Customer:
    return CustomerFactory(first_name="Meera", last_name="Iyer", pan=PAN, aadhaar=AADHAAR)


def assert_masked(text: str) -> None:
    for plain in PLAIN:
        assert plain not in text, f"{plain} is shown"


# --- Pages ------------------------------------------------------------------------------------------


def test_the_customer_page_shows_the_masks_and_the_reveal_button_only_to_who_may_reveal(
    client_for: Any, holder: Customer
) -> None:
    url = holder.get_absolute_url()
    support = client_for("support").get(url).content.decode()
    admin = client_for("admin").get(url).content.decode()

    for html in (support, admin):
        assert PAN_MASK in html and AADHAAR_MASK in html
        assert_masked(html)
    assert 'data-testid="reveal-pan"' in admin
    assert 'data-testid="reveal-' not in support


def test_the_edit_form_never_holds_the_number(client_for: Any, holder: Customer) -> None:
    html = client_for("sales").get(reverse("customers:customer_edit", kwargs={"code": holder.code})).content.decode()

    assert PAN_MASK in html  # as the placeholder and the help text
    assert_masked(html)


def test_an_edit_that_leaves_the_number_empty_keeps_it(client_for: Any, holder: Customer) -> None:
    response = client_for("sales").post(
        reverse("customers:customer_edit", kwargs={"code": holder.code}),
        {
            "kind": "person",
            "first_name": "Meera",
            "last_name": "Iyer",
            "pan": "",
            "aadhaar": "",
            "status": "active",
            "currency": "USD",
            "balance": "100.00",
            "version": holder.version,
        },
    )

    assert response.status_code in (200, 302, 303), response.content.decode()[:500]
    stored = Customer.objects.get(pk=holder.pk)
    assert stored.pan.reveal() == PAN and stored.aadhaar.reveal() == AADHAAR


def test_list_columns_show_masks_and_cannot_be_sorted(client_for: Any, holder: Customer) -> None:
    for role in ("admin", "support"):
        response = client_for(role).get(reverse("customers:customer_list"), {"columns": "code,name,pan,aadhaar"})
        html = response.content.decode()
        assert PAN_MASK in html and AADHAAR_MASK in html
        assert_masked(html)
    refused = client_for("admin").get(reverse("customers:customer_list"), {"sort": "pan"}).content.decode()
    assert "Cannot sort by “pan”" in refused and "Showing the usual order instead." in refused


# --- Ctrl+K and the search API ------------------------------------------------------------------------


def test_the_palette_finds_an_exact_pan_for_who_may_reveal_only(client_for: Any, holder: Customer) -> None:
    palette = reverse("search:palette")

    admin = client_for("admin").get(palette, {"q": "abcpe1234f"}, headers={"HX-Request": "true"}).content.decode()
    support = client_for("support").get(palette, {"q": PAN}, headers={"HX-Request": "true"}).content.decode()

    assert holder.code in admin and "data-exact" in admin
    assert holder.code not in support
    assert_masked(admin.replace("abcpe1234f", ""))


# --- Exports ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["admin", "support"])
def test_a_csv_export_holds_the_masks(client_for: Any, holder: Customer, role: str) -> None:
    response = post_export(client_for(role), ["code", "pan", "aadhaar"], "csv")
    text = b"".join(response.streaming_content).decode() if response.streaming else response.content.decode()

    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows == [["Code", "PAN", "Aadhaar"], [holder.code, PAN_MASK, AADHAAR_MASK]]


def test_an_xlsx_export_holds_the_masks(client_for: Any, holder: Customer) -> None:
    response = post_export(client_for("admin"), ["code", "pan", "aadhaar"], "xlsx")
    content = b"".join(response.streaming_content) if response.streaming else response.content

    cells = [[text for _, text, _ in row] for row in xlsx_cells(content)]
    assert cells[1] == [holder.code, PAN_MASK, AADHAAR_MASK]
    assert PAN.encode() not in content and AADHAAR.encode() not in content


def test_a_pdf_export_holds_the_masks(client_for: Any, holder: Customer) -> None:
    response = post_export(client_for("admin"), ["code", "pan", "aadhaar"], "pdf")
    content = b"".join(response.streaming_content) if response.streaming else response.content

    text = "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(content)).pages)
    assert PAN_MASK in text and AADHAAR_MASK in text
    assert_masked(text)


def test_the_filter_panel_offers_the_exact_number_filters_to_who_may_use_them(
    client_for: Any, holder: Customer
) -> None:
    admin = client_for("admin").get(reverse("customers:customer_list")).content.decode()
    support = client_for("support").get(reverse("customers:customer_list")).content.decode()

    assert 'id="filter_pan"' in admin and 'id="filter_aadhaar"' in admin
    assert 'id="filter_pan"' not in support and 'id="filter_aadhaar"' not in support
