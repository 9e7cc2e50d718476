"""Bulk actions on the customer list in a real browser: select rows, act, read the toast, Undo."""

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from clientbook.core.models import BulkOperation
from clientbook.customers.factories import CustomerFactory, LabelFactory
from clientbook.customers.models import Customer

# Live-server tests empty the database after each test; serialized rollback brings back what the
# migrations created (the role groups) for the next one.
pytestmark = pytest.mark.django_db(transaction=True)

MODAL = "#modal"
SHOTS = "/tmp/shots"


def row_box(page: Page, customer: Customer) -> Any:
    return page.locator(f'input[data-select-row][value="{customer.code}"]')


def labels_of(customer: Customer) -> list[str]:
    return [label.name for label in Customer.objects.get(pk=customer.pk).labels.all()]


def test_add_a_label_to_two_rows_then_undo_from_the_toast(live_server: Any, page_as: Callable[[str], Page]) -> None:
    LabelFactory(name="VIP")
    ada, bola, chen = (CustomerFactory(first_name=name, last_name="Test") for name in ("Ada", "Bola", "Chen"))
    page = page_as("sales")
    page.goto(f"{live_server.url}/customers/")
    bar = page.locator("[data-bulk-bar]")
    expect(bar).to_be_hidden()

    row_box(page, ada).check()
    row_box(page, chen).check()

    expect(bar).to_be_visible()
    expect(page.get_by_test_id("bulk-count")).to_have_text("2 selected")
    expect(page.locator("input[data-select-page]")).to_have_js_property("indeterminate", True)
    page.get_by_test_id("bulk-add_labels").click()
    modal = page.locator(MODAL)
    expect(modal.get_by_test_id("bulk-summary")).to_contain_text(f"2 selected customers: {ada.code}, {chen.code}.")
    modal.get_by_label("VIP").check()
    modal.get_by_test_id("bulk-submit").click()

    toast = page.locator("#toasts .toast", has_text="Changed 2 customers.")
    expect(toast).to_be_visible()
    expect(modal).to_be_hidden()
    expect(page.locator(f'tr[data-href="/customers/{ada.code}/"] td[data-column="labels"]')).to_have_text("VIP")
    expect(bar).to_be_hidden()  # the refreshed list starts a new selection
    page.screenshot(path=f"{SHOTS}/browser-bulk-toast.png")
    assert (labels_of(ada), labels_of(bola), labels_of(chen)) == (["VIP"], [], ["VIP"])

    toast.get_by_test_id("toast-undo").click()

    expect(page.locator("#toasts .toast", has_text="Undone: 2 customers put back")).to_be_visible()
    expect(page.locator(f'tr[data-href="/customers/{ada.code}/"] td[data-column="labels"]')).to_have_text("")
    assert (labels_of(ada), labels_of(bola), labels_of(chen)) == ([], [], [])
    assert BulkOperation.objects.get(undoes__isnull=True).state == BulkOperation.State.UNDONE


def test_select_all_matching_a_search_and_change_status(live_server: Any, page_as: Callable[[str], Page]) -> None:
    lagos = [CustomerFactory(first_name=f"Lagos{index:02d}", last_name="Trader", city="Lagos") for index in range(12)]
    elsewhere = CustomerFactory(first_name="Accra", last_name="Trader", city="Accra")
    page = page_as("sales")
    page.goto(f"{live_server.url}/customers/?per_page=10")
    page.locator("#list-search").fill("lagos")
    expect(page.get_by_test_id("results-total")).to_have_text("12 customers")

    page.locator("input[data-select-page]").check()

    banner = page.get_by_test_id("select-banner")
    expect(banner).to_contain_text("All 10 on this page are selected.")
    expect(page.get_by_test_id("bulk-count")).to_have_text("10 selected")
    page.get_by_test_id("select-all-matching").click()
    expect(banner).to_contain_text("All 12 customers matching are selected.")
    expect(page.get_by_test_id("bulk-count")).to_have_text("All 12 selected")
    page.screenshot(path=f"{SHOTS}/browser-bulk-all-matching.png")

    page.get_by_test_id("bulk-status").click()
    modal = page.locator(MODAL)
    expect(modal.get_by_test_id("bulk-summary")).to_contain_text("All 12 customers matching “lagos”.")
    modal.locator("select[name=status]").select_option("blocked")
    modal.get_by_test_id("bulk-submit").click()
    expect(modal.locator('[data-field-error="reason"]')).to_have_text("Blocking customers requires a reason.")
    assert not Customer.objects.filter(status=Customer.Status.BLOCKED).exists()

    modal.locator("input[name=reason]").fill("Sanctions review")
    modal.get_by_test_id("bulk-submit").click()

    expect(page.locator("#toasts .toast", has_text="Changed 12 customers.")).to_be_visible()
    expect(page.locator('td[data-column="status"] [data-status="blocked"]')).to_have_count(10)
    blocked = Customer.objects.filter(status=Customer.Status.BLOCKED, block_reason="Sanctions review")
    assert sorted(blocked.values_list("pk", flat=True)) == sorted(customer.pk for customer in lagos)
    assert Customer.objects.get(pk=elsewhere.pk).status == Customer.Status.ACTIVE


def test_readers_see_no_selection(live_server: Any, page_as: Callable[[str], Page]) -> None:
    CustomerFactory(first_name="Ada")
    page = page_as("support")
    page.goto(f"{live_server.url}/customers/")

    expect(page.get_by_test_id("results-total")).to_have_text("1 customer")
    expect(page.locator("input[data-select-row]")).to_have_count(0)
    expect(page.locator("[data-bulk-bar]")).to_have_count(0)
