"""Steps several browser tests take the same way."""

import os
import re
from pathlib import Path

from playwright.sync_api import Page, expect


def open_filters(page: Page) -> None:
    """Open the advanced-search panel and wait for its slide-down to end, as a person would.

    A click aimed at a control while Bootstrap still animates the panel lands on whatever is there.
    """
    page.get_by_test_id("filters-toggle").click()
    expect(page.locator("#advanced-search")).to_have_class(re.compile(r"\bcollapse\b.*\bshow\b"))


SHOTS = Path(os.environ.get("CLIENTBOOK_SHOTS", "/tmp/shots"))


def shoot_both_sizes(page: Page, name: str) -> None:
    """Full-page screenshots at a desktop and a phone size (``<name>-1280.png``, ``<name>-390.png``)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    for width, height in ((1280, 800), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)
