"""The customer's Calls tab: its calls only (they stay in the timeline), filtered by direction, outcome and date
range, "Log a call", and a missed inbound call's "Call back" and "Log outcome"; calls through the API."""

import re
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from clientbook.activities.factories import ActivityFactory
from clientbook.activities.specs import ACTIVITIES
from clientbook.core.kit.tabs import child_tab_url
from clientbook.customers.factories import CustomerFactory

pytestmark = pytest.mark.django_db

CALLS = next(view for view in ACTIVITIES.parent.views if view.key == "calls") if ACTIVITIES.parent else None


def calls_url(customer: Any) -> str:
    return child_tab_url(ACTIVITIES, customer, CALLS)


def shown(page: str) -> list[str]:
    return re.findall(r'data-testid="call-title">([^<]*)<', page)


def call(customer: Any, author: Any, title: str, direction: str = "out", **values: Any) -> Any:
    return ActivityFactory(customer=customer, author=author, type="call", title=title, direction=direction, **values)


def test_the_tab_is_at_its_own_address_with_the_customers_calls_only(client_for: Any, users: dict[str, Any]) -> None:
    customer = CustomerFactory()
    call(customer, users["sales"], "Asked for the new rates", phone="+2348031234567", duration_minutes=12)
    ActivityFactory(customer=customer, author=users["sales"], type="email", title="Sent the rates")
    call(CustomerFactory(), users["sales"], "Someone else's call")

    assert calls_url(customer) == f"/customers/{customer.code}/calls/"
    page = client_for("accounting").get(calls_url(customer)).content.decode()
    timeline = client_for("accounting").get(child_tab_url(ACTIVITIES, customer)).content.decode()

    assert shown(page) == ["Asked for the new rates"]
    assert 'data-testid="tab-calls"' in page and 'aria-current="page"' in page
    assert 'href="tel:+2348031234567"' in page and "12 min" in page and "sales-user" in page
    # Calls stay in the timeline.
    assert "Asked for the new rates" in timeline and "Sent the rates" in timeline
    # The chips and the type filter are the timeline's, not the tab's.
    assert 'data-testid="chips"' not in page and 'id="filter_type"' not in page
    assert 'id="filter_direction"' in page and 'name="outcome"' in page


def test_the_filters_narrow_by_direction_outcome_and_date_range(client_for: Any, users: dict[str, Any]) -> None:
    customer = CustomerFactory()
    now = timezone.now()
    call(
        customer,
        users["sales"],
        "Old inbound",
        direction="in",
        outcome="positive",
        occurred_at=now - timedelta(days=40),
    )
    call(
        customer,
        users["sales"],
        "Recent inbound",
        direction="in",
        outcome="missed",
        occurred_at=now - timedelta(days=2),
    )
    call(customer, users["sales"], "Recent outbound", outcome="negative", occurred_at=now - timedelta(days=1))
    client = client_for("support")

    def titles(**params: Any) -> list[str]:
        response = client.get(calls_url(customer), params)
        assert response.status_code == 200
        return shown(response.content.decode())

    assert titles(direction="in") == ["Recent inbound", "Old inbound"]
    assert titles(outcome=["missed", "negative"]) == ["Recent outbound", "Recent inbound"]
    since = (now - timedelta(days=10)).strftime("%Y-%m-%dT%H:%M:%S")
    assert titles(occurred_after=since) == ["Recent outbound", "Recent inbound"]
    until = (now - timedelta(days=10)).strftime("%Y-%m-%dT%H:%M:%S")
    assert titles(occurred_before=until, direction="in") == ["Old inbound"]
    # A type in the address cannot widen the tab beyond calls.
    ActivityFactory(customer=customer, author=users["sales"], type="email", title="An email")
    assert "An email" not in titles(type="email")


def test_log_a_call_opens_the_form_for_a_call_of_this_customer(client_for: Any) -> None:
    customer = CustomerFactory(phone="+2348031234567")
    client = client_for("sales")
    page = client.get(calls_url(customer)).content.decode()
    assert f'href="/activities/new/?customer={customer.code}&amp;type=call"' in page
    assert "Log a call" in page
    form = client.get(f"/activities/new/?customer={customer.code}&type=call").content.decode()
    assert re.search(r'<option value="call" selected>', form)
    assert "Log a call" not in client_for("accounting").get(calls_url(customer)).content.decode()


def test_a_missed_inbound_call_offers_call_back_and_log_outcome(client_for: Any, users: dict[str, Any]) -> None:
    customer = CustomerFactory()
    missed = call(customer, users["sales"], "Rang at lunch", direction="in", outcome="missed", phone="+2348031234567")
    call(customer, users["sales"], "Answered", direction="in", outcome="positive", phone="+2348031234567")
    page = client_for("sales").get(calls_url(customer)).content.decode()

    start = page.index(f'data-row="{missed.pk}"')
    end = page.find("data-row=", start + 1)
    row = page[start : end if end > 0 else len(page)]
    assert page.count('data-testid="call-back"') == 1 and page.count('data-testid="log-outcome"') == 1
    assert 'data-testid="call-back"' in row and 'href="tel:+2348031234567"' in row
    log_link = re.search(r'href="([^"]+)"[^>]*data-testid="log-outcome"', row)
    assert log_link is not None
    log_url = log_link.group(1).replace("&amp;", "&")
    presets = parse_qs(urlsplit(log_url).query)
    assert presets["customer"] == [customer.code] and presets["type"] == ["call"] and presets["direction"] == ["out"]
    assert presets["phone"] == ["+2348031234567"] and presets["title"] == ["Call back: Rang at lunch"]
    form = client_for("sales").get(log_url).content.decode()
    assert 'value="Call back: Rang at lunch"' in form and '<option value="out" selected>' in form
    # A role that reads the timeline may call back, but only one that logs calls logs the outcome.
    read_only = client_for("support").get(calls_url(customer)).content.decode()
    assert 'data-testid="call-back"' in read_only and 'data-testid="log-outcome"' not in read_only


def test_only_an_inbound_call_can_be_missed(users: dict[str, Any]) -> None:
    customer = CustomerFactory()
    for values in ({"type": "call", "direction": "out"}, {"type": "email"}):
        with pytest.raises(ValidationError) as refused:
            ActivityFactory(customer=customer, author=users["sales"], title="No", outcome="missed", **values)
        assert refused.value.message_dict["outcome"] == ["Only an inbound call can be missed."]


def test_the_api_lists_calls_by_type_direction_and_outcome(client_for: Any, users: dict[str, Any]) -> None:
    customer = CustomerFactory()
    missed = call(customer, users["sales"], "Missed", direction="in", outcome="missed")
    outbound = call(customer, users["sales"], "Outbound")
    ActivityFactory(customer=customer, author=users["sales"], type="email", title="Email")
    client = client_for("support")

    def titles(**params: Any) -> list[str]:
        response = client.get("/api/v1/activities", {"customer": customer.code, **params})
        assert response.status_code == 200, response.json()
        return sorted(item["title"] for item in response.json()["items"])

    assert titles(type="call") == sorted([missed.title, outbound.title])
    assert titles(type="call", direction="in", outcome="missed") == ["Missed"]
    timeline = client.get(f"/api/v1/customers/{customer.code}/timeline", {"type": "call", "outcome": "missed"})
    assert [item["title"] for item in timeline.json()["items"]] == ["Missed"]
    assert client.get("/api/v1/activities", {"direction": "sideways"}).status_code == 422
