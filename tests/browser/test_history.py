"""History in a real browser: edit a customer (or a contact), read the change in the History tab, revert one field."""

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from playwright.sync_api import Browser, Page, expect

from clientbook.contacts.factories import ContactFactory
from clientbook.core.kit import writes
from clientbook.core.models import AuditEvent
from clientbook.customers.factories import CustomerFactory
from clientbook.customers.models import Customer

# Live-server tests empty the database after each test; serialized rollback brings back what the
# migrations created (the role groups) for the next one.
pytestmark = pytest.mark.django_db(transaction=True)

SHOTS = Path("/tmp/shots")


def shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"history-{name}.png"), full_page=True)


def test_edit_then_revert_one_field_from_history(live_server: Any, page_as: Callable[[str], Page]) -> None:
    customer = CustomerFactory(first_name="Binta", last_name="Singhateh", city="Banjul", industry="Fishing")
    page = page_as("admin")
    page.goto(f"{live_server.url}{customer.get_absolute_url()}")

    page.get_by_test_id("edit-customer").click()
    modal = page.locator("#modal")
    expect(modal).to_be_visible()
    modal.locator("#id_city").fill("Serrekunda")
    modal.locator("#id_industry").fill("Tourism")
    modal.get_by_test_id("save-customer").click()
    expect(page.locator("#toasts")).to_contain_text(f"Customer {customer.code} ({customer.display_name}) saved.")

    page.get_by_test_id("history-tab").click()
    panel = page.locator("#record-tab")
    expect(panel).to_be_visible()
    update = panel.locator('[data-testid="history-entry"][data-action="update"]')
    expect(update).to_have_count(1)
    city_change = update.locator('tr[data-field="city"]')
    expect(city_change.get_by_test_id("change-before")).to_have_text("Banjul")
    expect(city_change.get_by_test_id("change-after")).to_have_text("Serrekunda")
    expect(update.get_by_test_id("history-actor")).to_have_text("admin-user")
    expect(panel.locator('[data-testid="history-entry"]').first).to_have_attribute("data-action", "update")
    shot(page, "1-tab")

    panel.locator('[data-testid="history-entry"][data-action="create"]').get_by_test_id("as-of-link").click()
    city_row = page.locator('[data-testid="as-of-table"] tr[data-field="city"]')
    expect(city_row).to_have_attribute("data-differs", "")
    expect(city_row.get_by_test_id("value-then")).to_have_text("Banjul")
    expect(city_row.get_by_test_id("value-now")).to_have_text("Serrekunda")
    shot(page, "2-as-of")

    city_row.get_by_test_id("revert-field").click()

    expect(page.locator("#toasts")).to_contain_text(f"Reverted city of {customer.code}")
    expect(page.locator("#card-address").locator("xpath=..")).to_contain_text("Banjul")
    shot(page, "3-reverted")
    customer.refresh_from_db()
    assert (customer.city, customer.industry) == ("Banjul", "Tourism")
    assert AuditEvent.objects.filter(object_code=customer.code, action=AuditEvent.Action.REVERT).count() == 1

    page.get_by_test_id("history-tab").click()
    revert = page.locator('#record-tab [data-testid="history-entry"]').first
    expect(revert).to_have_attribute("data-action", "revert")
    expect(revert.locator('tr[data-field="city"]').get_by_test_id("change-after")).to_have_text("Banjul")
    shot(page, "4-history-after-revert")


def test_history_tab_works_without_javascript(
    live_server: Any, chromium: Browser, users: dict[str, Any], settings: Any
) -> None:
    customer: Customer = CustomerFactory(city="Banjul")
    client = Client()
    client.force_login(users["support"])
    context = chromium.new_context(java_script_enabled=False)
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    try:
        page = context.new_page()
        page.goto(f"{live_server.url}{customer.get_absolute_url()}")
        page.get_by_test_id("history-tab").click()
        expect(page).to_have_url(f"{live_server.url}/customers/{customer.code}/history/")
        expect(page.get_by_test_id("history-entry")).to_have_count(1)
        page.get_by_test_id("as-of-link").click()
        expect(page.locator('[data-testid="as-of-table"] tr[data-field="city"]')).to_contain_text("Banjul")
        expect(page.get_by_test_id("revert-field")).to_have_count(0)  # support may read, not revert
    finally:
        context.close()


def test_a_contacts_history_from_the_kits_record_page(
    live_server: Any, page_as: Callable[[str], Page], users: dict[str, Any]
) -> None:
    contact = ContactFactory(first_name="Awa", last_name="Jallow", job_title="Buyer", department="Sales")
    writes.update(contact, user=users["sales"], values={"job_title": "Director", "department": "Board"})
    page = page_as("admin")
    page.goto(f"{live_server.url}/contacts/{contact.pk}/")

    page.get_by_test_id("history-tab").click()
    panel = page.locator("#record-tab")
    update = panel.locator('[data-testid="history-entry"][data-action="update"]')
    expect(update.locator('tr[data-field="job_title"]').get_by_test_id("change-after")).to_have_text("Director")
    shot(page, "contact-1-tab")

    panel.locator('[data-testid="history-entry"][data-action="create"]').get_by_test_id("as-of-link").click()
    title_row = page.locator('[data-testid="as-of-table"] tr[data-field="job_title"]')
    expect(title_row.get_by_test_id("value-then")).to_have_text("Buyer")
    shot(page, "contact-2-as-of")
    page.set_viewport_size({"width": 390, "height": 844})
    shot(page, "contact-2-as-of-phone")
    page.get_by_test_id("only-differences").click()
    expect(page.locator('[data-testid="as-of-table"] tr[data-field="notes"]')).to_have_count(0)

    page.locator('[data-testid="as-of-table"] tr[data-field="job_title"]').get_by_test_id("revert-field").click()

    expect(page.locator("#toasts")).to_contain_text("Reverted job title of Awa Jallow")
    contact.refresh_from_db()
    assert (contact.job_title, contact.department) == ("Buyer", "Board")
    page.get_by_test_id("history-tab").click()
    expect(panel.locator('[data-testid="history-entry"]').first).to_have_attribute("data-action", "revert")
    shot(page, "contact-3-history-phone")
