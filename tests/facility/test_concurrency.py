"""Presence under concurrent decisions: 200 decisions across 20 cards at once, counts checked after.

Runs on the test database of the session (SQLite file or PostgreSQL with ``DATABASE_URL``), with
real transactions: each thread has its own connection, as gunicorn's threads do.
"""

import random
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from django.db import connection

from clientbook.core.kit import writes
from clientbook.facility import gate
from clientbook.facility.factories import AccessCardFactory, DeviceFactory, ZoneFactory
from clientbook.facility.models import Event, Presence, Zone
from tests.facility.conftest import token_of

CARDS, DECISIONS, CAPACITY = 20, 200, 12


THREADS = 8


def _run(chunk: list[tuple[str, str, str, str]]) -> list[gate.Answer]:
    """One thread's share, on its own connection (closed at the end, as a server thread's would be)."""
    try:
        return [
            gate.decide(gate.Request(token=token, card_number=number, direction=direction, idempotency_key=key))
            for token, number, direction, key in chunk
        ]
    finally:
        connection.close()


@pytest.mark.django_db(transaction=True)
def test_parallel_decisions_keep_presence_and_occupancy_exact(settings: Any) -> None:
    settings.CLIENTBOOK_GATE_DB_TIMEOUT_MS = 20_000
    zone = ZoneFactory(capacity=CAPACITY)
    writes.update(zone, user=None, values={"anti_passback": "hard"})
    token = token_of(DeviceFactory(zone=zone, direction="both"))
    cards = [AccessCardFactory(allowed_zones=[zone]).card_number for _ in range(CARDS)]
    chooser = random.Random(15)
    requests = [
        (token, chooser.choice(cards), chooser.choice(["entry", "entry", "exit"]), f"k{number}")
        for number in range(DECISIONS)
    ]
    # Some requests are sent twice (a reader retrying): they must not count twice.
    requests += [requests[number] for number in range(0, DECISIONS, 10)]
    chooser.shuffle(requests)

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        shares = pool.map(_run, [requests[start::THREADS] for start in range(THREADS)])
        answers = [answer for share in shares for answer in share]

    assert not [answer for answer in answers if answer.reason == gate.Reason.UNAVAILABLE]
    decisions = Event.objects.exclude(kind="notification")
    assert decisions.count() == DECISIONS
    assert len({answer.event for answer in answers}) == DECISIONS
    reasons = Counter(answer.reason for answer in answers)
    assert reasons[gate.Reason.OK] > 0 and set(reasons) <= {"ok", "anti_passback", "zone_full"}

    occupancy = Zone.objects.get(pk=zone.pk).occupancy
    inside = Presence.objects.filter(zone=zone, inside=True)
    assert 0 <= occupancy <= CAPACITY
    assert occupancy == inside.count()
    # Each card's allowed entries and exits, replayed in the order they were recorded, end where its presence is.
    for card_number in cards:
        state, went_below = False, False
        for kind in Event.objects.filter(card__card_number=card_number, kind__in=["entry", "exit"]).order_by("id"):
            if kind.kind == "entry":
                assert not state, "hard anti-passback let a card in twice"
                state = True
            else:
                went_below = went_below or not state
                state = False
        assert inside.filter(card__card_number=card_number).exists() == state
