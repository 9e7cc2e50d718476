"""The gate's decision through POST /api/v1/access/decisions: every reason, validity edges, anti-passback,
capacity, idempotent retries, payments, device authentication and failing closed."""

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.db import OperationalError

from clientbook.accounts import services as account_services
from clientbook.core.kit import writes
from clientbook.customers import services as customer_services
from clientbook.facility import gate as gate_module
from clientbook.facility import services
from clientbook.facility.factories import AccessCardFactory, ZoneFactory
from clientbook.facility.models import Event, EventsAreAppendOnly, Presence, Zone
from tests.facility.conftest import Gate, utc

pytestmark = pytest.mark.django_db


def test_an_allowed_entry_answers_and_records_it_with_the_presence(gate: Gate) -> None:
    response = gate.decide(plate="ab-12 cd")
    assert response.status_code == 200, response.json()
    body = response.json()
    customer = gate.card.customer
    event = Event.objects.get(pk=body["event"])
    assert body == {
        "allowed": True,
        "reason": "ok",
        "customer": {"code": customer.code, "display_name": customer.display_name},
        "zone": "Main hall",
        "event": event.pk,
        "direction": "entry",
        "repeated": False,
    }
    assert (event.kind, event.card, event.customer, event.zone, event.device, event.plate) == (
        "entry",
        gate.card,
        customer,
        gate.zone,
        gate.device,
        "AB12CD",
    )
    gate.zone.refresh_from_db()
    gate.card.refresh_from_db()
    assert gate.zone.occupancy == 1 and gate.card.last_used_at == event.at
    assert Presence.objects.get(card=gate.card, zone=gate.zone).inside


def test_the_qr_payload_opens_as_the_card_number_does(gate: Gate) -> None:
    body = gate.decide(qr=gate.card.qr_payload).json()
    assert body["allowed"] and body["customer"]["code"] == gate.card.customer.code


def _denied(gate: Gate, reason: str, **body: Any) -> dict[str, Any]:
    before = Event.objects.count()
    response = gate.decide(**body)
    assert response.status_code == 200, response.json()
    answer = response.json()
    assert (answer["allowed"], answer["reason"]) == (False, reason)
    event = Event.objects.get(pk=answer["event"])
    assert event.kind == "denied" and event.reason == reason and Event.objects.count() == before + 1
    return answer


def test_an_unknown_card_or_qr_is_denied(gate: Gate) -> None:
    assert _denied(gate, "unknown_card", card_number="NOPE-1")["customer"] is None
    _denied(gate, "unknown_card", qr="cbq_not-a-payload")
    writes.delete(gate.card, user=None)
    _denied(gate, "unknown_card")


def test_an_inactive_or_revoked_card_is_denied_and_a_rotated_qr_dies(gate: Gate) -> None:
    old_qr = gate.card.qr_payload
    services.rotate_qr(None, gate.card)
    _denied(gate, "unknown_card", qr=old_qr)
    writes.update(gate.card, user=None, values={"is_active": False})
    _denied(gate, "card_inactive")
    services.revoke_card(None, gate.card)
    _denied(gate, "card_revoked")


@pytest.mark.parametrize("status", ["inactive", "prospect", "blocked", "churned"])
def test_a_customer_who_is_not_active_is_denied(gate: Gate, status: str) -> None:
    customer = gate.card.customer
    values = {"status": status, **({"block_reason": "Unpaid invoices."} if status == "blocked" else {})}
    writes.update(customer, user=None, values=values)
    answer = _denied(gate, "customer_not_active")
    assert answer["customer"]["code"] == customer.code


def test_a_deleted_customer_is_denied(gate: Gate) -> None:
    card = AccessCardFactory(allowed_zones=[gate.zone])
    customer_services.delete_customer(user=None, customer=card.customer)
    _denied(gate, "customer_not_active", card_number=card.card_number)


def test_a_card_not_allowed_in_the_zone_is_denied(gate: Gate) -> None:
    elsewhere = AccessCardFactory(allowed_zones=[ZoneFactory()])
    _denied(gate, "zone_not_allowed", card_number=elsewhere.card_number)
    _denied(gate, "zone_not_allowed", card_number=AccessCardFactory().card_number)


def test_a_full_zone_denies_entries_but_lets_people_out(gate: Gate) -> None:
    writes.update(gate.zone, user=None, values={"capacity": 1})
    assert gate.decide(direction="entry").json()["allowed"]
    other = gate.card_for()
    _denied(gate, "zone_full", card_number=other.card_number, direction="entry")
    assert gate.decide(direction="exit").json()["allowed"]
    assert gate.decide(card_number=other.card_number, direction="entry").json()["allowed"]


