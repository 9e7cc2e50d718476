"""Steps several browser tests take the same way."""

import re

from playwright.sync_api import Page, expect


def open_filters(page: Page) -> None:
    """Open the advanced-search panel and wait for its slide-down to end, as a person would.

    A click aimed at a control while Bootstrap still animates the panel lands on whatever is there.
    """
    page.get_by_test_id("filters-toggle").click()
    expect(page.locator("#advanced-search")).to_have_class(re.compile(r"\bcollapse\b.*\bshow\b"))
