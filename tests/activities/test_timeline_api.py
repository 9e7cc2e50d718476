"""GET /api/v1/customers/{code}/timeline: the customer's entries through the activity list's pipeline."""

from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from clientbook.activities.factories import ActivityFactory
from clientbook.activities.services import record
from clientbook.core.kit import writes
from clientbook.customers.factories import CustomerFactory
from clientbook.deals.factories import DealFactory
from clientbook.notes.factories import NoteFactory
from tests.conftest import ROLES

pytestmark = pytest.mark.django_db


def url(customer: Any) -> str:
    return f"/api/v1/customers/{customer.code}/timeline"


def ids(response: Any) -> list[int]:
    assert response.status_code == 200, response.content
    return [item["id"] for item in response.json()["items"]]


@pytest.fixture
def timeline(users: dict[str, Any]) -> dict[str, Any]:
    """A customer with a call, an email, a note and a status change, a day apart, newest first."""
    customer = CustomerFactory(status="active")
    now = timezone.now()
    call = ActivityFactory(
        customer=customer,
        author=users["sales"],
        type="call",
        direction="in",
        title="Asked about the renewal",
        occurred_at=now - timedelta(days=4),
    )
    email = ActivityFactory(customer=customer, author=users["admin"], type="email", occurred_at=now - timedelta(days=3))
    note = NoteFactory(customer=customer, author=users["sales"], body="Prefers **mornings**")
    record(customer=customer, type="system", title="Synced", occurred_at=now - timedelta(days=2))
    entries = {
        "call": call,
        "email": email,
        "note": note.activities.get(),
        "system": customer.activities.get(type="system"),
    }
    return {"customer": customer, **entries}


@pytest.mark.parametrize("role", [None, "no-role", *ROLES])
def test_every_role_reads_it_and_nobody_else(role: str | None, users: dict[str, Any], timeline: dict[str, Any]) -> None:
    client = Client()
    if role == "no-role":
        client.force_login(get_user_model().objects.create_user(username="nobody", password="unused-Password-1"))
    elif role is not None:
        client.force_login(users[role])

    response = client.get(url(timeline["customer"]))

    # The facility operator's role reads customers, not their timeline.
    expected = {None: 401, "no-role": 403, "facility": 403}.get(role, 200)
    assert response.status_code == expected, response.content


def test_the_entries_come_newest_first_in_the_paging_envelope(client_for: Any, timeline: dict[str, Any]) -> None:
    ActivityFactory(type="email")  # another customer's

    response = client_for("support").get(url(timeline["customer"]), {"page_size": 2})

    body = response.json()
    assert (body["count"], body["page"], body["page_size"], body["count_is_estimate"]) == (4, 1, 2, False)
    assert ids(response) == [timeline["note"].pk, timeline["system"].pk]
    second = client_for("support").get(url(timeline["customer"]), {"page_size": 2, "page": 2})
    assert ids(second) == [timeline["email"].pk, timeline["call"].pk]
    assert ids(client_for("support").get(url(timeline["customer"]), {"page": 9})) == []


def test_the_chips_mean_what_they_mean_on_the_tab(client_for: Any, timeline: dict[str, Any]) -> None:
    client = client_for("support")
    get = lambda **query: ids(client.get(url(timeline["customer"]), query))  # noqa: E731

    assert get(group="communication") == [timeline["email"].pk, timeline["call"].pk]
    assert get(group="notes") == [timeline["note"].pk]
    assert get(group="changes") == [timeline["system"].pk]
    assert get(group="deals") == []
    assert get(type=["call", "system"]) == [timeline["system"].pk, timeline["call"].pk]
    assert get(author="SALES-USER") == [timeline["note"].pk, timeline["call"].pk]
    assert get(q="renewal") == [timeline["call"].pk]
    window = {
        "occurred_after": (timezone.now() - timedelta(days=3, hours=1)).isoformat(),
        "occurred_before": (timezone.now() - timedelta(days=1)).isoformat(),
    }
    assert get(**window) == [timeline["system"].pk, timeline["email"].pk]


