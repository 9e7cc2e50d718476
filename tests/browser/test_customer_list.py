"""The customer list in a real browser: search as you type, filters, sorting, paging, columns, rows."""

import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import Browser, Page, expect

from clientbook.customers.factories import CustomerFactory
from clientbook.customers.models import Customer
from tests.browser.actions import open_filters
from tests.fixtures_loader import load_datablist_customers

ROWS = "#results tbody tr[data-href]"


@pytest.fixture
def open_list(live_server: Any, page_as: Callable[[str], Page]) -> Callable[..., Page]:
    def open_page(role: str = "sales", query: str = "") -> Page:
        page = page_as(role)
        page.goto(f"{live_server.url}/customers/{query}")
        return page

    return open_page


def mark_page(page: Page) -> None:
    """Tag the document, so a later check can tell that no full page load happened since."""
    page.evaluate("document.body.dataset.sameDocument = 'yes'")


def still_same_document(page: Page) -> bool:
    return page.evaluate("document.body.dataset.sameDocument") == "yes"


def test_search_as_you_type_swaps_only_the_results(open_list: Callable[..., Page]) -> None:
    CustomerFactory(first_name="José", last_name="Álvarez", email="jose@example.com")
    CustomerFactory(first_name="Maria", last_name="Silva")
    CustomerFactory(first_name="Pierre", last_name="Dupont")
    page = open_list()
    expect(page.locator(ROWS)).to_have_count(3)
    mark_page(page)

    search = page.locator("#list-search")
    search.click()
    page.keyboard.type("jose", delay=40)

    expect(page.locator(ROWS)).to_have_count(1)
    expect(page.locator(ROWS).first).to_contain_text("José Álvarez")
    expect(page).to_have_url(re.compile(r"/customers/\?q=jose$"))
    assert still_same_document(page)
    assert page.evaluate("document.activeElement.id") == "list-search"

    search.fill("")
    expect(page.locator(ROWS)).to_have_count(3)


def test_no_match_shows_the_empty_state_with_a_way_back(open_list: Callable[..., Page]) -> None:
    CustomerFactory(first_name="Maria", last_name="Silva")
    page = open_list()
    page.locator("#list-search").press_sequentially("zebra", delay=20)
    expect(page.get_by_test_id("empty-state")).to_contain_text("No customers match “zebra”")
    page.get_by_text("Clear search and filters").click()
    expect(page.locator(ROWS)).to_have_count(1)
    expect(page.locator("#list-search")).to_have_value("")


def test_advanced_filter_combines_with_search_and_clears(open_list: Callable[..., Page]) -> None:
    blocked = CustomerFactory(
        first_name="Ada", last_name="Blocked", status=Customer.Status.BLOCKED, block_reason="Fraud check"
    )
    CustomerFactory(first_name="Ada", last_name="Active")
    CustomerFactory(first_name="Bob", last_name="Blocked", status=Customer.Status.BLOCKED, block_reason="Unpaid")
    page = open_list()
    expect(page.locator(ROWS)).to_have_count(3)

    open_filters(page)
    page.locator("#advanced-search").get_by_label("Blocked").check()
    page.get_by_role("button", name="Apply filters").click()
    expect(page.locator(ROWS)).to_have_count(2)
    expect(page.locator("#filter-count")).to_have_text("1")

    page.locator("#list-search").press_sequentially("ada", delay=20)
    expect(page.locator(ROWS)).to_have_count(1)
    expect(page.locator(ROWS).first).to_contain_text(blocked.code)
    expect(page).to_have_url(re.compile(r"q=ada&status=blocked"))

    page.get_by_test_id("clear-filters").click()
    expect(page.locator(ROWS)).to_have_count(2)
    expect(page.locator("#filter-count")).to_be_hidden()
    expect(page.locator("#list-search")).to_have_value("ada")


def test_invalid_filter_shows_the_error_next_to_the_field(open_list: Callable[..., Page]) -> None:
    CustomerFactory()
    page = open_list()
    open_filters(page)
    page.locator("#filter_code_min").fill("not-a-code")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.locator("#filter-error-code_min")).to_have_text("“not-a-code” is not a customer code.")
    expect(page.locator("#filter_code_min")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#filter_code_min")).to_have_value("not-a-code")
    expect(page.locator("#filter_code_max")).not_to_have_attribute("aria-invalid", "true")
    expect(page.get_by_test_id("filter-errors")).to_be_visible()
    page.locator("#filter_code_min").fill("")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.locator(ROWS)).to_have_count(1)
    expect(page.locator("#filter-error-code_min")).to_be_empty()
    expect(page.locator("#filter_code_min")).not_to_have_attribute("aria-invalid", "true")


