from clientbook.core.kit.views import child_tab_url
from clientbook.core.testing.web import SpecWebTests
from clientbook.customers.factories import CustomerFactory, OrganizationFactory
from clientbook.deals.factories import DealFactory
from clientbook.deals.specs import DEALS


class TestDealPages(SpecWebTests):
    spec = DEALS
    factory = DealFactory


def test_organizations_and_persons_both_have_a_deals_tab(client_for) -> None:
    client = client_for("support")
    for customer in (CustomerFactory(), OrganizationFactory()):
        assert client.get(child_tab_url(DEALS, customer)).status_code == 200
