"""A customer's Activities tab in a real browser: "Log activity" → a call with its number, direction,
duration and outcome → the entry heads the timeline; the Communication chip keeps it, Notes hides it."""

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from clientbook.activities.factories import ActivityFactory
from clientbook.customers import services as customers
from clientbook.customers.factories import CustomerFactory
from clientbook.notes.factories import NoteFactory
from tests.browser.actions import shoot_both_sizes

pytestmark = pytest.mark.django_db(transaction=True)


def test_log_a_call_and_filter_the_timeline_by_chips(
    live_server: Any, page_as: Callable[[str], Page], users: dict[str, Any]
) -> None:
    customer = CustomerFactory(phone="+2348031234567", status="active")
    earlier = timezone.now() - timedelta(days=2)
    ActivityFactory(
        customer=customer, author=users["admin"], type="email", title="Sent the price list", occurred_at=earlier
    )
    NoteFactory(customer=customer, author=users["sales"], body="Prefers **mornings**")
    customers.deactivate_customer(user=users["sales"], customer=customer)
    page = page_as("sales")
    page.goto(f"{live_server.url}/customers/{customer.code}/activities/")
    timeline = page.locator("#record-tab")
    expect(timeline.get_by_test_id("activity")).to_have_count(3)

    page.get_by_test_id("log-activity").click()
    modal = page.locator("#modal")
    expect(modal.get_by_label("Phone number")).to_be_visible()
    # A meeting has no number or direction: the form shows only what the type uses.
    modal.get_by_label("Type").select_option("meeting")
    expect(modal.get_by_label("Phone number")).to_be_hidden()
    expect(modal.get_by_label("Direction")).to_be_hidden()
    expect(modal.get_by_label("Duration (minutes)")).to_be_visible()
    modal.get_by_label("Type").select_option("call")
    expect(modal.get_by_label("Phone number")).to_have_value("+234 803 123 4567")
    modal.get_by_label("Title").fill("Renewal call")
    modal.get_by_label("Direction").select_option("out")
    modal.get_by_label("Duration (minutes)").fill("25")
    modal.get_by_label("Outcome").select_option("positive")
    modal.get_by_label("Description").fill("Agreed the **renewal** terms.")
    shoot_both_sizes(page, "activity-form")
    modal.get_by_test_id("save").click()
    expect(modal).to_be_hidden()

    first = timeline.get_by_test_id("activity").first
    expect(first).to_contain_text("Renewal call")
    expect(first.get_by_test_id("activity-duration")).to_have_text("25 min")
    expect(first.get_by_test_id("activity-direction")).to_have_text("Outbound")
    expect(first.get_by_test_id("activity-outcome")).to_have_text("Positive")
    expect(first.get_by_test_id("activity-phone")).to_have_attribute("href", "tel:+2348031234567")
    expect(first.locator("strong")).to_have_text("renewal")
    shoot_both_sizes(page, "activities-tab")

    timeline.get_by_test_id("chip").filter(has_text="Communication").click()
    expect(timeline.get_by_test_id("activity")).to_have_count(2)
    expect(timeline.get_by_test_id("activity").first).to_contain_text("Renewal call")
    timeline.get_by_test_id("chip").filter(has_text="Notes").click()
    expect(timeline.get_by_test_id("activity")).to_have_count(1)
    expect(timeline).not_to_contain_text("Renewal call")
    expect(timeline.get_by_test_id("activity-body").locator("strong")).to_have_text("mornings")