@pytest.mark.parametrize(
    ("mode", "allowed", "reason"),
    [("none", True, "ok"), ("soft", True, "anti_passback_alert"), ("hard", False, "anti_passback")],
)
def test_entering_twice_without_an_exit_follows_the_zones_anti_passback(
    gate: Gate, mode: str, allowed: bool, reason: str
) -> None:
    writes.update(gate.zone, user=None, values={"anti_passback": mode})
    assert gate.decide(direction="entry").json()["reason"] == "ok"
    second = gate.decide(direction="entry").json()
    assert (second["allowed"], second["reason"]) == (allowed, reason)
    gate.zone.refresh_from_db()
    assert gate.zone.occupancy == 1
    alerts = Event.objects.filter(kind="notification", reason="anti_passback_alert")
    assert alerts.count() == (1 if mode == "soft" else 0)
    # After an exit the card enters again in every mode.
    assert gate.decide(direction="exit").json()["allowed"]
    assert gate.decide(direction="entry").json()["reason"] == "ok"


def test_a_reader_at_both_directions_lets_the_presence_decide(gate: Gate) -> None:
    assert [gate.decide().json()["direction"] for _ in range(3)] == ["entry", "exit", "entry"]


def test_an_exit_of_someone_not_inside_never_takes_the_occupancy_below_zero(gate: Gate) -> None:
    _, token = gate.reader(direction="exit")
    assert gate.decide(token=token).json()["direction"] == "exit"
    gate.zone.refresh_from_db()
    assert gate.zone.occupancy == 0
    assert not Presence.objects.get(card=gate.card).inside


def test_an_entry_reader_only_lets_in(gate: Gate) -> None:
    _, token = gate.reader(direction="entry")
    assert gate.decide(token=token, direction="exit").json()["direction"] == "entry"


def test_a_retry_with_the_same_key_gets_the_first_answer_without_a_second_event(gate: Gate) -> None:
    first = gate.decide(idempotency_key="door-1:0001").json()
    again = gate.decide(idempotency_key="door-1:0001").json()
    assert again == {**first, "repeated": True}
    assert Event.objects.filter(kind="entry").count() == 1
    gate.zone.refresh_from_db()
    assert gate.zone.occupancy == 1
    # A denial is remembered the same way; another key is another decision.
    writes.update(gate.card, user=None, values={"is_active": False})
    denied = gate.decide(idempotency_key="door-1:0002").json()
    assert gate.decide(idempotency_key="door-1:0002").json()["event"] == denied["event"]
    assert Event.objects.count() == 2


def test_the_key_is_the_devices_own(gate: Gate) -> None:
    _, token = gate.reader(direction="both")
    first = gate.decide(idempotency_key="k1").json()
    other = gate.decide(token=token, idempotency_key="k1").json()
    assert other["event"] != first["event"] and other["direction"] == "exit"


def test_a_payment_at_entry_is_recorded_with_it(gate: Gate) -> None:
    payment = {"amount": "4.50", "currency": "eur", "status": "paid", "reference": "T-889"}
    body = gate.decide(direction="entry", payment=payment).json()
    paid = Event.objects.get(kind="payment")
    assert paid.entry_id == body["event"]
    assert (paid.amount, paid.currency, paid.payment_status, paid.payment_reference) == (
        Decimal("4.50"),
        "EUR",
        "paid",
        "T-889",
    )


def test_a_payment_is_checked_before_anything_is_decided(gate: Gate) -> None:
    response = gate.decide(payment={"amount": "-1", "currency": "ZZZ"})
    assert response.status_code == 422
    fields = {error["field"] for error in response.json()["errors"]}
    assert any("amount" in str(field) for field in fields) and any("currency" in str(field) for field in fields)
    assert Event.objects.count() == 0


def test_the_body_names_a_card_number_or_a_qr_payload(gate: Gate) -> None:
    assert gate.decide(card_number="", qr="").status_code == 422
    assert gate.decide(card_number="A", qr="B").status_code == 422
    assert Event.objects.count() == 0


# --- Device authentication ---------------------------------------------------------------------


def test_without_a_device_token_the_caller_is_refused(gate: Gate) -> None:
    assert gate.decide(token="").status_code == 401
    user = account_services.create_user(username="op", role="facility", password="x", check_password=False)
    _, user_token = account_services.create_api_token(user=user)
    assert gate.decide(token=user_token).status_code == 401
    assert Event.objects.count() == 0


def test_an_unknown_or_disabled_device_is_denied(gate: Gate) -> None:
    answer = _denied(gate, "device_unknown", token="cbgate_made-up")
    assert answer["zone"] is None and Event.objects.get(pk=answer["event"]).device is None
    old = gate.token
    services.issue_device_token(None, gate.device)
    _denied(gate, "device_unknown", token=old)
    gate.token = next(
        word for word in services.issue_device_token(None, gate.device).split() if word.startswith("cbgate_")
    )
    writes.update(gate.device, user=None, values={"enabled": False})
    assert Event.objects.get(pk=_denied(gate, "device_disabled")["event"]).device == gate.device


