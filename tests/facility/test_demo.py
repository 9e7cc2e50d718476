"""The demo's facility: its history replayed through the gate leaves presence, occupancy and cards consistent."""

import datetime as dt
import itertools
from collections import defaultdict
from typing import Any

import pytest
from django.db import transaction

from clientbook.customers.demo import DemoOffice
from clientbook.customers.factories import CustomerFactory
from clientbook.facility import demo
from clientbook.facility.models import AccessCard, Event, Presence, Vehicle, Zone

pytestmark = pytest.mark.django_db

# A Wednesday morning: a working day, with history behind it.
NOW = dt.datetime(2026, 3, 11, 10, 30, tzinfo=dt.UTC)
ALLOWED = (Event.Kind.ENTRY, Event.Kind.EXIT)


@pytest.fixture
def office(db: Any) -> DemoOffice:
    CustomerFactory.create_batch(45)
    CustomerFactory.create_batch(3, status="blocked", block_reason="Unpaid invoices")
    return DemoOffice(seed=7, organizations=())


@pytest.fixture
def loaded(office: DemoOffice) -> int:
    return demo.load_facility(office, now=NOW)


def _allowed_in_time_order() -> dict[tuple[int, int], list[Event]]:
    by_card_and_zone: dict[tuple[int, int], list[Event]] = defaultdict(list)
    for event in Event.objects.filter(kind__in=ALLOWED).order_by("at", "id"):
        by_card_and_zone[(event.card_id, event.zone_id)].append(event)
    return by_card_and_zone


def test_presence_and_occupancy_agree_with_the_events(loaded: int) -> None:
    assert loaded == Event.objects.count() > 100
    history = _allowed_in_time_order()
    for presence in Presence.objects.all():
        last = history[(presence.card_id, presence.zone_id)][-1]
        assert presence.inside == (last.kind == Event.Kind.ENTRY)
        assert presence.last_event_id == last.pk
    for zone in Zone.objects.all():
        assert zone.occupancy == Presence.objects.filter(zone=zone, inside=True).count()
    building = Zone.objects.get(name="Main building")
    assert 0 < building.occupancy <= demo.INSIDE_NOW
    assert not Event.objects.filter(at__gt=NOW).exists()


def test_nobody_enters_the_hard_anti_passback_zone_twice_without_leaving(loaded: int) -> None:
    building = Zone.objects.get(name="Main building")
    assert building.anti_passback == Zone.AntiPassback.HARD
    for (_, zone_id), events in _allowed_in_time_order().items():
        if zone_id != building.pk:
            continue
        kinds = [event.kind for event in events]
        assert kinds[0] == Event.Kind.ENTRY
        assert all(first != second for first, second in itertools.pairwise(kinds))


def test_cards_were_last_used_at_their_latest_allowed_event(loaded: int) -> None:
    latest: dict[int, dt.datetime] = {}
    for event in Event.objects.filter(kind__in=ALLOWED).order_by("at"):
        latest[event.card_id] = event.at
    cards = list(AccessCard.objects.all())
    assert any(card.last_used_at for card in cards)
    for card in cards:
        assert card.last_used_at == latest.get(card.pk)


def test_the_demo_has_every_kind_of_card_and_the_gate_refused_some(loaded: int) -> None:
    cards = list(AccessCard.objects.all())
    assert any(card.valid_until and card.valid_until <= NOW for card in cards)
    assert any(card.valid_until and NOW < card.valid_until <= NOW + dt.timedelta(days=14) for card in cards)
    assert any(not card.is_active for card in cards) and any(card.revoked_at for card in cards)
    assert Vehicle.objects.exists()
    reasons = set(Event.objects.filter(kind=Event.Kind.DENIED).values_list("reason", flat=True))
    assert {"unknown_card", "card_expired"} <= reasons
    payments = list(Event.objects.filter(kind=Event.Kind.PAYMENT).select_related("entry"))
    assert payments and {payment.payment_status for payment in payments} >= {"paid"}
    for payment in payments:
        assert payment.entry is not None and payment.entry.kind == Event.Kind.ENTRY
        assert (payment.at, payment.card_id, payment.zone_id) == (
            payment.entry.at,
            payment.entry.card_id,
            payment.entry.zone_id,
        )


def test_the_demo_is_the_same_on_every_run(office: DemoOffice) -> None:
    def shape() -> tuple[list[Any], list[Any]]:
        cards = AccessCard.objects.order_by("card_number").values_list("card_number", "customer_id", "valid_until")
        events = Event.objects.order_by("at", "id").values_list(
            "at", "kind", "reason", "card__card_number", "zone__name"
        )
        return list(cards), list(events)

    class Undo(Exception):
        pass

    runs = []
    for _ in range(2):
        try:
            with transaction.atomic():
                demo.load_facility(office, now=NOW)
                runs.append(shape())
                raise Undo
        except Undo:
            pass
    assert runs[0] == runs[1] and runs[0][1]
