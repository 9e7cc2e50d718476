"""The audit log page in a real browser: filter by action without reloading, export what is shown."""

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from clientbook.core.models import AuditEvent
from clientbook.customers import services
from clientbook.customers.factories import CustomerFactory
from tests.browser.actions import open_filters

# Live-server tests empty the database after each test; serialized rollback brings back what the
# migrations created (the role groups) for the next one.
pytestmark = pytest.mark.django_db(transaction=True)

SHOTS = Path("/tmp/shots")


def test_filter_the_log_and_export_the_filtered_events(
    live_server: Any, page_as: Callable[[str], Page], users: dict[str, Any]
) -> None:
    ada = CustomerFactory(first_name="Ada", last_name="Lovelace", city="London")
    services.update_customer(user=users["sales"], customer=ada, city="Paris")
    services.change_status(user=users["admin"], customer=ada, status="inactive")
    page = page_as("admin")
    page.goto(f"{live_server.url}/customers/")
    page.get_by_role("link", name="Audit log").click()
    # The customer's three events, and the users and the login the test set up.
    expect(page.get_by_test_id("results-total")).to_have_text(f"{AuditEvent.objects.count()} audit events")

    open_filters(page)
    page.locator("#filter_action").select_option("update")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_test_id("results-total")).to_have_text("1 audit event")
    expect(page.locator("#results")).to_contain_text("City: London → Paris")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "audit-log.png"), full_page=True)

    with page.expect_download() as download_info:
        page.get_by_test_id("export-csv").click()
    exported = Path(download_info.value.path()).read_text(encoding="utf-8-sig").splitlines()
    assert len(exported) == 2  # the header and the one update shown
    assert ",update," in exported[1] and "Paris" in exported[1]
