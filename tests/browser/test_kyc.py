"""PAN in a real browser: an administrator reveals it after typing a reason; a support user sees it masked,
without a Reveal button, at phone width too."""

from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import Browser, Page, expect

from clientbook.core.models import AuditEvent
from clientbook.customers.factories import CustomerFactory
from tests.browser.actions import shoot_both_sizes

pytestmark = pytest.mark.django_db(transaction=True)

PAN, PAN_MASK = "ABCPE1234F", "ABCPEXXXXF"


def test_reveal_a_pan_as_admin_and_see_it_masked_as_support(
    live_server: Any, page_as: Callable[[str], Page], chromium: Browser, users: dict[str, Any]
) -> None:
    customer = CustomerFactory(first_name="Meera", last_name="Iyer", pan=PAN, aadhaar="491837592012")
    page = page_as("admin")
    page.goto(f"{live_server.url}{customer.get_absolute_url()}")
    numbers = page.get_by_test_id("identity-numbers")
    expect(numbers.get_by_test_id("masked-pan")).to_have_text(PAN_MASK)
    expect(numbers.get_by_test_id("masked-aadhaar")).to_have_text("XXXX XXXX 2012")

    numbers.get_by_test_id("reveal-pan").click()
    modal = page.locator("#modal")
    expect(modal.locator("#modal-title")).to_have_text("Reveal PAN")
    modal.get_by_test_id("reveal-submit").click()
    expect(modal.locator('[data-field-error="reason"]')).to_be_visible()
    modal.get_by_label("Why do you need to see it?").fill("Verifying the KYC form")
    modal.get_by_test_id("reveal-submit").click()
    expect(modal.get_by_test_id("revealed-value")).to_have_text(PAN)
    shoot_both_sizes(page, "kyc-revealed")
    modal.get_by_role("button", name="Close").first.click()
    expect(modal).to_be_hidden()
    expect(numbers.get_by_test_id("masked-pan")).to_have_text(PAN_MASK)
    event = AuditEvent.objects.get(action=AuditEvent.Action.REVEAL)
    assert (event.actor, event.extra["field"], event.extra["reason"]) == (
        users["admin"],
        "pan",
        "Verifying the KYC form",
    )

    support_context = chromium.new_context()
    client = Client()
    client.force_login(users["support"])
    support_context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    support = support_context.new_page()
    support.set_viewport_size({"width": 390, "height": 844})
    support.goto(f"{live_server.url}{customer.get_absolute_url()}")
    support_numbers = support.get_by_test_id("identity-numbers")
    expect(support_numbers.get_by_test_id("masked-pan")).to_have_text(PAN_MASK)
    expect(support_numbers.get_by_test_id("reveal-pan")).to_have_count(0)
    assert PAN not in support.content()
    assert support.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    support_context.close()
