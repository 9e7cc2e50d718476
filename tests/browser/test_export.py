"""The Export dialog in a real browser: filter the list, export fields as CSV or PDF, read the downloaded file."""

import csv
import io
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pypdf
import pytest
from playwright.sync_api import Page, expect

from clientbook.core.exports import engine as exports
from clientbook.customers.factories import CustomerFactory
from clientbook.customers.specs import CUSTOMER_LIST
from tests.browser.actions import open_filters

# Live-server tests empty the database after each test; serialized rollback brings back what the
# migrations created (the role groups) for the next one.
pytestmark = pytest.mark.django_db(transaction=True)

SHOTS = Path("/tmp/shots")


def test_export_two_fields_of_the_filtered_list_as_csv(live_server: Any, page_as: Callable[[str], Page]) -> None:
    london = [
        CustomerFactory(first_name="Ada", last_name="Lovelace", city="London", country="GB"),
        CustomerFactory(first_name="Alan", last_name="Turing", city="Wilmslow", country="GB"),
    ]
    CustomerFactory(first_name="Grace", last_name="Hopper", city="Arlington", country="US")
    CustomerFactory(first_name="Marie", last_name="Curie", city="Paris", country="FR")
    page = page_as("support")
    page.goto(f"{live_server.url}/customers/")
    expect(page.get_by_test_id("results-total")).to_have_text("4 customers")

    open_filters(page)
    page.locator("#filter_country").select_option("GB")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_test_id("results-total")).to_have_text("2 customers")

    page.get_by_test_id("export-button").click()
    dialog = page.locator("#modal")
    expect(dialog.get_by_label("Select all")).to_be_focused()  # the modal has finished opening
    expect(dialog.get_by_test_id("export-summary")).to_contain_text("2 customers match")
    toggles = dialog.locator("[data-export-field]")
    expect(toggles).to_have_count(len(CUSTOMER_LIST.export_fields))
    for index in range(toggles.count()):
        expect(toggles.nth(index)).not_to_be_checked()
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "export-dialog.png"), animations="disabled")

    # Nothing chosen: the dialog says so and stays open.
    dialog.get_by_test_id("export-submit").click()
    expect(dialog.get_by_test_id("export-fields-error")).to_have_text("Choose at least one field to export.")
    page.screenshot(path=str(SHOTS / "export-dialog-no-fields.png"), animations="disabled")

    # "Select all" switches every field on and off again.
    dialog.get_by_label("Select all").check()
    expect(dialog.locator("[data-export-field]:checked")).to_have_count(len(CUSTOMER_LIST.export_fields))
    dialog.get_by_label("Select all").uncheck()
    expect(dialog.locator("[data-export-field]:checked")).to_have_count(0)

    dialog.get_by_label("Name", exact=True).check()
    dialog.get_by_label("City", exact=True).check()
    expect(dialog.get_by_label("CSV")).to_be_checked()
    page.screenshot(path=str(SHOTS / "export-dialog-two-fields.png"), animations="disabled")
    with page.expect_download() as download_info:
        dialog.get_by_test_id("export-submit").click()
    download = download_info.value
    assert download.suggested_filename.startswith("customers-") and download.suggested_filename.endswith(".csv")
    rows = list(csv.reader(io.StringIO(Path(download.path()).read_text(encoding="utf-8-sig"))))
    assert rows[0] == ["Name", "City"]
    assert sorted(rows[1:]) == sorted([customer.display_name, customer.city] for customer in london)
    expect(dialog).to_be_hidden()
    expect(page.locator("#toasts")).to_contain_text("Exported 2 customers as CSV.")


def test_a_large_export_shows_its_progress_then_the_download(
    live_server: Any, page_as: Callable[[str], Page], settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The dialog turns into the progress view, which polls until the worker is done."""
    settings.CLIENTBOOK_EXPORT_STREAM_MAX_ROWS = 2
    queued: list[int] = []
    monkeypatch.setattr(exports, "queue", lambda job_id: queued.append(job_id))  # the test plays the worker
    for city in ("Lagos", "Accra", "Nairobi"):
        CustomerFactory(city=city)
    page = page_as("sales")
    page.goto(f"{live_server.url}/customers/?sort=city")
    page.get_by_test_id("export-button").click()
    dialog = page.locator("#modal")
    expect(dialog.get_by_label("Select all")).to_be_focused()
    dialog.get_by_label("City", exact=True).check()
    dialog.get_by_text("Excel (XLSX)", exact=True).click()  # the radio button's label is the button
    expect(dialog.get_by_label("Excel (XLSX)")).to_be_checked()
    dialog.get_by_test_id("export-submit").click()

    progress = dialog.get_by_test_id("export-progress")
    expect(progress).to_have_attribute("data-state", "queued")
    expect(progress).to_contain_text("Waiting for the worker to start the export of 3 customers")
    page.screenshot(path=str(SHOTS / "export-progress.png"), animations="disabled")
    assert len(queued) == 1
    exports.run_job(queued[0])

    expect(progress).to_have_attribute("data-state", "done")  # the next poll shows the result
    expect(progress).to_contain_text("3 customers exported as Excel (XLSX).")
    page.screenshot(path=str(SHOTS / "export-done.png"), animations="disabled")
    with page.expect_download() as download_info:
        progress.get_by_test_id("export-download").click()
    assert download_info.value.suggested_filename.endswith(".xlsx")
    assert Path(download_info.value.path()).read_bytes().startswith(b"PK")


def test_export_the_address_in_one_cell_and_every_field_as_a_readable_pdf(
    live_server: Any, page_as: Callable[[str], Page]
) -> None:
    CustomerFactory(
        first_name="Sherlock",
        last_name="Holmes",
        email="sherlock.holmes.consulting.detective@bakerstreet.example.co.uk",
        street="221B Baker Street",
        city="London",
        state="Greater London",
        postal_code="NW1 6XE",
        country="GB",
        balance=Decimal("1234567.89"),
        currency="GBP",
    )
    address = "221B Baker Street, London, Greater London, NW1 6XE, United Kingdom"
    page = page_as("support")
    page.goto(f"{live_server.url}/customers/")
    page.get_by_test_id("export-button").click()
    dialog = page.locator("#modal")
    expect(dialog.get_by_label("Select all")).to_be_focused()
    expect(dialog.get_by_label("Address", exact=True)).not_to_be_checked()
    dialog.get_by_label("Name", exact=True).check()
    dialog.get_by_label("Address", exact=True).check()
    with page.expect_download() as download_info:
        dialog.get_by_test_id("export-submit").click()
    rows = list(csv.reader(io.StringIO(Path(download_info.value.path()).read_text(encoding="utf-8-sig"))))
    assert rows == [["Name", "Address"], ["Sherlock Holmes", address]]

    page.get_by_test_id("export-button").click()
    expect(dialog.get_by_label("Select all")).to_be_focused()
    dialog.get_by_label("Select all").check()
    dialog.get_by_text("PDF", exact=True).click()
    with page.expect_download() as download_info:
        dialog.get_by_test_id("export-submit").click()
    assert download_info.value.suggested_filename.endswith(".pdf")
    reader = pypdf.PdfReader(download_info.value.path())
    reading = " ".join("\n".join(pdf_page.extract_text() for pdf_page in reader.pages).split())
    # Every field does not fit a table: the record is a block of "label: value" lines, every value whole.
    for line in (
        "Email: sherlock.holmes.consulting.detective@bakerstreet.example.co.uk",
        f"Address: {address}",
        "Balance: 1,234,567.89 GBP",
        "Postal code: NW1 6XE",
    ):
        assert line in reading
