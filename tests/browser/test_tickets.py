"""Tickets and calls in a real browser: open a ticket from the customer's Tickets tab and close it (the header's
open count and the timeline follow); the Calls tab: a missed call's Call back and Log outcome, then the filters."""

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from clientbook.activities.factories import ActivityFactory
from clientbook.customers.factories import CustomerFactory
from clientbook.tickets.factories import TicketFactory
from tests.browser.actions import shoot_both_sizes

pytestmark = pytest.mark.django_db(transaction=True)
PHONE = {"width": 390, "height": 844}


def no_sideways_scroll(page: Page) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


def test_open_a_ticket_from_the_tickets_tab_and_close_it(
    live_server: Any, page_as: Callable[[str], Page], users: dict[str, Any]
) -> None:
    customer = CustomerFactory()
    ticket = TicketFactory(
        customer=customer, subject="Card blocked abroad", priority="urgent", description="Blocked in **Lisbon**."
    )
    TicketFactory(customer=customer, subject="Statement missing", status="pending")
    page = page_as("support")
    page.goto(f"{live_server.url}{customer.get_absolute_url()}")
    open_count = page.get_by_test_id("fact-open-tickets")
    expect(open_count).to_contain_text("2")

    page.get_by_test_id("tickets-tab").click()
    tab = page.get_by_test_id("tab-tickets")
    row = tab.get_by_test_id("ticket").filter(has_text="Card blocked abroad")
    expect(row.get_by_test_id("ticket-status")).to_have_text("Open")
    expect(row.get_by_test_id("ticket-priority")).to_have_text("Urgent")
    shoot_both_sizes(page, "tickets-tab")
    page.set_viewport_size(PHONE)
    assert no_sideways_scroll(page)
    page.set_viewport_size({"width": 1280, "height": 800})

    row.get_by_test_id("ticket-link").click()
    expect(page).to_have_url(f"{live_server.url}/tickets/{ticket.code}/")
    expect(page.get_by_test_id("ticket-number")).to_have_text(ticket.code)
    expect(page.get_by_test_id("ticket-description").locator("strong")).to_have_text("Lisbon")
    page.get_by_test_id("action-close").click()
    expect(page.get_by_test_id("ticket-badges").get_by_test_id("ticket-status")).to_have_text("Closed")
    expect(page.get_by_test_id("ticket-entries")).to_contain_text(
        f"Ticket {ticket.code} “Card blocked abroad”: Open → Closed"
    )
    expect(page.get_by_test_id("action-reopen")).to_be_visible()
    shoot_both_sizes(page, "ticket-closed")

    page.goto(f"{live_server.url}{customer.get_absolute_url()}")
    expect(page.get_by_test_id("fact-open-tickets")).to_contain_text("1")
    page.get_by_test_id("activities-tab").click()
    expect(page.get_by_test_id("tab-activities")).to_contain_text("Open → Closed")


def test_the_calls_tab_calls_back_a_missed_call_and_logs_its_outcome(
    live_server: Any, page_as: Callable[[str], Page], users: dict[str, Any]
) -> None:
    customer = CustomerFactory(phone="+2348031234567")
    earlier = timezone.now() - timedelta(hours=3)
    ActivityFactory(
        customer=customer,
        author=users["sales"],
        type="call",
        title="Rang during the meeting",
        direction="in",
        outcome="missed",
        phone="+2348031234567",
        occurred_at=earlier,
    )
    ActivityFactory(customer=customer, author=users["sales"], type="email", title="Sent the rates")
    page = page_as("sales")
    page.goto(f"{live_server.url}{customer.get_absolute_url()}")
    page.get_by_test_id("calls-tab").click()
    calls = page.get_by_test_id("tab-calls")
    expect(calls.get_by_test_id("call")).to_have_count(1)
    missed = calls.get_by_test_id("call").first
    expect(missed.get_by_test_id("call-outcome")).to_have_text("Missed")
    expect(missed.get_by_test_id("call-back")).to_have_attribute("href", "tel:+2348031234567")
    shoot_both_sizes(page, "calls-tab")
    page.set_viewport_size(PHONE)
    assert no_sideways_scroll(page)
    page.set_viewport_size({"width": 1280, "height": 800})

    missed.get_by_test_id("log-outcome").click()
    modal = page.locator("#modal")
    expect(modal.get_by_label("Title")).to_have_value("Call back: Rang during the meeting")
    expect(modal.get_by_label("Direction")).to_have_value("out")
    expect(modal.get_by_label("Phone number")).to_have_value("+2348031234567")
    modal.get_by_label("Duration (minutes)").fill("6")
    modal.get_by_label("Outcome").select_option("positive")
    modal.get_by_test_id("save").click()
    expect(modal).to_be_hidden()
    expect(calls.get_by_test_id("call")).to_have_count(2)
    expect(calls.get_by_test_id("call").first).to_contain_text("Call back: Rang during the meeting")
    expect(calls.get_by_test_id("call-back")).to_have_count(1)

    page.goto(f"{live_server.url}/customers/{customer.code}/calls/?direction=in")
    expect(page.get_by_test_id("tab-calls").get_by_test_id("call")).to_have_count(1)
    expect(page.get_by_test_id("tab-calls").get_by_test_id("call")).to_contain_text("Rang during the meeting")
    page.get_by_test_id("activities-tab").click()
    expect(page.get_by_test_id("tab-activities")).to_contain_text("Call back: Rang during the meeting")
    expect(page.get_by_test_id("tab-activities")).to_contain_text("Sent the rates")
