"""Browser tests: Playwright driving Debian's Chromium (no Playwright browser download here)."""

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def chromium() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def browser_context(chromium: Browser) -> Iterator[BrowserContext]:
    context = chromium.new_context(viewport={"width": 1400, "height": 900})
    context.set_default_timeout(10_000)
    yield context
    context.close()


@pytest.fixture
def page_as(live_server: Any, browser_context: BrowserContext, users: dict[str, Any]) -> Callable[[str], Page]:
    """``page_as("sales")``: a page whose browser is already logged in as the sales user."""

    def make(role: str) -> Page:
        client = Client()
        client.force_login(users[role])
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        browser_context.add_cookies(
            [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": live_server.url}]
        )
        return browser_context.new_page()

    return make


@pytest.fixture
def page_without_javascript(live_server: Any, chromium: Browser, users: dict[str, Any]) -> Iterator[Page]:
    """A logged-in sales user's page with JavaScript switched off: forms must work as plain pages."""
    context = chromium.new_context(java_script_enabled=False, viewport={"width": 1400, "height": 900})
    context.set_default_timeout(10_000)
    client = Client()
    client.force_login(users["sales"])
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": live_server.url}])
    yield context.new_page()
    context.close()
