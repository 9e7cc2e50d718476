"""Logging in and out in a real browser: the form, the landing page, the user menu, a wrong password."""

import re
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from clientbook.core.models import AuditEvent
from clientbook.customers.factories import CustomerFactory
from tests.conftest import PASSWORD

# Live-server tests empty the database after each test; serialized rollback brings back what the
# migrations created (the role groups) for the next one.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def login_page(live_server: Any, browser_context: BrowserContext) -> Page:
    page = browser_context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    return page


def submit_login(page: Page, username: str, password: str) -> None:
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()


def test_log_in_land_on_the_customers_and_log_out_from_the_user_menu(
    live_server: Any, login_page: Page, make_user: Callable[..., Any]
) -> None:
    make_user("sales", username="sam", first_name="Sam", last_name="Seller")
    CustomerFactory(first_name="Ada", last_name="Lovelace")
    page = login_page

    submit_login(page, "sam", PASSWORD)

    expect(page).to_have_url(f"{live_server.url}/customers/")
    expect(page.get_by_role("heading", name="Customers")).to_be_visible()
    expect(page.locator("#results")).to_contain_text("Ada Lovelace")
    expect(page.get_by_test_id("user-menu")).to_contain_text("Sam Seller")

    page.get_by_test_id("user-menu").click()
    page.get_by_role("button", name="Log out").click()

    expect(page).to_have_url(f"{live_server.url}/accounts/login/")
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()
    # The session is gone: the list sends the visitor back to the login page.
    page.goto(f"{live_server.url}/customers/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/customers/$"))
    recorded = AuditEvent.objects.filter(object_code="sam").order_by("id").values_list("action", flat=True)
    assert list(recorded) == [AuditEvent.Action.CREATE, AuditEvent.Action.LOGIN, AuditEvent.Action.LOGOUT]


def test_a_wrong_password_shows_the_error_and_keeps_the_username(
    live_server: Any, login_page: Page, make_user: Callable[..., Any]
) -> None:
    make_user("support", username="sol")
    page = login_page

    submit_login(page, "sol", "Not-The-Password-1")

    expect(page.get_by_role("alert")).to_contain_text("Please enter a correct username and password")
    expect(page).to_have_url(f"{live_server.url}/accounts/login/")
    expect(page.get_by_label("Username")).to_have_value("sol")
    expect(page.get_by_label("Password")).to_have_value("")
    assert AuditEvent.objects.filter(action=AuditEvent.Action.LOGIN_FAILED, object_code="sol").count() == 1

    submit_login(page, "sol", PASSWORD)

    expect(page).to_have_url(f"{live_server.url}/customers/")
