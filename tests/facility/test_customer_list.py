"""The customer list's facility filters and columns: card status, currently inside, last visit, entries
and exits in a period; who may use them (pages and API)."""

import datetime as dt
import re
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from clientbook.customers.factories import CustomerFactory
from clientbook.facility.factories import AccessCardFactory, EventFactory
from clientbook.facility.models import Event
from tests.facility.conftest import Gate, utc

pytestmark = pytest.mark.django_db


def codes(client: Any, **query: Any) -> list[str]:
    response = client.get("/api/v1/customers", {"page_size": 100, **query})
    assert response.status_code == 200, response.content
    return sorted(item["code"] for item in response.json()["items"])


def test_card_status_active_expiring_expired_and_none(client_for: Any) -> None:
    now = timezone.now()
    lasting = AccessCardFactory().customer
    ending = AccessCardFactory(valid_until=now + dt.timedelta(days=5)).customer
    # A card ending soon beside one without an end is not "expiring": the customer keeps access.
    renewed = AccessCardFactory(valid_until=now + dt.timedelta(days=5)).customer
    AccessCardFactory(customer=renewed)
    lapsed = AccessCardFactory(valid_from=now - dt.timedelta(days=60), valid_until=now - dt.timedelta(days=1)).customer
    cardless = CustomerFactory()
    client = client_for("facility")

    assert codes(client, card_status="active") == sorted([lasting.code, ending.code, renewed.code])
    assert codes(client, card_status="expiring") == [ending.code]
    assert codes(client, card_status="expiring", card_expiring_days=3) == []
    assert codes(client, card_status="expired") == [lapsed.code]
    assert codes(client, card_status="none") == [cardless.code]


def test_currently_inside_follows_the_gate(gate: Gate, client_for: Any) -> None:
    outside = CustomerFactory()
    client = client_for("facility")
    assert codes(client, inside="true") == []
    assert gate.decide(direction="entry").json()["allowed"]
    inside = gate.card.customer.code
    assert codes(client, inside="true") == [inside]
    assert outside.code in codes(client, inside="false") and inside not in codes(client, inside="false")
    gate.decide(direction="exit")
    assert codes(client, inside="true") == []


def test_last_visit_and_entries_or_exits_in_a_period_are_site_days(berlin: Any, client_for: Any) -> None:
    card = AccessCardFactory()
    # 23:30 UTC on 1 March is 2 March in Berlin.
    EventFactory(card=card, kind=Event.Kind.ENTRY, at=utc(2026, 3, 1, 23, 30))
    EventFactory(card=card, kind=Event.Kind.EXIT, at=utc(2026, 3, 10, 12))
    earlier = AccessCardFactory()
    EventFactory(card=earlier, kind=Event.Kind.ENTRY, at=utc(2026, 1, 5, 9))
    EventFactory(card=earlier, kind=Event.Kind.DENIED, at=utc(2026, 3, 5, 9))
    client = client_for("facility")
    regular, occasional = card.customer.code, earlier.customer.code

    assert codes(client, last_visit_after="2026-03-02") == [regular]
    assert codes(client, last_visit_after="2026-03-03") == []
    assert codes(client, last_visit_before="2026-03-01") == [occasional]
    assert codes(client, last_visit_after="2026-01-01", last_visit_before="2026-02-28") == [occasional]
    # An exit counts as being there; a denial does not.
    assert codes(client, visited_after="2026-03-05", visited_before="2026-03-10") == [regular]
    assert codes(client, visited_after="2026-03-05", visited_before="2026-03-06") == []
    # Both bounds are one condition: no event of either between January's entry and March's.
    assert codes(client, visited_after="2026-02-01", visited_before="2026-02-28") == []
    assert codes(client, visited_before="2026-01-31") == [occasional]


def test_those_who_may_not_view_events_cannot_filter_by_presence_or_visits(gate: Gate, client_for: Any) -> None:
    gate.decide(direction="entry")
    sales = client_for("sales")
    for name, value in (("inside", "true"), ("last_visit_after", "2026-01-01"), ("visited_before", "2026-01-01")):
        response = sales.get("/api/v1/customers", {name: value})
        assert response.status_code == 422, (name, response.content)
        assert name in response.content.decode()
    # Card status is for who may view access cards: support may, sales may not.
    assert client_for("support").get("/api/v1/customers", {"card_status": "active"}).status_code == 200
    assert client_for("support").get("/api/v1/customers", {"inside": "true"}).status_code == 422
    refused = sales.get("/api/v1/customers", {"card_status": "none"})
    assert refused.status_code == 422 and "access card" in refused.content.decode()
    # Without those filters the list is theirs.
    assert sales.get("/api/v1/customers").status_code == 200


def test_the_list_page_offers_the_filters_and_columns_to_those_allowed(gate: Gate, client_for: Any) -> None:
    gate.decide(direction="entry")
    customer = gate.card.customer
    columns = {"columns": "code,name,last_visit,inside_now"}
    page = client_for("facility").get("/customers/", {"inside": "true", **columns}).content.decode()
    assert 'name="inside"' in page and 'name="card_status"' in page
    # A yes/no filter offers Any, not the widget's "Unknown".
    assert '<option value="">Any</option>' in page and "Unknown" not in page
    never_came = CustomerFactory(first_name="Nadia", last_name="Nevercame")
    row = client_for("facility").get("/customers/", {"q": never_came.code, **columns}).content.decode()
    assert never_came.code in row and len(re.findall(r"<td[^>]*>\s*—\s*</td>", row)) == 2
    assert customer.code in page and "Last visit" in page and 'data-testid="inside-zone">Main hall<' in page

    support = client_for("support").get("/customers/", columns).content.decode()
    assert 'name="card_status"' in support
    assert 'name="inside"' not in support and "Last visit" not in support and "inside-zone" not in support
    assert 'name="card_status"' not in client_for("sales").get("/customers/").content.decode()


def test_the_columns_read_the_page_in_one_query_each(client_for: Any) -> None:
    client = client_for("facility")
    url = "/customers/?columns=code,name,last_visit,inside_now"

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    EventFactory(card=AccessCardFactory())
    one_row = queries()
    for _ in range(4):
        EventFactory(card=AccessCardFactory())
    assert queries() == one_row


def test_days_at_the_ends_of_the_calendar_are_no_bound(berlin: Any, client_for: Any) -> None:
    visitor = EventFactory(card=AccessCardFactory(), kind=Event.Kind.ENTRY, at=utc(2026, 3, 1, 9)).customer
    client = client_for("facility")
    for bounds in (
        {"last_visit_after": "0001-01-01", "last_visit_before": "9999-12-31"},
        {"visited_after": "0001-01-01", "visited_before": "9999-12-31"},
        {"visited_before": "9999-12-31"},
    ):
        assert codes(client, **bounds) == [visitor.code], bounds
        assert client.get("/customers/", bounds).status_code == 200
