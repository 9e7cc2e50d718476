"""The customer workspace: its header, quick actions and tabs at a phone's width, and tabs with their own addresses."""

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from clientbook.contacts.factories import ContactFactory
from clientbook.customers.factories import OrganizationFactory
from clientbook.notes.factories import NoteFactory
from tests.browser.actions import shoot_both_sizes

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}


def _overflowing(page: Page, selector: str) -> list[str]:
    """The elements under ``selector`` whose right edge passes the viewport (what would scroll sideways)."""
    return page.evaluate(
        """(selector) => [...document.querySelectorAll(selector + ' *')]
             .filter((el) => el.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5)
             .map((el) => el.outerHTML.slice(0, 80))""",
        selector,
    )


def test_header_actions_and_tabs_fit_a_phone_without_sideways_scrolling(
    live_server: Any, page_as: Callable[[str], Page], users: dict[str, Any]
) -> None:
    organization = OrganizationFactory(
        company_name="Anderson Partners International Holdings Inc.",
        phone="+13123153127",
        email="accounts.receivable@anderson-partners-international.example.com",
    )
    ContactFactory(organization=organization, first_name="Matthew", last_name="Wilson", is_primary=True)
    NoteFactory(customer=organization, body="**Renewal** due in spring", pinned=True, author=users["sales"])
    page = page_as("sales")
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}{organization.get_absolute_url()}")

    expect(page.get_by_test_id("customer-name")).to_be_visible()
    expect(page.get_by_test_id("fact-primary-contact")).to_contain_text("Matthew Wilson")
    expect(page.get_by_test_id("whatsapp-customer")).to_have_attribute("href", "https://wa.me/13123153127")
    for part in ("#record-header", "#record-tabs"):
        assert _overflowing(page, part) == [], part
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shoot_both_sizes(page, "workspace-overview")


def test_each_tab_has_its_own_address_with_and_without_javascript(
    live_server: Any, page_as: Callable[[str], Page], page_without_javascript: Page
) -> None:
    organization = OrganizationFactory(company_name="Globex")
    ContactFactory(organization=organization, first_name="Awa", last_name="Bojang")
    page = page_as("sales")
    page.goto(f"{live_server.url}{organization.get_absolute_url()}")
    page.evaluate("document.body.dataset.sameDocument = 'yes'")

    page.get_by_test_id("contacts-tab").click()
    expect(page).to_have_url(f"{live_server.url}/customers/{organization.code}/contacts/")
    expect(page.get_by_test_id("tab-contacts")).to_contain_text("Awa Bojang")
    expect(page.get_by_test_id("contacts-tab")).to_have_attribute("aria-current", "page")
    page.get_by_test_id("history-tab").click()
    expect(page.get_by_test_id("tab-history")).to_contain_text("recorded change")
    assert page.evaluate("document.body.dataset.sameDocument") == "yes"  # swapped in, not reloaded
    page.go_back()
    expect(page.get_by_test_id("tab-contacts")).to_contain_text("Awa Bojang")

    plain = page_without_javascript
    plain.goto(f"{live_server.url}{organization.get_absolute_url()}")
    plain.get_by_test_id("contacts-tab").click()
    expect(plain).to_have_url(f"{live_server.url}/customers/{organization.code}/contacts/")
    expect(plain.get_by_test_id("tab-contacts")).to_contain_text("Awa Bojang")
