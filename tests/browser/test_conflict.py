"""A conflicting edit in two tabs: the second save sees what the first changed, and re-applies."""

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from clientbook.customers.factories import CustomerFactory
from clientbook.customers.models import Customer

pytestmark = pytest.mark.django_db(transaction=True)

SHOTS = Path(os.environ.get("CLIENTBOOK_SHOTS", "/tmp/shots"))


@pytest.fixture
def customer() -> Customer:
    return CustomerFactory(
        first_name="Binta", last_name="Singhateh", email="binta@example.com", city="Banjul", country="GM"
    )


def test_the_second_tab_sees_the_first_tabs_change_and_re_applies(
    live_server: Any, page_as: Callable[[str], Page], browser_context: BrowserContext, customer: Customer
) -> None:
    first = page_as("sales")
    second = browser_context.new_page()  # the same browser, so the same logged-in session
    for tab in (first, second):
        tab.goto(f"{live_server.url}{customer.get_absolute_url()}")
        tab.get_by_test_id("edit-customer").click()
        expect(tab.locator("#modal #id_city")).to_have_value("Banjul")

    first.locator("#modal #id_city").fill("Serrekunda")
    first.locator("#modal").get_by_test_id("save-customer").click()
    expect(first.get_by_test_id("customer-name")).to_have_text("Binta Singhateh")
    expect(first.locator("#modal")).to_be_hidden()

    modal = second.locator("#modal")
    modal.locator("#id_email").fill("binta.s@example.com")
    modal.get_by_test_id("save-customer").click()

    conflict = modal.get_by_test_id("conflict")
    expect(conflict).to_contain_text("changed this record while you were editing it. Nothing was saved.")
    row = conflict.locator('tr[data-conflict-field="city"]')
    expect(row).to_contain_text("Banjul")
    expect(row.get_by_test_id("conflict-now")).to_have_text("Serrekunda")
    expect(conflict.locator("tr[data-conflict-field]")).to_have_count(1)
    # The form now holds their city and my email, at the current version.
    expect(modal.locator("#id_city")).to_have_value("Serrekunda")
    expect(modal.locator("#id_email")).to_have_value("binta.s@example.com")
    expect(modal.locator("input[name=version]")).to_have_value("2")
    SHOTS.mkdir(parents=True, exist_ok=True)
    second.screenshot(path=str(SHOTS / "conflict.png"))
    stored = Customer.objects.get(pk=customer.pk)
    assert (stored.city, stored.email) == ("Serrekunda", "binta@example.com")

    conflict.get_by_test_id("reapply").click()

    expect(modal).to_be_hidden()
    expect(second.locator("#toasts")).to_contain_text(f"Customer {customer.code} ({customer.display_name}) saved.")
    stored.refresh_from_db()
    assert (stored.city, stored.email, stored.version) == ("Serrekunda", "binta.s@example.com", 3)
