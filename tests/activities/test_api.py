"""/api/v1/activities: the kit's API tests, and the rules of logging over the API."""

from typing import Any

from clientbook.activities.factories import ActivityFactory
from clientbook.activities.specs import ACTIVITIES
from clientbook.core.testing.api import SpecApiTests
from clientbook.customers.factories import CustomerFactory


class TestActivityApi(SpecApiTests):
    spec = ACTIVITIES
    factory = ActivityFactory
    patch_body = {"title": "Sent the revised offer"}

    def body_for_create(self) -> dict[str, Any]:
        return {"customer": CustomerFactory().code, "type": "email", "title": "Sent the offer"}


def test_an_automatic_type_is_422_naming_the_type(db: Any, client_for: Any) -> None:
    body = {"customer": CustomerFactory().code, "type": "status_change", "title": "Blocked"}

    response = client_for("sales").post("/api/v1/activities", body, content_type="application/json")

    assert response.status_code == 422
    assert [error["field"] for error in response.json()["errors"]] == ["type"]
    assert "written by Clientbook" in response.json()["errors"][0]["message"]


def test_a_field_the_type_lacks_is_422_naming_it(db: Any, client_for: Any) -> None:
    body = {"customer": CustomerFactory().code, "type": "email", "title": "Offer", "duration_minutes": 10}

    response = client_for("sales").post("/api/v1/activities", body, content_type="application/json")

    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"field": "duration_minutes", "message": "Only calls and meetings have a duration."}
    ]


def test_a_logged_call_answers_its_author_and_fields(db: Any, client_for: Any, users: dict[str, Any]) -> None:
    customer = CustomerFactory()
    body = {
        "customer": customer.code,
        "type": "call",
        "title": "Renewal",
        "direction": "out",
        "phone": "+234 803 123 4567",
        "duration_minutes": 7,
        "outcome": "positive",
    }

    created = client_for("sales").post("/api/v1/activities", body, content_type="application/json")
    listed = client_for("support").get("/api/v1/activities", {"customer": customer.code, "type": "call"})

    assert created.status_code == 201, created.content
    item = created.json()
    assert (item["author"], item["automatic"], item["direction"], item["duration_minutes"]) == (
        "sales-user",
        False,
        "out",
        7,
    )
    assert [entry["id"] for entry in listed.json()["items"]] == [item["id"]]


def test_an_entry_of_someone_else_is_403(db: Any, client_for: Any, users: dict[str, Any]) -> None:
    entry = ActivityFactory(author=users["admin"])

    response = client_for("sales").patch(
        f"/api/v1/activities/{entry.pk}", {"title": "Mine"}, content_type="application/json"
    )

    assert response.status_code == 403
    assert "author or an administrator" in response.json()["detail"]
