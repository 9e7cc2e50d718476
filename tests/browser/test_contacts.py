"""An organization's Contacts tab in a real browser: add in the modal, set as primary, delete with Undo."""

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from clientbook.contacts.factories import ContactFactory
from clientbook.contacts.models import Contact
from tests.browser.actions import shoot_both_sizes

pytestmark = pytest.mark.django_db(transaction=True)


def test_contacts_tab_add_set_primary_delete_and_undo(live_server: Any, page_as: Callable[[str], Page]) -> None:
    first = ContactFactory(first_name="Awa", last_name="Bojang", is_primary=True, phone="+2207012345")
    organization = first.organization
    page = page_as("sales")
    page.goto(f"{live_server.url}{organization.get_absolute_url()}")
    page.get_by_test_id("contacts-tab").click()
    tab = page.get_by_test_id("tab-contacts")
    expect(tab).to_contain_text("Awa Bojang")

    tab.get_by_test_id("add-contact").click()
    modal = page.locator("#modal")
    # Shown: the first field has the focus (typing before that can race Bootstrap's focus trap).
    expect(modal.get_by_label("Organization")).to_be_focused()
    modal.get_by_label("First name").fill("Binta")
    modal.get_by_label("Last name").fill("Singhateh")
    modal.get_by_label("Job title").fill("Director")
    modal.get_by_test_id("save").click()
    expect(modal).to_be_hidden()
    row = tab.locator(".list-group-item", has_text="Binta Singhateh")
    expect(row).to_contain_text("Director")

    row.get_by_test_id("action-set-primary").click()
    expect(page.locator("#toasts")).to_contain_text("Binta Singhateh is now the primary contact.")
    expect(tab.locator(".list-group-item", has_text="Binta Singhateh").get_by_test_id("flag-badge")).to_be_visible()
    expect(tab.locator(".list-group-item", has_text="Awa Bojang").get_by_test_id("flag-badge")).to_have_count(0)
    shoot_both_sizes(page, "contacts-tab")

    tab.locator(".list-group-item", has_text="Binta Singhateh").get_by_test_id("delete").click()
    modal.get_by_test_id("confirm-delete").click()
    toast = page.locator("#toasts .toast", has_text="none is primary now")
    expect(toast).to_be_visible()
    expect(tab).not_to_contain_text("Binta Singhateh")
    assert not Contact.objects.filter(is_primary=True).exists()
    toast.get_by_role("button", name="Undo").click()
    expect(tab).to_contain_text("Binta Singhateh")

    page.goto(f"{live_server.url}/contacts/?q=7012345")
    expect(page.locator("#results")).to_contain_text("Awa Bojang")
    expect(page.locator("#results")).not_to_contain_text("Binta")
    shoot_both_sizes(page, "contacts-list")
    page.locator("#results").get_by_role("link", name="Awa Bojang", exact=True).click()
    expect(page.get_by_role("heading", name="Awa Bojang")).to_be_visible()
    shoot_both_sizes(page, "contact-detail")
