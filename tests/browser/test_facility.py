"""Facility access in a real browser: an operator issues a card from the customer's Access cards tab, sees its QR
code and badge, a gate reader records an entry with that QR payload over HTTP, and the customer is on the
Presence page (reached from the sidebar), in the Events and Entries tabs and in the customer list's
"currently inside" filter."""

import json
import re
import urllib.request
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from clientbook.customers.factories import CustomerFactory
from clientbook.facility.factories import DeviceFactory, ZoneFactory
from clientbook.facility.models import AccessCard
from tests.browser.actions import open_filters, shoot_both_sizes
from tests.facility.conftest import token_of

pytestmark = pytest.mark.django_db(transaction=True)
DESKTOP = {"width": 1280, "height": 800}


def post_decision(base_url: str, token: str, body: dict[str, Any]) -> dict[str, Any]:
    """What a gate reader does: its own bearer token, no session, JSON in and out."""
    request = urllib.request.Request(
        f"{base_url}/api/v1/access/decisions",
        data=json.dumps(body).encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())  # type: ignore[no-any-return]


def test_issue_a_card_see_its_qr_enter_with_it_and_find_the_customer_inside(
    live_server: Any, page_as: Callable[[str], Page]
) -> None:
    zone = ZoneFactory(name="Main hall", capacity=50)
    reader = DeviceFactory(name="Main door", zone=zone, direction="entry")
    token = token_of(reader)
    customer = CustomerFactory(first_name="Grace", last_name="Hopper")
    CustomerFactory(first_name="Never", last_name="Came")
    page = page_as("facility")
    page.set_viewport_size(DESKTOP)

    page.goto(f"{live_server.url}{customer.get_absolute_url()}")
    page.get_by_test_id("access-cards-tab").click()
    tab = page.get_by_test_id("tab-access-cards")
    tab.locator('[data-testid^="add-"]').click()
    modal = page.locator("#modal-content")
    modal.get_by_label("Card number").fill("GH-0001")
    modal.get_by_label("Main hall").check()
    modal.get_by_test_id("save").click()
    row = tab.locator("[data-row]").filter(has_text="GH0001")
    expect(row).to_be_visible()
    shoot_both_sizes(page, "access-cards-tab")
    page.set_viewport_size(DESKTOP)

    row.get_by_role("link", name="GH0001", exact=True).click()
    qr = page.get_by_test_id("card-qr")
    expect(qr.locator("svg, img").first).to_be_visible()
    shoot_both_sizes(page, "card-page")
    page.set_viewport_size(DESKTOP)

    page.get_by_test_id("print-badge").click()
    expect(page.locator("svg").first).to_be_visible()
    expect(page.get_by_text("Grace Hopper").first).to_be_visible()
    shoot_both_sizes(page, "print-badge")
    page.set_viewport_size(DESKTOP)

    card = AccessCard.objects.get(card_number="GH0001")
    answer = post_decision(live_server.url, token, {"qr": card.qr_payload})
    assert answer["allowed"] is True and answer["direction"] == "entry"
    assert answer["customer"]["code"] == customer.code and answer["zone"] == "Main hall"

    page.goto(f"{live_server.url}{customer.get_absolute_url()}")
    page.get_by_test_id("nav-presence").click()
    expect(page).to_have_url(f"{live_server.url}/zones/presence/")
    hall = page.get_by_test_id(f"zone-{zone.pk}")
    expect(hall.get_by_test_id("occupancy")).to_have_text("1 / 50 inside")
    expect(hall.get_by_test_id("inside")).to_contain_text("Grace Hopper")
    shoot_both_sizes(page, "presence")
    page.set_viewport_size(DESKTOP)

    page.goto(f"{live_server.url}{customer.get_absolute_url()}")
    page.get_by_test_id("events-tab").click()
    expect(page.get_by_test_id("tab-events")).to_contain_text("Main door")
    shoot_both_sizes(page, "events-tab")
    page.set_viewport_size(DESKTOP)
    page.get_by_test_id("entries-tab").click()
    expect(page.get_by_test_id("tab-entries")).to_contain_text("Main hall")
    shoot_both_sizes(page, "entries-tab")
    page.set_viewport_size(DESKTOP)

    # The customer list's "currently inside" filter finds her, and not a customer who never came.
    page.goto(f"{live_server.url}/customers/?columns=code,name,status,last_visit,inside_now")
    rows = page.locator("#results tbody tr[data-href]")
    expect(rows).to_have_count(2)
    open_filters(page)
    page.locator("#advanced-search").get_by_label("Currently inside").select_option("Yes")
    page.get_by_role("button", name="Apply filters").click()
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Grace Hopper")
    expect(rows.first.get_by_test_id("inside-zone")).to_have_text("Main hall")
    expect(page).to_have_url(re.compile(r"inside=true"))
    shoot_both_sizes(page, "customers-inside")
