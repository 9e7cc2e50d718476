"""A bulk operation's page is reachable without its toast: from the audit log and from a changed customer's History."""

import re
from collections.abc import Callable
from typing import Any

from playwright.sync_api import Page, expect

from clientbook.core.records import bulk
from clientbook.customers.bulk import change_status
from clientbook.customers.factories import CustomerFactory
from clientbook.customers.models import Customer


def test_open_an_operation_from_the_audit_log_and_from_history(
    live_server: Any, page_as: Callable[[str], Page], users: dict[str, Any]
) -> None:
    customers = [CustomerFactory(first_name="Ada", last_name="Lovelace"), CustomerFactory()]
    operation = change_status(
        user=users["sales"],
        selection=bulk.Selection.of_keys(customer.code for customer in customers),
        status=Customer.Status.INACTIVE,
    )
    page = page_as("admin")

    page.goto(f"{live_server.url}/audit/")
    page.get_by_test_id("operation-link").first.click()
    expect(page).to_have_url(re.compile(rf"/operations/{operation.id}/$"))
    expect(page.get_by_test_id("undo-operation")).to_be_visible()

    page.goto(f"{live_server.url}{customers[0].get_absolute_url()}")
    page.get_by_test_id("history-tab").click()
    page.get_by_test_id("history").get_by_test_id("operation-link").click()
    expect(page).to_have_url(re.compile(rf"/operations/{operation.id}/$"))
    expect(page.locator("h1")).to_have_text(operation.description)
