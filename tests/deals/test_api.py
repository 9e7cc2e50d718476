"""/api/v1/deals: the kit's API tests per role, the filters, and the fields the services own."""

from typing import Any

from clientbook.core.testing.api import SpecApiTests
from clientbook.customers.factories import OrganizationFactory
from clientbook.deals.factories import DealFactory
from clientbook.deals.specs import DEALS


class TestDealApi(SpecApiTests):
    spec = DEALS
    factory = DealFactory
    patch_body = {"title": "Renewal of the service contract"}
    action_records = {"reopen": {"stage": "lost", "lost_reason": "Chose a cheaper supplier."}}

    def body_for_create(self) -> dict[str, Any]:
        return {"customer": OrganizationFactory().code, "title": "Fleet lease", "value": "18000.00"}
