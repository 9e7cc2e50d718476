from django.template.loader import render_to_string

from clientbook.core.kit.tabs import child_tab_url
from clientbook.core.testing.web import SpecWebTests
from clientbook.customers.factories import CustomerFactory, OrganizationFactory
from clientbook.deals import selectors
from clientbook.deals.factories import DealFactory
from clientbook.deals.specs import DEALS


class TestDealPages(SpecWebTests):
    spec = DEALS
    factory = DealFactory


def test_organizations_and_persons_both_have_a_deals_tab(client_for) -> None:
    client = client_for("support")
    for customer in (CustomerFactory(), OrganizationFactory()):
        assert client.get(child_tab_url(DEALS, customer)).status_code == 200


def test_the_deal_page_draws_the_stages_and_a_lost_deals_reason(client_for) -> None:
    lost = DealFactory(stage="lost", lost_reason="Chose a cheaper supplier.")
    page = client_for("support").get(f"/deals/{lost.pk}/").content.decode()
    assert 'class="deal-step deal-step-lost" aria-current="step">Lost' in page
    assert "Chose a cheaper supplier." in page
    assert 'data-testid="mark-won"' not in page


def test_mark_won_opens_the_form_with_the_stage_chosen_and_saves_nothing(client_for) -> None:
    deal = DealFactory(stage="proposal")
    client = client_for("sales")
    assert f'href="/deals/{deal.pk}/edit/?stage=won"' in client.get(f"/deals/{deal.pk}/").content.decode()
    form = client.get(f"/deals/{deal.pk}/edit/?stage=won&version=99").content.decode()
    assert '<option value="won" selected>' in form
    assert f'name="version" value="{deal.version}"' in form
    deal.refresh_from_db()
    assert deal.stage == "proposal"


def test_the_overview_panel_lists_the_open_deals(users) -> None:
    customer = OrganizationFactory(currency="EUR")
    DealFactory(customer=customer, title="Fleet lease", stage="proposal", value=2500)
    DealFactory(customer=customer, title="Audit", stage="won")
    context = selectors.overview(users["support"], customer)
    assert context is not None
    html = render_to_string("deals/_deal_overview.html", {**context, "parent": customer, "tab_url": "/x/"})
    assert "Fleet lease" in html and "2,500.00 EUR" in html and "Proposal" in html
    assert "Audit" not in html
