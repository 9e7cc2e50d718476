"""POST /api/v1/customers/bulk, GET /api/v1/operations/{id}, POST /api/v1/operations/{id}/undo."""

from typing import Any

import pytest

from clientbook.core.models import AuditEvent, BulkOperation
from clientbook.customers import services
from clientbook.customers.models import Customer, Label
from tests.api.conftest import Book, Caller, error_fields

pytestmark = pytest.mark.django_db

BULK = "/api/v1/customers/bulk"


def operation_url(operation_id: str, suffix: str = "") -> str:
    return f"/api/v1/operations/{operation_id}{suffix}"


def statuses(book: Book) -> dict[str, str]:
    return {name: Customer.objects.get(pk=customer.pk).status for name, customer in book.customers.items()}


def label_names(customer: Customer) -> list[str]:
    return [label.name for label in Customer.objects.get(pk=customer.pk).labels.all()]


def test_status_change_by_codes_returns_the_operation_and_the_count(call: Caller, book: Book) -> None:
    codes = [book.code("José"), book.code("Binta").lower(), book.code("Dana")]

    response = call("sales", "POST", BULK, body={"action": "status", "status": "churned", "codes": codes})

    assert response.status_code == 200, response.content
    body = response.json()
    assert set(body) == {"operation", "count", "selected"}
    assert (body["count"], body["selected"]) == (3, 3)
    changed = {"José": "churned", "Binta": "churned", "Dana": "churned"}
    assert statuses(book) == {"Acme": "active", "Chen": "blocked", **changed}
    events = AuditEvent.objects.filter(operation_id=body["operation"])
    assert sorted(events.values_list("object_code", flat=True)) == sorted(code.upper() for code in codes)


def test_all_matching_a_filter_is_what_the_list_endpoint_returns(call: Caller, book: Book) -> None:
    query = {"q": "denton", "status": ["active"]}
    listed = call("sales", "GET", "/api/v1/customers", query=query).json()
    assert listed["count"] == 2

    response = call("sales", "POST", BULK, body={"action": "add_labels", "labels": ["Late payer"], "filter": query})

    assert response.status_code == 200, response.content
    assert response.json()["count"] == 2
    tagged = Customer.objects.filter(labels__name="Late payer").values_list("code", flat=True)
    assert sorted(tagged) == sorted([*(item["code"] for item in listed["items"]), book.code("Binta")])


def test_blocking_needs_a_reason(call: Caller, book: Book) -> None:
    body = {"action": "status", "status": "blocked", "codes": [book.code("José")]}

    refused = call("sales", "POST", BULK, body=body)
    blocked = call("sales", "POST", BULK, body={**body, "reason": "Chargeback"})

    assert refused.status_code == 422 and error_fields(refused) == {"reason"}
    assert blocked.status_code == 200
    jose = Customer.objects.get(code=book.code("José"))
    assert (jose.status, jose.block_reason) == ("blocked", "Chargeback")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"action": "status", "status": "churned"}, "codes"),
        ({"action": "status", "status": "churned", "codes": ["CUST0000001"], "filter": {}}, "codes"),
        ({"action": "status", "codes": ["{José}"]}, "status"),
        ({"action": "status", "status": "gone", "codes": ["{José}"]}, "status"),
        ({"action": "rename", "codes": ["{José}"]}, "action"),
        ({"action": "add_labels", "codes": ["{José}"]}, "labels"),
        ({"action": "add_labels", "labels": ["No such label"], "codes": ["{José}"]}, "labels"),
        ({"action": "status", "status": "churned", "codes": ["CUST9999999"]}, "codes"),
        ({"action": "status", "status": "churned", "codes": []}, "codes"),
        ({"action": "status", "status": "churned", "filter": {"sttaus": "active"}}, "filter.sttaus"),
        ({"action": "status", "status": "churned", "filter": {"status": "gone"}}, "filter.status"),
        ({"action": "status", "status": "churned", "filter": {"q": "nobody-is-called-this"}}, "filter"),
        ({"action": "status", "status": "churned", "codes": ["{José}"], "colour": "red"}, "colour"),
    ],
)
def test_bad_input_is_refused_in_the_envelope_and_changes_nothing(
    call: Caller, book: Book, body: dict[str, Any], field: str
) -> None:
    before = statuses(book)
    body = {key: [book.fill(item) for item in value] if key == "codes" else value for key, value in body.items()}

    response = call("sales", "POST", BULK, body=body)

    assert response.status_code == 422, response.content
    assert field in error_fields(response)
    assert statuses(book) == before
    assert not BulkOperation.objects.exists()


