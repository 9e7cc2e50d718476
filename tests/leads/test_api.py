"""/api/v1/leads: the kit's API tests per role, and POST /api/v1/leads/{code}/convert per role."""

from typing import Any

import pytest

from clientbook.core.testing.api import SpecApiTests
from clientbook.customers.factories import CustomerFactory
from clientbook.customers.models import Customer
from clientbook.leads.factories import LeadFactory
from clientbook.leads.models import Lead
from clientbook.leads.specs import LEADS


class TestLeadApi(SpecApiTests):
    spec = LEADS
    factory = LeadFactory
    create_body = {"name": "Asha Rao", "email": "asha@example.com", "mobile": "+919812345678", "source": "referral"}
    patch_body = {"status": "contacted"}


def convert(client: Any, lead: Lead, body: dict[str, Any] | None = None, **headers: str) -> Any:
    return client.post(
        f"/api/v1/leads/{lead.code}/convert", body or {}, content_type="application/json", headers=headers
    )


@pytest.mark.parametrize(("role", "status"), [("admin", 200), ("sales", 200), ("support", 403), ("accounting", 403)])
def test_convert_is_for_who_may_change_leads(db: Any, client_for: Any, role: str, status: int) -> None:
    lead = LeadFactory()
    response = convert(client_for(role), lead)
    assert response.status_code == status, response.json()
    assert Customer.objects.count() == (1 if status == 200 else 0)


def test_convert_answers_the_new_customer_and_a_second_call_names_it(db: Any, client_for: Any) -> None:
    lead = LeadFactory(name="Ravi Menon", email="ravi@example.com")
    client = client_for("sales")
    first = convert(client, lead)
    assert first.status_code == 200
    body = first.json()
    customer = Customer.objects.get()
    assert body == {
        "lead": lead.code,
        "customer": customer.code,
        "created": True,
        "detail": f"Lead {lead.code} converted to new customer {customer.code} (Ravi Menon).",
    }
    again = convert(client, lead)
    assert again.status_code == 409
    assert again.json()["customer"] == customer.code
    assert Customer.objects.count() == 1
    retrieved = client.get(f"/api/v1/leads/{lead.code}").json()
    assert (retrieved["status"], retrieved["customer"]) == ("converted", customer.code)


def test_duplicates_answer_409_with_the_candidates_then_link_to_one(db: Any, client_for: Any) -> None:
    existing = CustomerFactory(first_name="Meera", last_name="Iyer", email="Meera.Iyer@Example.com")
    lead = LeadFactory(name="Meera Iyer", email="meera.iyer@example.com")
    client = client_for("sales")
    offered = convert(client, lead)
    assert offered.status_code == 409
    assert offered.json()["duplicates"] == [
        {"customer": existing.code, "name": "Meera Iyer", "reasons": ["same e-mail"]}
    ]
    assert offered.json()["errors"][0]["field"] == "link_to"
    linked = convert(client, lead, {"link_to": existing.code.lower()})
    assert linked.status_code == 200 and linked.json()["created"] is False
    assert Customer.objects.count() == 1
    existing.refresh_from_db()
    assert existing.lead_id == lead.pk


def test_create_anyway_beside_a_duplicate(db: Any, client_for: Any) -> None:
    CustomerFactory(email="same@example.com")
    lead = LeadFactory(email="same@example.com")
    response = convert(client_for("sales"), lead, {"create_anyway": True})
    assert response.status_code == 200 and response.json()["created"] is True
    assert Customer.objects.filter(email="same@example.com").count() == 2


def test_an_unknown_link_and_a_stale_version_are_refused(db: Any, client_for: Any) -> None:
    lead = LeadFactory()
    client = client_for("sales")
    unknown = convert(client, lead, {"link_to": "CUST9999999"})
    assert unknown.status_code == 422 and unknown.json()["errors"][0]["field"] == "link_to"
    stale = convert(client, lead, None, **{"If-Match": '"7"'})
    assert stale.status_code == 412
    assert Customer.objects.count() == 0
    assert Lead.objects.get().status == Lead.Status.NEW


def test_a_converted_lead_is_read_only_over_the_api(db: Any, client_for: Any) -> None:
    lead = LeadFactory()
    client = client_for("sales")
    assert convert(client, lead).status_code == 200
    patched = client.patch(f"/api/v1/leads/{lead.code}", {"name": "Changed"}, content_type="application/json")
    assert patched.status_code == 403
    assert client.delete(f"/api/v1/leads/{lead.code}").status_code == 403
    assert (
        client_for("admin")
        .patch(f"/api/v1/leads/{lead.code}", {"notes": "x"}, content_type="application/json")
        .status_code
        == 403
    )


def test_status_converted_is_not_set_by_hand(db: Any, client_for: Any) -> None:
    lead = LeadFactory()
    response = client_for("sales").patch(
        f"/api/v1/leads/{lead.code}", {"status": "converted"}, content_type="application/json"
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "status"


def test_lead_timeline_through_the_activity_list(db: Any, client_for: Any) -> None:
    lead = LeadFactory()
    client = client_for("sales")
    logged = client.post(
        "/api/v1/activities",
        {"lead": lead.code, "type": "email", "title": "Sent the brochure"},
        content_type="application/json",
    )
    assert logged.status_code == 201, logged.json()
    assert logged.json()["customer"] is None and logged.json()["lead"] == lead.code
    listed = client.get("/api/v1/activities", {"lead": lead.code.lower()}).json()["items"]
    assert [item["title"] for item in listed] == ["Sent the brochure"]
    neither = client.post(
        "/api/v1/activities", {"type": "email", "title": "For nobody"}, content_type="application/json"
    )
    assert neither.status_code == 422