def test_sort_by_clicking_a_header(open_list: Callable[..., Page]) -> None:
    small = CustomerFactory(first_name="Ann", last_name="Small", balance=Decimal("5.00"))
    large = CustomerFactory(first_name="Ben", last_name="Large", balance=Decimal("9000.00"))
    middle = CustomerFactory(first_name="Cid", last_name="Middle", balance=Decimal("300.00"))
    page = open_list()
    codes = page.locator(f"{ROWS} td[data-column=code]")
    expect(codes).to_have_text([small.code, large.code, middle.code])  # by name

    page.locator("th[data-column=balance] a").click()
    expect(codes).to_have_text([small.code, middle.code, large.code])
    expect(page).to_have_url(re.compile(r"sort=balance$"))

    page.locator("th[data-column=balance] a").click()
    expect(codes).to_have_text([large.code, middle.code, small.code])
    expect(page.locator("th[data-column=balance]")).to_have_attribute("aria-sort", "descending")
    expect(page).to_have_url(re.compile(r"sort=-balance$"))

    page.reload()
    expect(codes).to_have_text([large.code, middle.code, small.code])


def test_page_size_and_pages(open_list: Callable[..., Page]) -> None:
    for index in range(25):
        CustomerFactory(first_name=f"Person{index:02d}", last_name="Test")
    page = open_list()
    expect(page.locator(ROWS)).to_have_count(20)
    expect(page.get_by_test_id("results-range")).to_have_text("1–20 of 25")

    page.get_by_test_id("per-page").select_option("10")
    expect(page.locator(ROWS)).to_have_count(10)
    expect(page.get_by_test_id("results-range")).to_have_text("1–10 of 25")
    expect(page).to_have_url(re.compile(r"per_page=10"))

    page.locator(".pagination").get_by_role("link", name="3", exact=True).click()
    expect(page.locator(ROWS)).to_have_count(5)
    expect(page.get_by_test_id("results-range")).to_have_text("21–25 of 25")
    expect(page).to_have_url(re.compile(r"per_page=10&page=3$"))

    page.get_by_role("link", name="Previous page").click()
    expect(page.get_by_test_id("results-range")).to_have_text("11–20 of 25")


def test_hidden_column_stays_hidden_after_reload(live_server: Any, open_list: Callable[..., Page]) -> None:
    CustomerFactory(email="someone@example.com")
    page = open_list()
    expect(page.locator("th[data-column=email]")).to_be_visible()

    page.get_by_test_id("columns-toggle").click()
    page.locator("[data-column-menu]").get_by_label("Email").uncheck()
    expect(page.locator("th[data-column=email]")).to_have_count(0)
    expect(page.locator("th[data-column=name]")).to_be_visible()
    expect(page).to_have_url(re.compile(r"columns="))

    page.reload()
    expect(page.locator("th[data-column=name]")).to_be_visible()
    expect(page.locator("th[data-column=email]")).to_have_count(0)

    # Remembered for the user, not only in the URL.
    page.goto(f"{live_server.url}/customers/")
    expect(page.locator("th[data-column=name]")).to_be_visible()
    expect(page.locator("th[data-column=email]")).to_have_count(0)
    page.get_by_test_id("columns-toggle").click()
    expect(page.locator("[data-column-menu]").get_by_label("Email")).not_to_be_checked()


def test_a_link_with_bogus_columns_does_not_replace_the_saved_ones(
    live_server: Any, open_list: Callable[..., Page]
) -> None:
    CustomerFactory(email="someone@example.com")
    page = open_list()
    page.get_by_test_id("columns-toggle").click()
    page.locator("[data-column-menu]").get_by_label("Email").uncheck()
    expect(page.locator("th[data-column=email]")).to_have_count(0)

    page.goto(f"{live_server.url}/customers/?columns=bogus,,code")
    expect(page.locator("#results thead th[data-column]:not(.select-cell):not(.row-actions)")).to_have_count(1)

    page.goto(f"{live_server.url}/customers/")
    expect(page.locator("th[data-column=name]")).to_be_visible()
    expect(page.locator("th[data-column=phone]")).to_be_visible()
    expect(page.locator("th[data-column=email]")).to_have_count(0)


def test_refresh_shows_new_rows_without_leaving_the_page(open_list: Callable[..., Page]) -> None:
    CustomerFactory(first_name="Ada", last_name="Lovelace")
    page = open_list()
    expect(page.locator(ROWS)).to_have_count(1)
    mark_page(page)
    CustomerFactory(first_name="Grace", last_name="Hopper")
    page.get_by_test_id("refresh").click()
    expect(page.locator(ROWS)).to_have_count(2)
    assert still_same_document(page)


def test_row_click_opens_the_customer(open_list: Callable[..., Page]) -> None:
    customer = CustomerFactory(first_name="Ada", last_name="Lovelace")
    page = open_list()
    page.locator(f"{ROWS} td[data-column=city]").first.click()
    expect(page).to_have_url(re.compile(rf"/customers/{customer.code}/$"))