@pytest.mark.parametrize(("role", "status"), [(None, 401), ("support", 403), ("accounting", 403)])
def test_only_writers_may_change_in_bulk(call: Caller, book: Book, role: str | None, status: int) -> None:
    response = call(role, "POST", BULK, body={"action": "status", "status": "churned", "filter": {}})
    assert response.status_code == status
    assert not Customer.objects.filter(status="churned").exists()


def test_an_operation_reads_back_and_undoes(call: Caller, book: Book) -> None:
    before = statuses(book)
    run = call("sales", "POST", BULK, body={"action": "status", "status": "inactive", "filter": {"country": "US"}})
    operation_id = run.json()["operation"]

    read = call("admin", "GET", operation_url(operation_id))
    undone = call("admin", "POST", operation_url(operation_id, "/undo"))
    after = call("sales", "GET", operation_url(operation_id))

    assert read.status_code == 200
    assert read.json() | {"created_at": None, "finished_at": None} == {
        "id": operation_id,
        "name": "customers.change_status",
        "description": "Status → Inactive",
        "object_type": "customers.customer",
        "user": "sales-user",
        "created_at": None,
        "finished_at": None,
        "state": "done",
        "selected": 3,
        "count": 3,
        "error": "",
        "undone_at": None,
        "undone_by": None,
        "undo_operation": None,
        "undoes": None,
    }
    assert undone.status_code == 200, undone.content
    assert undone.json()["undoes"] == operation_id and undone.json()["count"] == 3
    assert statuses(book) == before
    assert after.json()["state"] == "undone" and after.json()["undone_by"] == "admin-user"
    assert after.json()["undo_operation"] == undone.json()["id"]


def test_undo_is_refused_with_409_naming_rows_changed_since(call: Caller, book: Book, users: dict[str, Any]) -> None:
    run = call("sales", "POST", BULK, body={"action": "remove_labels", "labels": ["VIP"], "filter": {}})
    operation_id = run.json()["operation"]
    binta = book.customers["Binta"]
    services.update_customer(user=users["admin"], customer=binta, city="Banjul")

    refused = call("sales", "POST", operation_url(operation_id, "/undo"))

    assert refused.status_code == 409
    assert [error["message"].split(" ", 1)[0] for error in refused.json()["errors"]] == [binta.code]
    assert label_names(binta) == ["Late payer"]
    assert label_names(book.customers["José"]) == []


def test_undoing_twice_is_a_conflict(call: Caller, book: Book) -> None:
    body = {"action": "add_labels", "labels": ["Corporate"], "codes": [book.code("Dana")]}
    run = call("sales", "POST", BULK, body=body)
    operation_id = run.json()["operation"]

    first = call("sales", "POST", operation_url(operation_id, "/undo"))
    second = call("sales", "POST", operation_url(operation_id, "/undo"))

    assert first.status_code == 200
    assert second.status_code == 409 and "already undone" in second.json()["detail"]
    assert label_names(book.customers["Dana"]) == []
    assert Label.objects.filter(name="Corporate").exists()


@pytest.mark.parametrize(("role", "status"), [(None, 401), ("support", 403), ("accounting", 403)])
def test_only_writers_read_or_undo_operations(call: Caller, book: Book, role: str | None, status: int) -> None:
    run = call("sales", "POST", BULK, body={"action": "status", "status": "churned", "filter": {}})
    operation_id = run.json()["operation"]

    assert call(role, "GET", operation_url(operation_id)).status_code == status
    assert call(role, "POST", operation_url(operation_id, "/undo")).status_code == status
    assert Customer.objects.filter(status="churned").count() == 5


def test_unknown_operations_are_404_and_malformed_ids_422(call: Caller) -> None:
    missing = call("sales", "GET", operation_url("0b7e1ad5-5d2c-4d8e-9a57-0d1d5e0f2f6a"))
    malformed = call("sales", "POST", operation_url("not-a-uuid", "/undo"))

    assert missing.status_code == 404 and error_fields(missing) == set()
    assert malformed.status_code == 422 and error_fields(malformed) == {"operation_id"}