def test_an_item_carries_the_entry_and_its_html(client_for: Any, users: dict[str, Any]) -> None:
    customer = CustomerFactory()
    call = ActivityFactory(
        customer=customer,
        author=users["sales"],
        type="call",
        direction="out",
        phone="+2348031234567",
        duration_minutes=9,
        outcome="negative",
        description="No **budget** <img src=x onerror=alert(1)>",
    )
    note = NoteFactory(customer=customer, author=users["sales"], body="*Renewal* in May")

    items = client_for("support").get(url(customer)).json()["items"]

    assert items[1] == {
        "id": call.pk,
        "type": "call",
        "title": call.title,
        "description": "No **budget** <img src=x onerror=alert(1)>",
        "description_html": "<p>No <strong>budget</strong> &lt;img src=x onerror=alert(1)&gt;</p>\n",
        "occurred_at": items[1]["occurred_at"],
        "author": "sales-user",
        "automatic": False,
        "duration_minutes": 9,
        "direction": "out",
        "outcome": "negative",
        "phone": "+2348031234567",
        "contact": None,
        "deal": None,
        "note": None,
        "lead": None,
        "ticket": None,
    }
    assert (items[0]["note"], items[0]["automatic"], items[0]["author"]) == (note.pk, True, "sales-user")
    assert items[0]["description_html"] == "<p><em>Renewal</em> in May</p>\n"


def test_deleted_entries_are_left_out(client_for: Any, users: dict[str, Any]) -> None:
    kept, gone = ActivityFactory(author=users["sales"]), None
    gone = ActivityFactory(customer=kept.customer, author=users["sales"])
    writes.delete(gone, user=users["sales"])

    assert ids(client_for("support").get(url(kept.customer))) == [kept.pk]


def test_an_unknown_or_deleted_customer_is_404(client_for: Any, users: dict[str, Any]) -> None:
    customer = CustomerFactory()
    writes.delete(customer, user=users["admin"])

    for code in ("CUST9999999", customer.code, "not-a-code"):
        response = client_for("admin").get(f"/api/v1/customers/{code}/timeline")
        assert response.status_code == 404, code
        assert response.json()["errors"] == []


def test_bad_filter_values_are_422_naming_each_field(client_for: Any, timeline: dict[str, Any]) -> None:
    client = client_for("support")

    refused = client.get(url(timeline["customer"]), {"group": "calls", "occurred_after": "yesterday"})
    unknown_type = client.get(url(timeline["customer"]), {"type": "fax"})
    too_big = client.get(url(timeline["customer"]), {"page_size": 1000})

    assert refused.status_code == 422
    assert {error["field"] for error in refused.json()["errors"]} == {"group", "occurred_after"}
    for response, field in ((unknown_type, "type"), (too_big, "page_size")):
        assert response.status_code == 422
        assert [error["field"] for error in response.json()["errors"]] == [field]


def test_a_customer_filter_or_a_repeated_group_is_refused(client_for: Any, timeline: dict[str, Any]) -> None:
    client = client_for("support")

    assert client.get(url(timeline["customer"]), {"customer": "CUST0000001"}).status_code == 400
    assert client.get(f"{url(timeline['customer'])}?group=notes&group=changes").status_code == 400


def test_a_page_of_the_timeline_stays_under_a_query_ceiling(
    client_for: Any, users: dict[str, Any], django_assert_max_num_queries: Any
) -> None:
    customer = CustomerFactory()
    for _ in range(10):
        NoteFactory(customer=customer, author=users["sales"])
        ActivityFactory(customer=customer, author=users["admin"], type="email")
    client = client_for("support")
    client.get(url(customer))

    # Session, user, permissions (2), the customer, the exact count and the page.
    with django_assert_max_num_queries(7):
        assert len(ids(client.get(url(customer)))) == 20


def test_a_deals_entry_names_its_deal_and_the_deals_chip_keeps_it(client_for: Any, users: dict[str, Any]) -> None:
    deal = DealFactory()
    writes.update(deal, user=users["sales"], values={"stage": "won"})

    items = client_for("support").get(url(deal.customer), {"group": "deals"}).json()["items"]

    assert items and {item["deal"] for item in items} == {deal.pk}
    assert {item["type"] for item in items} == {"deal_update"}
