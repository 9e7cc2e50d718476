"""/api/v1/tickets: the kit's API tests per role, the filters, the number the system gives, the search."""

from typing import Any

from clientbook.core.testing.api import SpecApiTests
from clientbook.customers.factories import CustomerFactory
from clientbook.tickets.factories import TicketFactory
from clientbook.tickets.specs import TICKETS


class TestTicketApi(SpecApiTests):
    spec = TICKETS
    factory = TicketFactory
    patch_body = {"subject": "The statement of March is missing"}
    action_records = {"reopen": {"status": "resolved"}}

    def body_for_create(self) -> dict[str, Any]:
        return {"customer": CustomerFactory().code, "subject": "Card blocked abroad", "priority": "high"}


def test_support_creates_a_ticket_and_the_number_is_the_systems(db: Any, client_for: Any, users: Any) -> None:
    client = client_for("support")
    customer = CustomerFactory()
    body = {"customer": customer.code.lower(), "subject": "Login fails", "assignee": users["support"].username}
    created = client.post("/api/v1/tickets", body, content_type="application/json")
    assert created.status_code == 201, created.json()
    answer = created.json()
    assert answer["code"].startswith("TCK") and answer["status"] == "open" and answer["priority"] == "normal"
    assert answer["assignee"] == users["support"].username
    refused = client.post("/api/v1/tickets", {**body, "code": "TCK0000999"}, content_type="application/json")
    assert refused.status_code == 422
    assert client.get(f"/api/v1/tickets/{answer['code'].lower()}").json()["subject"] == "Login fails"


def test_accounting_reads_tickets_but_may_not_write_them(db: Any, client_for: Any) -> None:
    ticket = TicketFactory()
    client = client_for("accounting")
    assert client.get(f"/api/v1/tickets/{ticket.code}").status_code == 200
    patched = client.patch(f"/api/v1/tickets/{ticket.code}", {"status": "closed"}, content_type="application/json")
    assert patched.status_code == 403
    assert client.post(f"/api/v1/tickets/{ticket.code}/close").status_code == 403


def test_the_list_filters_by_status_priority_assignee_customer_and_due_range(
    db: Any, client_for: Any, users: Any
) -> None:
    customer = CustomerFactory()
    urgent = TicketFactory(customer=customer, priority="urgent", assignee=users["support"], due_at="2030-01-10T09:00Z")
    pending = TicketFactory(customer=customer, status="pending", due_at="2030-02-10T09:00Z")
    closed = TicketFactory(customer=customer, status="closed")
    TicketFactory(priority="urgent")
    client = client_for("support")

    def codes(**params: Any) -> list[str]:
        response = client.get("/api/v1/tickets", {"customer": customer.code, "sort": "code", **params})
        assert response.status_code == 200, response.json()
        return [item["code"] for item in response.json()["items"]]

    assert codes(status=["open", "pending"]) == [urgent.code, pending.code]
    assert codes(priority="urgent") == [urgent.code]
    assert codes(assignee=users["support"].username.upper()) == [urgent.code]
    assert codes(assignee="none") == [pending.code, closed.code]
    assert codes(due_after="2030-02-01T00:00:00Z") == [pending.code]
    assert codes(due_before="2030-02-01T00:00:00Z") == [urgent.code]
    assert codes(show="done") == [closed.code]
    assert codes(sort="-priority")[0] == urgent.code
    refused = client.get("/api/v1/tickets", {"due_after": "next week"})
    assert refused.status_code == 422
    assert [error["field"] for error in refused.json()["errors"]] == ["due_after"]


def test_the_universal_search_finds_a_ticket_by_its_number_exactly_and_by_subject(db: Any, client_for: Any) -> None:
    ticket = TicketFactory(subject="Overdraft interest charged twice")
    TicketFactory(subject="Address change")
    client = client_for("accounting")

    by_number = client.get("/api/v1/search", {"q": ticket.code.lower()}).json()
    by_subject = client.get("/api/v1/search", {"q": "overdraft interest"}).json()

    assert by_number["exact"]["short_name"] == ticket.code
    assert by_number["exact"]["url"] == f"/tickets/{ticket.code}/"
    tickets = next(group for group in by_subject["groups"] if group["kind"] == "tickets")
    assert [result["short_name"] for result in tickets["results"]] == [ticket.code]
