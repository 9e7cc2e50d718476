"""Delete a customer from the list (the row's trash button), then Undo in the toast, in a real browser."""

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from clientbook.core.models import AuditEvent
from clientbook.core.records import audit
from clientbook.customers.factories import CustomerFactory, LabelFactory
from clientbook.customers.models import Customer, Label

pytestmark = pytest.mark.django_db(transaction=True)

SHOTS = Path(os.environ.get("CLIENTBOOK_SHOTS", "/tmp/shots"))
ROWS = "#results tbody tr[data-href]"


@pytest.fixture
def customer() -> Customer:
    vip = LabelFactory(name="VIP", colour=Label.Colour.RED)
    key = LabelFactory(name="Key account", colour=Label.Colour.BLUE)
    CustomerFactory(first_name="Awa", last_name="Bojang", city="Bakau")
    CustomerFactory(first_name="Lamin", last_name="Ceesay", city="Serekunda", labels=[key])
    return CustomerFactory(first_name="Binta", last_name="Singhateh", city="Banjul", labels=[vip, key])


def row_of(page: Page, customer: Customer) -> Any:
    return page.locator(f"{ROWS}[data-href='{customer.get_absolute_url()}']")


def test_delete_from_the_list_then_undo_brings_the_row_back(
    live_server: Any, page_as: Callable[[str], Page], customer: Customer
) -> None:
    page = page_as("sales")
    page.goto(f"{live_server.url}/customers/")
    expect(page.locator(ROWS)).to_have_count(3)
    row = row_of(page, customer)
    expect(row).to_contain_text("VIP")
    before = [cell.strip() for cell in row.locator("td:not(.row-actions)").all_inner_texts()]
    page.evaluate("() => { document.body.dataset.sameDocument = 'yes'; }")

    # A click in the actions cell beside the button does not open the customer (rows.js).
    row.locator("td.row-actions").click(position={"x": 2, "y": 2})
    expect(page.locator("#modal")).to_be_hidden()
    assert page.url == f"{live_server.url}/customers/"

    row.hover()
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "list-delete.png"))
    row.get_by_role("link", name=f"Delete Binta Singhateh ({customer.code})").click()
    modal = page.locator("#modal")
    expect(modal).to_contain_text(f"Delete Binta Singhateh {customer.code}?")
    assert page.url == f"{live_server.url}/customers/"  # the row click did not navigate
    modal.get_by_test_id("confirm-delete").click()

    expect(modal).to_be_hidden()
    expect(page.locator(ROWS)).to_have_count(2)
    expect(page.locator("#results")).not_to_contain_text("Binta Singhateh")
    toast = page.locator("#toasts .toast", has_text=f"Customer {customer.code} (Binta Singhateh) deleted.")
    expect(toast).to_be_visible()
    # An undo toast stays at least 10 seconds (15), unlike the 5 of an ordinary one.
    assert toast.evaluate("element => bootstrap.Toast.getInstance(element)._config.delay") >= 10_000
    assert not Customer.objects.filter(pk=customer.pk).exists()

    toast.get_by_test_id("toast-undo").click()

    expect(page.locator(ROWS)).to_have_count(3)
    restored = row_of(page, customer)
    expect(restored).to_contain_text("Binta Singhateh")
    expect(restored.locator("td[data-column=labels] .badge")).to_have_text(["Key account", "VIP"])
    # The row reads exactly as before the delete.
    assert [cell.strip() for cell in restored.locator("td:not(.row-actions)").all_inner_texts()] == before
    expect(page.locator("#toasts")).to_contain_text(f"Customer {customer.code} (Binta Singhateh) restored.")
    expect(toast).to_have_count(0)
    assert page.evaluate("() => document.body.dataset.sameDocument") == "yes"  # all in place, no page load
    assert page.url == f"{live_server.url}/customers/"
    stored = Customer.objects.get(pk=customer.pk)
    assert sorted(label.name for label in stored.labels.all()) == ["Key account", "VIP"]
    assert audit.events_for(customer).first().action == AuditEvent.Action.RESTORE
    # The restored row's button works again.
    expect(restored.get_by_test_id("row-delete")).to_be_visible()


def test_support_sees_no_delete_button(live_server: Any, page_as: Callable[[str], Page], customer: Customer) -> None:
    page = page_as("support")
    page.goto(f"{live_server.url}/customers/")
    expect(page.locator(ROWS)).to_have_count(3)
    expect(page.get_by_test_id("row-delete")).to_have_count(0)
    expect(page.locator("#results th.row-actions")).to_have_count(0)


def test_without_javascript_the_button_is_a_link_to_the_confirmation(
    live_server: Any, page_without_javascript: Page, customer: Customer
) -> None:
    page = page_without_javascript
    page.goto(f"{live_server.url}/customers/")
    row_of(page, customer).get_by_test_id("row-delete").click()
    expect(page).to_have_url(f"{live_server.url}{customer.get_absolute_url()}delete/")
    page.get_by_test_id("confirm-delete").click()

    expect(page).to_have_url(f"{live_server.url}/customers/")
    expect(page.locator("#results")).not_to_contain_text("Binta Singhateh")
    page.locator("#toasts .toast", has_text="(Binta Singhateh) deleted.").get_by_test_id("toast-undo").click()

    expect(page).to_have_url(f"{live_server.url}{customer.get_absolute_url()}")
    assert Customer.objects.filter(pk=customer.pk).exists()