def test_new_customer_button_opens_the_modal_for_sales_only(open_list: Callable[..., Page]) -> None:
    page = open_list("sales")
    page.get_by_test_id("create-button").click()
    expect(page.locator("#modal")).to_be_visible()
    expect(page.locator("#modal-content form")).to_be_visible()
    # The first field has the focus, so typing starts at once and Escape closes the modal.
    expect(page.locator("#modal-content :focus")).to_have_count(1)
    page.keyboard.press("Escape")
    expect(page.locator("#modal")).to_be_hidden()
    expect(page.locator("#modal-content")).to_be_empty()

    support_page = open_list("support")
    expect(support_page.locator("#list-search")).to_be_visible()
    expect(support_page.get_by_test_id("create-button")).to_have_count(0)


def test_search_customers_loaded_from_the_datablist_file(open_list: Callable[..., Page]) -> None:
    report = load_datablist_customers()
    assert len(report.people) == 100
    page = open_list("support")
    search = page.locator("#list-search")

    search.press_sequentially("sheryl", delay=20)
    expect(page.locator(ROWS)).to_have_count(2)
    expect(page.locator(ROWS)).to_contain_text(["Sheryl Baxter", "Sheryl Meyers"])

    # The company is an organization customer; searching it finds the company and its person.
    search.fill("rasmussen")
    expect(page.locator(ROWS)).to_have_count(2)
    expect(page.locator(ROWS)).to_contain_text(["Rasmussen Group", "Sheryl Baxter"])

    # A phone number typed in another format still finds its customer (5153435776 in the file).
    search.fill("+1 (515) 343-5776")
    expect(page.locator(ROWS)).to_have_count(1)
    expect(page.locator(ROWS).first).to_contain_text("Preston Lozano")


def test_server_triggers_refresh_the_list_show_a_toast_and_close_the_modal(open_list: Callable[..., Page]) -> None:
    """The HX-Trigger events of docs/development/htmx-contract.md, fired as htmx fires them."""
    CustomerFactory(first_name="Ada", last_name="Lovelace")
    page = open_list()
    expect(page.locator(ROWS)).to_have_count(1)
    page.get_by_test_id("create-button").click()
    expect(page.locator("#modal")).to_be_visible()
    CustomerFactory(first_name="Grace", last_name="Hopper")

    page.evaluate(
        """() => {
            const source = document.querySelector("#modal-content form") || document.body;
            htmx.trigger(source, "closeModal", {value: true});
            htmx.trigger(source, "showToast", {message: "Customer <b>saved</b>.", level: "success"});
            htmx.trigger(source, "refreshList", {value: true});
        }"""
    )
    expect(page.locator("#modal")).to_be_hidden()
    toast = page.locator("#toasts .toast.text-bg-success")
    expect(toast).to_be_visible()
    expect(toast).to_have_text("Customer <b>saved</b>.")  # shown as text, never as HTML
    expect(page.locator(ROWS)).to_have_count(2)


def test_the_list_works_without_javascript(live_server: Any, chromium: Browser, users: dict[str, Any]) -> None:
    CustomerFactory(first_name="Ada", last_name="Lovelace", balance=Decimal("10.00"), email="ada@example.com")
    CustomerFactory(first_name="Grace", last_name="Hopper", balance=Decimal("20.00"))
    blocked = CustomerFactory(
        first_name="Alan", last_name="Turing", balance=Decimal("30"), status=Customer.Status.BLOCKED, block_reason="x"
    )
    client = Client()
    client.force_login(users["support"])
    context = chromium.new_context(java_script_enabled=False, viewport={"width": 1400, "height": 900})
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/customers/")
        expect(page.locator(ROWS)).to_have_count(3)

        page.locator("#list-search").fill("a")
        page.locator("#list-search").press("Enter")
        expect(page.locator(ROWS)).to_have_count(2)  # Ada and Alan: words starting with "a"
        page.locator("#advanced-search").get_by_label("Blocked").check()
        page.get_by_role("button", name="Apply filters").click()
        expect(page.locator(ROWS)).to_have_count(1)
        expect(page.locator(ROWS).first).to_contain_text(blocked.code)

        page.goto(f"{live_server.url}/customers/")
        page.locator("th[data-column=balance] a").click()
        page.locator("th[data-column=balance] a").click()
        expect(page.locator(f"{ROWS} td[data-column=name]").first).to_have_text("Alan Turing")

        page.get_by_test_id("columns-toggle").focus()
        page.locator("[data-column-menu]").get_by_label("Email").uncheck()
        page.locator("[data-column-menu]").get_by_role("button", name="Apply").click()
        expect(page.locator("th[data-column=email]")).to_have_count(0)
        expect(page.locator("th[data-column=balance]")).to_be_visible()
        page.goto(f"{live_server.url}/customers/")
        expect(page.locator("th[data-column=email]")).to_have_count(0)  # the menu's Apply saved the choice

        page.locator(f"{ROWS} td[data-column=code] a").first.click()
        expect(page).to_have_url(re.compile(r"/customers/CUST\d{7}/$"))
    finally:
        context.close()
