"""Delete, then Undo in the toast, in a real browser; the Trash page's Restore and Purge."""

import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from clientbook.core.models import AuditEvent
from clientbook.core.records import audit
from clientbook.customers import services
from clientbook.customers.factories import CustomerFactory, LabelFactory
from clientbook.customers.models import Customer, Label

pytestmark = pytest.mark.django_db(transaction=True)

SHOTS = Path(os.environ.get("CLIENTBOOK_SHOTS", "/tmp/shots"))


@pytest.fixture
def customer() -> Customer:
    vip = LabelFactory(name="VIP", colour=Label.Colour.RED)
    CustomerFactory(first_name="Awa", last_name="Bojang", city="Bakau")
    return CustomerFactory(first_name="Binta", last_name="Singhateh", city="Banjul", labels=[vip])


def shoot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / name))


def shown(toast: Any) -> None:
    """Wait until Bootstrap has faded the toast in (for the screenshot)."""
    expect(toast).to_have_class(re.compile(r"\bshow\b"))
    toast.evaluate("element => Promise.all(element.getAnimations().map(animation => animation.finished))")
    expect(toast).to_have_css("opacity", "1")


def test_delete_from_the_customer_page_then_undo_brings_the_row_back(
    live_server: Any, page_as: Callable[[str], Page], customer: Customer
) -> None:
    page = page_as("sales")
    page.goto(f"{live_server.url}{customer.get_absolute_url()}")
    page.get_by_test_id("delete-customer").click()
    page.locator("#modal").get_by_test_id("confirm-delete").click()

    expect(page).to_have_url(f"{live_server.url}/customers/")
    results = page.locator("#results")
    expect(results).not_to_contain_text("Binta Singhateh")
    toast = page.locator("#toasts .toast", has_text=f"Customer {customer.code} (Binta Singhateh) deleted.")
    expect(toast).to_be_visible()
    # An undo toast stays at least 10 seconds (15), unlike the 5 of an ordinary one.
    assert toast.evaluate("element => bootstrap.Toast.getInstance(element)._config.delay") >= 10_000
    shown(toast)
    shoot(page, "undo-toast.png")
    page.evaluate("() => { document.body.dataset.sameDocument = 'yes'; }")

    toast.get_by_test_id("toast-undo").click()

    expect(results).to_contain_text("Binta Singhateh")
    expect(page.locator("#toasts")).to_contain_text(f"Customer {customer.code} (Binta Singhateh) restored.")
    expect(toast).to_have_count(0)  # the used toast went away
    assert page.evaluate("() => document.body.dataset.sameDocument") == "yes"  # refreshed in place
    stored = Customer.objects.get(pk=customer.pk)
    assert [label.name for label in stored.labels.all()] == ["VIP"]
    assert audit.events_for(customer).first().action == AuditEvent.Action.RESTORE


def test_delete_a_label_then_undo(live_server: Any, page_as: Callable[[str], Page], customer: Customer) -> None:
    page = page_as("sales")
    page.goto(f"{live_server.url}/labels/")
    table = page.get_by_test_id("label-table")
    table.locator('tr[data-label="VIP"]').get_by_test_id("row-delete").click()
    page.locator("#modal").get_by_test_id("confirm-delete").click()
    expect(table).to_have_count(0)  # the only label: the empty state replaces the table

    page.locator("#toasts").get_by_test_id("toast-undo").click()

    expect(page.get_by_test_id("label-table").locator('tr[data-label="VIP"]')).to_be_visible()
    expect(page.locator("#toasts")).to_contain_text("Label “VIP” restored.")
    assert [label.name for label in Customer.objects.get(pk=customer.pk).labels.all()] == ["VIP"]


def test_trash_restore_and_purge(
    live_server: Any, page_as: Callable[[str], Page], users: dict[str, Any], customer: Customer
) -> None:
    services.delete_customer(user=users["sales"], customer=customer)
    gone = CustomerFactory(first_name="Ousman", last_name="Purged")
    services.delete_customer(user=users["admin"], customer=gone)
    services.delete_label(user=users["sales"], label=LabelFactory(name="Old campaign"))
    page = page_as("admin")
    page.goto(f"{live_server.url}/customers/")
    page.get_by_test_id("nav-trash").click()

    rows = page.get_by_test_id("trash-table").locator("tbody tr")
    expect(rows).to_have_count(2)
    expect(page.locator(f'tr[data-trash-item="{customer.code}"]')).to_contain_text("sales-user")
    shoot(page, "trash.png")

    page.locator(f'tr[data-trash-item="{customer.code}"]').get_by_test_id("restore").click()
    expect(rows).to_have_count(1)
    expect(page.locator("#toasts")).to_contain_text("Customer “Binta Singhateh” restored.")
    expect(page.get_by_test_id("trash-count").first).to_have_text("1")

    page.locator(f'tr[data-trash-item="{gone.code}"]').get_by_test_id("purge").click()
    modal = page.locator("#modal")
    expect(modal).to_contain_text("cannot be undone")
    expect(modal).to_contain_text(f"the code {gone.code} is never given to anyone else")
    expect(modal.get_by_role("button", name="Cancel")).to_be_focused()  # focused once shown (modal.js)
    shoot(page, "trash-purge.png")
    modal.get_by_test_id("confirm-purge").click()
    expect(modal).to_be_hidden()
    expect(page.get_by_test_id("empty-state")).to_contain_text("No deleted customers.")
    assert not Customer.all_objects.filter(pk=gone.pk).exists()
    assert Customer.objects.filter(pk=customer.pk).exists()

    page.get_by_role("link", name="Labels 1").click()
    expect(page.locator('tr[data-trash-item="Old campaign"]')).to_be_visible()


def test_undo_without_javascript(live_server: Any, page_without_javascript: Page, customer: Customer) -> None:
    page = page_without_javascript
    page.goto(f"{live_server.url}{customer.get_absolute_url()}delete/")
    page.get_by_test_id("confirm-delete").click()
    expect(page).to_have_url(f"{live_server.url}/customers/")
    message = page.locator("#toasts .toast", has_text="(Binta Singhateh) deleted.")
    expect(message).to_be_visible()

    message.get_by_test_id("toast-undo").click()

    expect(page).to_have_url(f"{live_server.url}{customer.get_absolute_url()}")
    expect(page.get_by_test_id("customer-name")).to_have_text("Binta Singhateh")
    expect(page.locator("#toasts")).to_contain_text("restored.")
