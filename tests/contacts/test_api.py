"""/api/v1/contacts: the kit's API tests, and what is special to a contact (the primary flag)."""

from typing import Any

from clientbook.contacts.factories import ContactFactory
from clientbook.contacts.specs import CONTACTS
from clientbook.core.testing.api import SpecApiTests
from clientbook.customers.factories import OrganizationFactory


class TestContactApi(SpecApiTests):
    spec = CONTACTS
    factory = ContactFactory
    patch_body = {"job_title": "Head of buying"}

    def body_for_create(self) -> dict[str, Any]:
        return {"organization": OrganizationFactory().code, "last_name": "Okafor", "phone": "+2348031234567"}


def test_set_primary_moves_the_flag_and_answers_the_record(db: Any, client: Any, users: dict[str, Any]) -> None:
    first = ContactFactory(is_primary=True)
    second = ContactFactory(organization=first.organization)
    client.force_login(users["sales"])

    response = client.post(f"/api/v1/contacts/{second.pk}/set-primary")

    assert response.status_code == 200
    assert response.json()["is_primary"] is True
    assert client.get(f"/api/v1/contacts/{first.pk}").json()["is_primary"] is False
    assert client.post(f"/api/v1/contacts/{second.pk}/set-primary").status_code == 422


def test_the_list_filters_by_organization_code(db: Any, client: Any, users: dict[str, Any]) -> None:
    mine = ContactFactory()
    ContactFactory()
    client.force_login(users["support"])

    response = client.get("/api/v1/contacts", {"organization": mine.organization.code})

    assert [item["id"] for item in response.json()["items"]] == [mine.pk]
    assert response.json()["items"][0]["organization"] == mine.organization.code


def test_the_phone_is_documented_and_answered_in_e164(db: Any, client: Any, users: dict[str, Any]) -> None:
    contact = ContactFactory(phone="+1 940 986 3836")
    client.force_login(users["support"])
    schema = client.get("/api/v1/openapi.json").json()["components"]["schemas"]

    assert client.get(f"/api/v1/contacts/{contact.pk}").json()["phone"] == "+19409863836"
    assert "E.164" in schema["ContactOut"]["properties"]["phone"]["description"]
