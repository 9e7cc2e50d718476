"""Changing one's own password from the account menu, in a real browser: the page stays logged in."""

import re
from collections.abc import Callable
from typing import Any

from playwright.sync_api import Page, expect

from tests.conftest import PASSWORD

NEW_PASSWORD = "Blue-Harbour-Lantern-7"


def test_change_password_from_the_account_menu(
    live_server: Any, page_as: Callable[[str], Page], users: dict[str, Any]
) -> None:
    page = page_as("support")
    page.goto(f"{live_server.url}/customers/")
    page.get_by_test_id("user-menu").click()
    page.get_by_test_id("change-password").click()
    expect(page).to_have_url(re.compile(r"/accounts/password/$"))

    page.locator("#id_old_password").fill("not-my-password")
    page.locator("#id_new_password1").fill(NEW_PASSWORD)
    page.locator("#id_new_password2").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Change password").click()
    expect(page.locator(".invalid-feedback")).to_contain_text("Your old password was entered incorrectly.")
    expect(page.locator("#id_old_password")).to_have_attribute("aria-invalid", "true")

    page.locator("#id_old_password").fill(PASSWORD)
    page.locator("#id_new_password1").fill(NEW_PASSWORD)
    page.locator("#id_new_password2").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Change password").click()
    expect(page.locator("#toasts")).to_contain_text("Your password was changed.")

    page.goto(f"{live_server.url}/customers/")
    expect(page.locator("h1")).to_have_text("Customers")
    users["support"].refresh_from_db()
    assert users["support"].check_password(NEW_PASSWORD)
