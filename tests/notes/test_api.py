"""/api/v1/notes: the kit's API tests, the customer filter, the author and the pin limit over the API."""

from typing import Any

from clientbook.core.testing.api import SpecApiTests
from clientbook.customers.factories import CustomerFactory
from clientbook.notes.factories import NoteFactory
from clientbook.notes.specs import NOTES


class TestNoteApi(SpecApiTests):
    spec = NOTES
    factory = NoteFactory
    patch_body = {"body": "Called back: **all settled**."}
    action_records = {"unpin": {"pinned": True}}

    def body_for_create(self) -> dict[str, Any]:
        return {"customer": CustomerFactory().code, "body": "Met at the fair."}


def test_the_list_filters_by_customer_code(db: Any, client_for: Any) -> None:
    mine = NoteFactory()
    NoteFactory()

    response = client_for("support").get("/api/v1/notes", {"customer": mine.customer.code.lower()})

    assert [item["id"] for item in response.json()["items"]] == [mine.pk]
    assert response.json()["items"][0]["customer"] == mine.customer.code


def test_the_author_is_the_caller_and_cannot_be_sent(db: Any, client_for: Any, users: dict[str, Any]) -> None:
    customer = CustomerFactory()
    sales = client_for("sales")

    created = sales.post("/api/v1/notes", {"customer": customer.code, "body": "Hello"}, content_type="application/json")
    forged = sales.post(
        "/api/v1/notes",
        {"customer": customer.code, "body": "Hi", "author": users["admin"].pk},
        content_type="application/json",
    )

    assert created.status_code == 201
    assert NOTES.model.objects.get(pk=created.json()["id"]).author == users["sales"]
    assert created.json()["author"] == users["sales"].username
    assert forged.status_code == 422


def test_a_fourth_pin_is_422_on_pinned(db: Any, client_for: Any) -> None:
    customer = CustomerFactory()
    for _ in range(3):
        NoteFactory(customer=customer, pinned=True)
    fourth = NoteFactory(customer=customer)

    response = client_for("admin").post(f"/api/v1/notes/{fourth.pk}/pin")

    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"field": "pinned", "message": "A customer has at most three pinned notes; unpin one first."}
    ]
