"""The presence page, the Events and Entries tabs and their exports, per role."""

from typing import Any

import pytest

from clientbook.core.kit.tabs import child_tab_url
from clientbook.facility.models import Event, Presence
from clientbook.facility.specs import ACCESS_CARDS, ENTRIES, EVENTS, VEHICLES
from tests.facility.conftest import Gate

pytestmark = pytest.mark.django_db


def test_the_presence_page_shows_who_is_inside_by_zone_against_capacity(gate: Gate, client_for: Any) -> None:
    gate.decide(direction="entry")
    client = client_for("facility")
    page = client.get("/zones/presence/").content.decode()
    assert gate.card.customer.display_name in page and "1 / 100 inside" in page
    assert 'hx-trigger="every 5s"' in page
    fragment = client.get("/zones/presence/", headers={"HX-Request": "true"}).content.decode()
    assert fragment.lstrip().startswith('<div id="presence"') and "<html" not in fragment
    gate.decide(direction="exit")
    assert "Nobody is inside." in client.get("/zones/presence/").content.decode()


def test_an_operator_records_a_manual_exit_from_the_presence_page(gate: Gate, client_for: Any) -> None:
    gate.decide(direction="entry")
    presence = Presence.objects.get(card=gate.card)
    assert client_for("support").post(f"/zones/presence/{presence.pk}/exit/").status_code == 403
    response = client_for("facility").post(f"/zones/presence/{presence.pk}/exit/", {"note": "Missed the reader."})
    assert response.status_code == 302
    presence.refresh_from_db()
    assert not presence.inside
    assert Event.objects.filter(kind="exit", reason="manual_exit", note="Missed the reader.").exists()


def test_only_holders_of_view_events_see_the_events_and_entries_tabs(gate: Gate, client_for: Any) -> None:
    gate.decide(direction="entry", payment={"amount": "3.00", "currency": "EUR"})
    customer = gate.card.customer
    for spec in (EVENTS, ENTRIES):
        url = child_tab_url(spec, customer)
        assert client_for("facility").get(url).status_code == 200
        for role in ("sales", "support", "accounting"):
            assert client_for(role).get(url).status_code == 403
    page = client_for("support").get(customer.get_absolute_url()).content.decode()
    assert child_tab_url(ACCESS_CARDS, customer) in page and child_tab_url(VEHICLES, customer) in page
    assert child_tab_url(EVENTS, customer) not in page
    entries = client_for("facility").get(child_tab_url(ENTRIES, customer)).content.decode()
    assert 'data-testid="payment-status">Paid' in entries and "3.00 EUR" in entries


def test_the_events_api_and_export_follow_the_same_permission(gate: Gate, client_for: Any) -> None:
    gate.decide(direction="entry")
    writes_denied = gate.decide(card_number="UNKNOWN")
    assert writes_denied.json()["reason"] == "unknown_card"
    assert client_for("sales").get("/api/v1/events").status_code == 403
    listed = client_for("facility").get("/api/v1/events", {"kind": "denied"}).json()
    assert [item["reason"] for item in listed["items"]] == ["unknown_card"]
    export = client_for("facility").post(
        "/api/v1/exports",
        {"model": "events", "format": "csv", "fields": ["at", "kind", "reason"]},
        content_type="application/json",
    )
    assert export.status_code in (200, 201, 202), export.content[:300]
    refused = client_for("sales").post(
        "/api/v1/exports", {"model": "events", "format": "csv", "fields": ["at"]}, content_type="application/json"
    )
    assert refused.status_code == 403


def test_an_entry_export_carries_its_payment(gate: Gate, client_for: Any) -> None:
    gate.decide(direction="entry", payment={"amount": "7.25", "currency": "USD", "status": "pending"})
    response = client_for("facility").post(
        "/api/v1/exports",
        {"model": "entries", "format": "csv", "fields": ["customer", "paid_status", "paid_amount", "paid_currency"]},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content[:300]
    text = b"".join(response.streaming_content).decode() if response.streaming else response.content.decode()
    assert "pending" in text and "7.25" in text and "USD" in text
