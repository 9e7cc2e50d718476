"""A customer's Notes tab in a real browser: add a note with the toolbar's bold, pin it, a fourth pin
refused with the message, delete with Undo."""

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from clientbook.customers.factories import CustomerFactory
from clientbook.notes.factories import NoteFactory
from clientbook.notes.services import TOO_MANY_PINNED
from tests.browser.actions import shoot_both_sizes

pytestmark = pytest.mark.django_db(transaction=True)


def test_notes_tab_add_pin_limit_delete_and_undo(
    live_server: Any, page_as: Callable[[str], Page], users: dict[str, Any]
) -> None:
    customer = CustomerFactory()
    for body in ("Pinned one", "Pinned two"):
        NoteFactory(customer=customer, body=body, pinned=True, author=users["sales"])
    NoteFactory(customer=customer, body="Someone else's *note*", author=users["admin"])
    page = page_as("sales")
    page.goto(f"{live_server.url}{customer.get_absolute_url()}")
    page.get_by_test_id("notes-tab").click()
    tab = page.get_by_test_id("tab-notes")
    expect(tab).to_contain_text("Pinned one")

    tab.get_by_test_id("add-note").click()
    modal = page.locator("#modal")
    body = modal.get_by_label("Body")
    body.fill("Call back about ")
    body.press("End")
    modal.get_by_role("button", name="Bold").click()
    page.keyboard.type("the renewal")
    body.press("End")
    page.keyboard.type(".\n- first\n- [terms](https://example.com/terms)")
    expect(body).to_have_value("Call back about **the renewal**.\n- first\n- [terms](https://example.com/terms)")
    shoot_both_sizes(page, "note-form")
    modal.get_by_test_id("save").click()
    expect(modal).to_be_hidden()
    mine = tab.get_by_test_id("note").filter(has_text="Call back about")
    expect(mine.locator("strong")).to_have_text("the renewal")
    expect(mine.get_by_role("link", name="terms")).to_have_attribute("rel", "noopener noreferrer nofollow")
    theirs = tab.get_by_test_id("note").filter(has_text="Someone else")
    expect(theirs.locator("em")).to_have_text("note")
    expect(theirs.get_by_test_id("edit")).to_have_count(0)

    mine.get_by_test_id("action-pin").click()
    expect(page.locator("#toasts")).to_contain_text("pinned.")
    expect(tab.get_by_test_id("note").first).to_contain_text("Call back about")
    expect(tab.get_by_test_id("note").first.get_by_test_id("flag-badge")).to_be_visible()

    NoteFactory(customer=customer, body="A fourth to pin", author=users["sales"])
    page.reload()  # the tab has its own address: the page comes back with the Notes tab open
    expect(page.get_by_test_id("notes-tab")).to_have_attribute("aria-current", "page")
    fourth = tab.get_by_test_id("note").filter(has_text="A fourth to pin")
    fourth.get_by_test_id("action-pin").click()
    expect(page.locator("#toasts")).to_contain_text(TOO_MANY_PINNED)
    shoot_both_sizes(page, "notes-tab")

    mine = tab.get_by_test_id("note").filter(has_text="Call back about")
    mine.get_by_test_id("delete").click()
    modal.get_by_test_id("confirm-delete").click()
    toast = page.locator("#toasts .toast", has_text="deleted")
    expect(toast).to_be_visible()
    expect(tab).not_to_contain_text("Call back about")
    toast.get_by_role("button", name="Undo").click()
    expect(tab).to_contain_text("Call back about")
    expect(tab.get_by_test_id("note").filter(has_text="Call back about").locator("strong")).to_have_text("the renewal")

    page.goto(f"{live_server.url}/notes/?q=renewal")
    expect(page.locator("#results")).to_contain_text("Call back about")
    page.locator("#results").get_by_role("link", name="Call back about", exact=False).first.click()
    expect(page.get_by_test_id("note-body").locator("strong")).to_have_text("the renewal")
    shoot_both_sizes(page, "note-detail")
