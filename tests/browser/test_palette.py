"""The Ctrl+K palette in a real browser: a phone typed in another format finds the customer, Enter opens
the page; "/" opens it too, except while typing in a text field; the arrows move the highlight."""

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from clientbook.contacts.factories import ContactFactory
from clientbook.customers.factories import CustomerFactory, OrganizationFactory
from clientbook.notes.factories import NoteFactory
from tests.browser.actions import SHOTS, shoot_both_sizes

pytestmark = pytest.mark.django_db(transaction=True)

PALETTE = "#palette"
OPTIONS = "#palette [data-search-option]"


@pytest.fixture
def customer_list(live_server: Any, page_as: Callable[[str], Page]) -> Page:
    page = page_as("support")
    page.goto(f"{live_server.url}/customers/")
    return page


def test_ctrl_k_finds_a_phone_typed_in_another_format_and_enter_opens_it(customer_list: Page) -> None:
    CustomerFactory(first_name="Aaron", last_name="Early", phone="+1 940 986 3000")
    wanted = CustomerFactory(first_name="Zoe", last_name="Zimmer", phone="+19409863836")
    page = customer_list
    palette = page.locator(PALETTE)
    expect(palette).to_be_hidden()

    page.keyboard.press("Control+k")
    expect(palette).to_be_visible()
    expect(page.locator("#palette-input")).to_be_focused()
    page.keyboard.type("(940) 986-3836", delay=20)

    group = palette.locator("[data-search-group=customers]")
    expect(group.locator(".search-group-title")).to_have_text("Customers")
    first = group.locator(".search-result").first
    expect(first).to_contain_text("Zoe Zimmer")
    expect(first).to_contain_text("Exact match")
    expect(first).to_have_attribute("aria-selected", "true")
    expect(page.locator("#palette-input")).to_have_attribute("aria-activedescendant", first.get_attribute("id") or "")
    page.keyboard.press("Enter")

    expect(page).to_have_url(f"{page.url.split('/customers/')[0]}/customers/{wanted.code}/")
    expect(page.locator("h1")).to_contain_text("Zoe Zimmer")


def test_slash_opens_it_but_not_inside_a_text_field_and_escape_gives_the_focus_back(customer_list: Page) -> None:
    page = customer_list
    search = page.locator("#list-search")
    search.click()
    page.keyboard.type("a/b")
    expect(search).to_have_value("a/b")
    expect(page.locator(PALETTE)).to_be_hidden()

    page.locator("h1").click()
    page.keyboard.press("/")
    expect(page.locator(PALETTE)).to_be_visible()
    expect(page.locator("#palette-input")).to_be_focused()
    expect(page.locator("#palette-input")).to_have_value("")

    page.keyboard.press("Escape")
    expect(page.locator(PALETTE)).to_be_hidden()

    search.focus()
    page.keyboard.press("Control+k")
    expect(page.locator(PALETTE)).to_be_visible()
    page.keyboard.press("Escape")
    expect(search).to_be_focused()


def test_groups_arrows_and_see_all(live_server: Any, page_as: Callable[[str], Page]) -> None:
    for number in range(6):
        CustomerFactory(first_name=f"Person{number}", last_name="Halvorsen", city="Tromsø")
    organization = OrganizationFactory(company_name="Halvorsen Shipping AS")
    ContactFactory(organization=organization, first_name="Ingrid", last_name="Halvorsen", job_title="Buyer")
    NoteFactory(customer=organization, body="Halvorsen asked for the **renewal** terms")
    page = page_as("sales")
    page.goto(f"{live_server.url}/notes/")

    page.keyboard.press("Control+k")
    page.keyboard.type("halvorsen")
    palette = page.locator(PALETTE)
    groups = palette.locator("[data-search-group]")
    # The note's timeline entry is an Activity, a spec of its own: its group comes without any change here.
    expect(groups.locator(".search-group-title")).to_have_text(["Customers", "Contacts", "Activities", "Notes"])
    expect(palette.locator("[data-search-group=customers] .search-result")).to_have_count(5)
    see_all = palette.locator("[data-search-group=customers] .search-see-all")
    expect(see_all).to_have_attribute("href", "/customers/?q=halvorsen")

    options = page.locator(OPTIONS)
    expect(options.nth(0)).to_have_attribute("aria-selected", "true")
    page.keyboard.press("ArrowUp")  # wraps to the last: the note
    expect(options.last).to_have_attribute("aria-selected", "true")
    expect(options.last).to_contain_text("Halvorsen asked for the renewal terms")
    for _ in range(6):  # from the last option round to the customers' "See all", the sixth
        page.keyboard.press("ArrowDown")
    expect(see_all).to_have_attribute("aria-selected", "true")

    SHOTS.mkdir(parents=True, exist_ok=True)
    for width, height in ((1280, 800), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=str(SHOTS / f"palette-{width}.png"))
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{live_server.url}/customers/?q=halvorsen")


def test_without_javascript_the_sidebar_search_shows_the_same_groups(
    page_without_javascript: Page, live_server: Any
) -> None:
    wanted = CustomerFactory(first_name="Jo", last_name="Nojs", email="jo.nojs@example.com")
    page = page_without_javascript
    page.goto(f"{live_server.url}/customers/")

    page.locator(".global-search input").fill("JO.NOJS@example.com")
    page.locator(".global-search input").press("Enter")

    expect(page).to_have_url(f"{live_server.url}/search/?q=JO.NOJS%40example.com")
    result = page.locator("[data-search-group=customers] .search-result")
    expect(result).to_contain_text("Jo Nojs")
    expect(result).to_contain_text("Exact match")
    expect(result).to_have_attribute("href", f"/customers/{wanted.code}/")
    shoot_both_sizes(page, "search-page")
