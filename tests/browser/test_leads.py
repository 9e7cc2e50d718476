"""Converting a lead in a real browser: the dialog offers the look-alike customer, "Create anyway"
makes a new one, its page links back with "View original lead", and the lead says what it became."""

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from clientbook.activities.factories import ActivityFactory
from clientbook.customers.factories import CustomerFactory
from clientbook.customers.models import Customer
from clientbook.leads.factories import LeadFactory
from tests.browser.actions import shoot_both_sizes

pytestmark = pytest.mark.django_db(transaction=True)


def test_convert_a_lead_open_its_customer_and_follow_view_original_lead(
    live_server: Any, page_as: Callable[[str], Page], users: dict[str, Any]
) -> None:
    look_alike = CustomerFactory(first_name="Neha", last_name="Kapoor", email="neha.kapoor@example.com")
    lead = LeadFactory(name="Neha Kapoor", email="Neha.Kapoor@example.com", company="Kapoor Exports")
    ActivityFactory(customer=None, lead=lead, title="Asked for the fee schedule", author=users["sales"])
    page = page_as("sales")
    page.goto(f"{live_server.url}{lead.get_absolute_url()}")

    page.get_by_test_id("convert-lead").click()
    modal = page.locator("#modal")
    expect(modal.get_by_test_id("duplicates")).to_contain_text(look_alike.code)
    expect(modal.get_by_test_id("duplicates")).to_contain_text("same e-mail")
    shoot_both_sizes(page, "lead-convert-dialog")
    modal.get_by_test_id("create-customer").click()

    expect(page.get_by_test_id("customer-name")).to_have_text("Neha Kapoor")
    customer = Customer.objects.exclude(pk=look_alike.pk).get()
    expect(page.get_by_test_id("customer-code")).to_have_text(customer.code)
    page.get_by_test_id("activities-tab").click()
    timeline = page.get_by_test_id("tab-activities")
    expect(timeline).to_contain_text("Asked for the fee schedule")
    expect(timeline).to_contain_text(f"Lead {lead.code} (Neha Kapoor) converted to new customer {customer.code}")
    shoot_both_sizes(page, "customer-from-lead")

    page.get_by_test_id("original-lead").click()
    expect(page.get_by_test_id("converted-to")).to_contain_text(f"Converted to {customer.code}")
    expect(page.get_by_test_id("convert-lead")).to_have_count(0)
    expect(page.get_by_test_id("edit")).to_have_count(0)
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth")
    shoot_both_sizes(page, "lead-converted")


def test_an_admin_gives_a_pan_a_customer_has_sees_the_offer_and_links(
    live_server: Any, page_as: Callable[[str], Page], users: dict[str, Any]
) -> None:
    holder = CustomerFactory(first_name="Arjun", last_name="Mehta", email="arjun@old.example.com", pan="AAKPV5678Q")
    lead = LeadFactory(name="Arjun Mehta", email="arjun.m@example.com", mobile="")
    page = page_as("admin")
    page.goto(f"{live_server.url}{lead.get_absolute_url()}")

    page.get_by_test_id("convert-lead").click()
    modal = page.locator("#modal")
    expect(modal.get_by_test_id("no-duplicates")).to_be_visible()
    modal.get_by_label("PAN of the new customer (optional)").fill("aakpv5678q")
    modal.get_by_test_id("create-customer").click()

    expect(modal.get_by_test_id("duplicates")).to_contain_text(holder.code)
    expect(modal.get_by_test_id("duplicates")).to_contain_text("same PAN")
    expect(modal.get_by_test_id("create-customer")).to_have_text("Create a new customer anyway")
    assert "AAKPV5678Q" not in modal.inner_html()
    shoot_both_sizes(page, "lead-convert-pan-duplicate")
    page.set_viewport_size({"width": 1280, "height": 800})
    modal.get_by_test_id(f"link-{holder.code}").click()

    expect(page.get_by_test_id("customer-code")).to_have_text(holder.code)
    assert Customer.objects.count() == 1
    page.get_by_test_id("original-lead").click()
    expect(page.get_by_test_id("converted-to")).to_contain_text(f"Converted to {holder.code}")
