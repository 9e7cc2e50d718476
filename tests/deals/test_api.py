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


def test_the_list_filters_by_customer_stages_and_outcome(db: Any, client_for: Any) -> None:
    mine = OrganizationFactory()
    proposal = DealFactory(customer=mine, stage="proposal")
    won = DealFactory(customer=mine, stage="won")
    DealFactory(customer=mine, stage="lost", lost_reason="Price.")
    DealFactory(stage="proposal")
    client = client_for("support")

    def ids(**params: Any) -> list[int]:
        response = client.get("/api/v1/deals", {"customer": mine.code.lower(), "sort": "title", **params})
        assert response.status_code == 200, response.json()
        return sorted(item["id"] for item in response.json()["items"])

    assert ids(stage=["proposal", "won"]) == sorted([proposal.pk, won.pk])
    assert ids(outcome="open") == [proposal.pk]
    assert client.get("/api/v1/deals", {"stage": "sold"}).status_code == 422
