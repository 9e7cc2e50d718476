"""An organization's Deals tab in a real browser: mark a deal in another currency won through its form
(the rate asked for, with its hint), see the header's "Won value" change and the timeline's entry."""

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from clientbook.customers.factories import OrganizationFactory
from clientbook.deals.factories import DealFactory
from tests.browser.actions import shoot_both_sizes

pytestmark = pytest.mark.django_db(transaction=True)


def test_mark_a_deal_won_in_another_currency_from_the_deals_tab(
    live_server: Any, page_as: Callable[[str], Page], users: dict[str, Any]
) -> None:
    customer = OrganizationFactory(currency="USD")
    DealFactory(customer=customer, title="Fleet lease", value=Decimal("2000.00"), currency="EUR", stage="negotiation")
    DealFactory(customer=customer, title="Audit", value=Decimal("500.00"), stage="won")
    page = page_as("sales")
    page.goto(f"{live_server.url}{customer.get_absolute_url()}")
    overview = page.get_by_test_id("overview-deals")
    expect(overview).to_contain_text("Fleet lease")
    expect(overview).not_to_contain_text("Audit")
    shoot_both_sizes(page, "deals-overview")
    page.get_by_test_id("deals-tab").click()
    tab = page.get_by_test_id("tab-deals")
    won_value = page.get_by_test_id("fact-won-value")
    expect(won_value).to_have_text("500.00 USD")
    expect(page.get_by_test_id("fact-deals")).to_have_text("1 open · 1 won")
    deal = tab.get_by_test_id("deal").filter(has_text="Fleet lease")
    expect(deal.get_by_test_id("stage-badge")).to_have_text("Negotiation")
    shoot_both_sizes(page, "deals-tab")

    deal.get_by_test_id("mark-won").click()
    modal = page.locator("#modal")
    expect(modal.get_by_label("Stage")).to_have_value("won")
    expect(modal.get_by_label("Lost reason")).to_be_hidden()
    rate = modal.get_by_label("Exchange rate")
    expect(modal.locator("#id_exchange_rate_helptext")).to_have_text("1 EUR = ? USD")
    modal.get_by_test_id("save").click()
    expect(modal.locator("[data-field-error=exchange_rate]")).to_contain_text("1 EUR = ? USD")
    shoot_both_sizes(page, "deal-form-rate")
    rate.fill("1.087654")
    modal.get_by_test_id("save").click()
    expect(modal).to_be_hidden()
    expect(deal.get_by_test_id("stage-badge")).to_have_text("Won")
    expect(deal).to_contain_text("won 2,175.31 USD")
    expect(won_value).to_contain_text("2,675.31 USD")
    expect(won_value).to_contain_text("converted at the rates stored when won")
    expect(page.get_by_test_id("fact-deals")).to_have_text("0 open · 2 won")
    shoot_both_sizes(page, "deals-won-header")

    page.get_by_test_id("activities-tab").click()
    expect(page.get_by_test_id("tab-activities")).to_contain_text(
        "Deal “Fleet lease” won: 2,000.00 EUR = 2,175.31 USD at 1.087654"
    )

    page.goto(f"{live_server.url}/deals/?q=fleet")
    page.locator("#results").get_by_role("link", name="Fleet lease", exact=True).click()
    expect(page.get_by_test_id("deal-won-value")).to_have_text("2,175.31 USD")
    expect(page.get_by_test_id("deal-progress").locator("[aria-current=step]")).to_have_text("Won")
    shoot_both_sizes(page, "deal-detail")
