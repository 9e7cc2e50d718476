"""The page layout in a real browser: the sidebar's height, toasts that cover no control, narrow and touch screens."""

import re
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from clientbook.customers.factories import CustomerFactory
from clientbook.customers.models import Customer

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
ROWS = "#results tbody tr[data-href]"
CARD_FIELDS = ("name", "code", "status", "phone", "city")

Box = dict[str, float]


def overlaps(first: Box, second: Box) -> bool:
    return not (
        first["x"] + first["width"] <= second["x"]
        or second["x"] + second["width"] <= first["x"]
        or first["y"] + first["height"] <= second["y"]
        or second["y"] + second["height"] <= first["y"]
    )


def show_toast(page: Page, message: str) -> Box:
    """A toast with an Undo button, as a bulk change sends; its box once shown."""
    page.evaluate(
        """message => document.body.dispatchEvent(new CustomEvent("showToast",
            {detail: {message, level: "success", undo: {url: "/operations/x/undo/"}}}))""",
        message,
    )
    toast = page.locator("#toasts .toast.show")
    expect(toast).to_have_count(1)
    expect(toast).to_contain_text(message)
    box = toast.bounding_box()
    assert box is not None
    return box


def boxes(page: Page, selector: str) -> list[Box]:
    found = [box for box in (element.bounding_box() for element in page.locator(selector).all()) if box]
    assert found, f"nothing matches {selector}"
    return found


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_a_toast_covers_neither_the_pager_nor_the_export_dialogs_buttons(
    live_server: Any, page_as: Callable[[str], Page], viewport: dict[str, int]
) -> None:
    for number in range(25):
        CustomerFactory(first_name=f"Person{number:02d}", last_name="Test", phone="+1 206 555 0100")
    page = page_as("sales")
    page.set_viewport_size(viewport)
    page.goto(f"{live_server.url}/customers/")
    expect(page.locator(ROWS)).to_have_count(20)
    # Where the pager is in view: on a phone, at the end of the page.
    page.evaluate("window.scrollTo(0, document.scrollingElement.scrollHeight)")
    expect(page.get_by_role("link", name="Next page")).to_be_in_viewport()

    toast = show_toast(page, "Status of 20 customers changed to Inactive (a message long enough to wrap).")
    for control in boxes(page, "#results .results-footer :is(.page-link, select)"):
        assert not overlaps(toast, control), (toast, control)

    page.get_by_test_id("export-button").click()
    expect(page.locator("#modal .modal-footer")).to_be_visible()
    expect(page.locator("#modal")).to_have_class(re.compile(r"\bshow\b"))
    expect(page.locator("#modal .modal-dialog")).to_have_css("transform", "none")  # slid into place
    toast = show_toast(page, "Another toast while the dialog is open.")
    for control in boxes(page, "#modal :is(.modal-footer .btn, .btn-close)"):
        assert not overlaps(toast, control), (toast, control)
    # One toast at a time: the newest replaces the one shown.
    expect(page.locator("#toasts .toast")).to_have_count(1)


def test_the_sidebar_runs_the_pages_full_height(live_server: Any, page_as: Callable[[str], Page]) -> None:
    customer = CustomerFactory(phone="+1 206 555 0100", street="1 Main St", postal_code="98101", industry="Retail")
    page = page_as("sales")
    page.set_viewport_size({"width": 1280, "height": 500})
    page.goto(f"{live_server.url}/customers/{customer.code}/history/")
    height = page.evaluate("document.scrollingElement.scrollHeight")
    assert height > 500 * 1.3, "the page must be taller than the window"

    page.evaluate("window.scrollTo(0, document.scrollingElement.scrollHeight)")
    sidebar = page.evaluate(
        """() => { const box = document.getElementById("sidebar").getBoundingClientRect();
                   return {top: box.top + window.scrollY, height: box.height}; }"""
    )
    assert sidebar["top"] == 0
    assert sidebar["height"] >= height - 1
    # The bottom of the scrolled page, beside the content, is the dark sidebar.
    below = page.evaluate("document.elementFromPoint(100, window.innerHeight - 3).closest('#sidebar') !== null")
    assert below
    # Its navigation stays in view while the page scrolls.
    expect(page.get_by_test_id("user-menu")).to_be_in_viewport()


def test_the_customer_list_is_cards_on_a_phone(live_server: Any, page_as: Callable[[str], Page]) -> None:
    CustomerFactory(
        first_name="Maximiliana",
        last_name="Wolfeschlegelsteinhausen",
        email="maximiliana.wolfeschlegelsteinhausen@example.com",
        phone="+1 206 555 0100",
        city="Seattle",
        status=Customer.Status.PROSPECT,
    )
    CustomerFactory(phone="+44 20 7946 0958", city="London")
    page = page_as("sales")
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/customers/")
    expect(page.locator(ROWS)).to_have_count(2)

    assert page.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth")
    assert page.evaluate(
        "(() => { const box = document.querySelector('#results .table-scroll'); "
        "return box.scrollWidth <= box.clientWidth; })()"
    )
    card = page.locator(ROWS).filter(has_text="Maximiliana")
    for name in CARD_FIELDS:
        cell = card.locator(f"td[data-column={name}]")
        expect(cell).to_be_visible()
        expect(cell).to_be_in_viewport()
    expect(card.locator("td[data-column=name]")).to_have_text("Maximiliana Wolfeschlegelsteinhausen")
    expect(card.locator("td[data-column=status]")).to_have_text("Prospect")
    expect(card.locator("td[data-column=phone]")).to_have_text("+1 206-555-0100")
    expect(card.locator("td[data-column=city]")).to_have_text("Seattle")

    # At a desktop's width it is the table again.
    page.set_viewport_size(DESKTOP)
    expect(page.locator("#results thead th[data-column=email]")).to_be_visible()


@pytest.mark.parametrize("touch", [False, True], ids=["mouse", "touch"])
def test_the_ctrl_k_hint_is_only_for_keyboards(
    live_server: Any, chromium: Browser, users: dict[str, Any], touch: bool
) -> None:
    from django.conf import settings
    from django.test import Client

    context = chromium.new_context(viewport=DESKTOP, has_touch=touch, is_mobile=touch)
    try:
        client = Client()
        client.force_login(users["sales"])
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": live_server.url}])
        page = context.new_page()
        page.goto(f"{live_server.url}/customers/")
        expect(page.locator(".global-search input")).to_be_visible()
        hint = page.locator(".global-search .hotkey-hint")
        if touch:
            expect(hint).to_be_hidden()
        else:
            expect(hint).to_be_visible()
    finally:
        context.close()