# --- Validity in the site's zone ---------------------------------------------------------------


def _at(gate: Gate, moment: dt.datetime) -> str:
    answer = gate_module.decide(
        gate_module.Request(token=gate.token, card_number=gate.card.card_number, direction="entry"), at=moment
    )
    if answer.allowed:
        gate_module.decide(
            gate_module.Request(token=gate.token, card_number=gate.card.card_number, direction="exit"), at=moment
        )
    return str(answer.reason)


def test_a_card_valid_until_midnight_stops_at_the_sites_midnight(gate: Gate, berlin: Any) -> None:
    # Valid until 2026-01-16 00:00 in Berlin, which is 2026-01-15 23:00 UTC.
    writes.update(
        gate.card,
        user=None,
        values={"valid_from": utc(2026, 1, 14, 23, 0), "valid_until": utc(2026, 1, 15, 23, 0)},
    )
    assert _at(gate, utc(2026, 1, 14, 22, 59, 59)) == "card_not_yet_valid"
    assert _at(gate, utc(2026, 1, 14, 23, 0)) == "ok"
    assert _at(gate, utc(2026, 1, 15, 22, 59, 59)) == "ok"
    assert _at(gate, utc(2026, 1, 15, 23, 0)) == "card_expired"


def test_validity_across_the_spring_and_autumn_changes(gate: Gate, berlin: Any) -> None:
    from clientbook.facility.validity import at_site

    # Berlin skips 02:00–03:00 on 2026-03-29: a day's validity is 23 hours long.
    start, end = at_site(dt.datetime(2026, 3, 29, 0, 0)), at_site(dt.datetime(2026, 3, 30, 0, 0))
    assert end - start == dt.timedelta(hours=23)
    writes.update(gate.card, user=None, values={"valid_from": start, "valid_until": end})
    assert _at(gate, utc(2026, 3, 29, 21, 59)) == "ok"
    assert _at(gate, utc(2026, 3, 29, 22, 0)) == "card_expired"
    # Autumn, 2026-10-25: 25 hours, the repeated hour counted once each time round.
    start, end = at_site(dt.datetime(2026, 10, 25, 0, 0)), at_site(dt.datetime(2026, 10, 26, 0, 0))
    assert end - start == dt.timedelta(hours=25)
    writes.update(gate.card, user=None, values={"valid_from": start, "valid_until": end})
    assert _at(gate, utc(2026, 10, 24, 21, 59)) == "card_not_yet_valid"
    assert _at(gate, utc(2026, 10, 25, 22, 59)) == "ok"
    assert _at(gate, utc(2026, 10, 25, 23, 0)) == "card_expired"


# --- Failing closed ------------------------------------------------------------------------------


def test_when_the_database_fails_the_gate_denies_as_unavailable(gate: Gate, monkeypatch: Any) -> None:
    def unreachable(*args: Any, **kwargs: Any) -> Any:
        raise OperationalError("connection to server at 127.0.0.1, port 5432 failed: Connection refused")

    monkeypatch.setattr(gate_module, "_decide", unreachable)
    response = gate.decide()
    assert response.status_code == 503
    assert response.json() == {
        "allowed": False,
        "reason": "unavailable",
        "customer": None,
        "zone": None,
        "event": None,
        "direction": None,
        "repeated": False,
    }


# --- Events are append-only ----------------------------------------------------------------------


def test_events_cannot_be_changed_or_deleted_by_anyone(gate: Gate) -> None:
    event = Event.objects.get(pk=gate.decide().json()["event"])
    event.reason = "edited"
    with pytest.raises(EventsAreAppendOnly):
        event.save()
    with pytest.raises(EventsAreAppendOnly):
        event.delete()
    with pytest.raises(EventsAreAppendOnly):
        Event.objects.filter(pk=event.pk).update(reason="edited")
    with pytest.raises(EventsAreAppendOnly):
        Event.objects.all().delete()
    assert Event.objects.get(pk=event.pk).reason == ""


def test_a_manual_exit_forgives_a_missed_one_and_is_audited(gate: Gate) -> None:
    from clientbook.core.models import AuditEvent

    gate.decide(direction="entry")
    operator = account_services.create_user(username="op", role="facility", password="x", check_password=False)
    presence = Presence.objects.get(card=gate.card)
    event = gate_module.manual_exit(user=operator, presence=presence, note="Left by the fire door.")
    assert (event.kind, event.reason, event.actor, event.note) == (
        "exit",
        "manual_exit",
        operator,
        "Left by the fire door.",
    )
    assert Zone.objects.get(pk=gate.zone.pk).occupancy == 0
    audited = AuditEvent.objects.filter(action="manual_exit", object_id=str(gate.card.pk)).get()
    assert audited.actor == operator
    with pytest.raises(ValueError):
        gate_module.manual_exit(user=operator, presence=presence)
