"""The gate's decision: may this card pass this reader now? Decided and recorded in one transaction.

``decide`` finds the device by its token's digest, answers a retried request (same device, same
idempotency key) with the first answer, checks the card, its customer, the zone, the zone's
capacity and its anti-passback mode, then writes the entry, exit or denied event (and a payment
made at an entry) with the new presence, all or nothing. The zone's row is locked while its
occupancy is read and changed (PostgreSQL ``SELECT … FOR UPDATE``; SQLite's ``IMMEDIATE``
transactions serialise every writer), so parallel decisions never count a person twice and the
occupancy never goes below zero. When the database cannot answer, the caller (``api.py``) denies
with ``unavailable``: a gate never opens on a failure.
"""

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone

from clientbook.core.records import audit
from clientbook.customers.models import Customer
from clientbook.facility import tokens
from clientbook.facility.models import AccessCard, Device, Event, Presence, Zone
from clientbook.facility.plates import canonical_plate
from clientbook.facility.services import canonical_card_number
from clientbook.facility.validity import card_refusal


class Reason(StrEnum):
    """Every answer's code: ``ok`` and ``anti_passback_alert`` allow, every other one denies."""

    OK = "ok"
    # Soft anti-passback: let in, and an alert (a notification event) for the operator.
    ANTI_PASSBACK_ALERT = "anti_passback_alert"
    UNKNOWN_CARD = "unknown_card"
    CARD_INACTIVE = "card_inactive"
    CARD_REVOKED = "card_revoked"
    CARD_NOT_YET_VALID = "card_not_yet_valid"
    CARD_EXPIRED = "card_expired"
    # The customer is inactive, a prospect, blocked, churned or deleted.
    CUSTOMER_NOT_ACTIVE = "customer_not_active"
    ZONE_NOT_ALLOWED = "zone_not_allowed"
    ZONE_FULL = "zone_full"
    # Hard anti-passback: entering again without having left.
    ANTI_PASSBACK = "anti_passback"
    DEVICE_UNKNOWN = "device_unknown"
    DEVICE_DISABLED = "device_disabled"
    # The database could not be reached in time (never an allow).
    UNAVAILABLE = "unavailable"


ALLOWING = frozenset({Reason.OK, Reason.ANTI_PASSBACK_ALERT})


@dataclass(frozen=True)
class Payment:
    amount: Decimal
    currency: str
    status: str = Event.PaymentStatus.PAID
    reference: str = ""


@dataclass(frozen=True)
class Request:
    token: str
    card_number: str = ""
    qr: str = ""
    plate: str = ""
    # For a reader at "both": which way; empty lets the presence decide (inside: exit, else entry).
    direction: str = ""
    payment: Payment | None = None
    idempotency_key: str = ""


@dataclass(frozen=True)
class Answer:
    allowed: bool
    reason: str
    customer: Customer | None
    zone: str | None
    event: int | None
    direction: str | None
    repeated: bool = False


def answer_of(event: Event, *, repeated: bool = False) -> Answer:
    """The answer a recorded decision gave (a retry gets it again)."""
    allowed = event.kind in (Event.Kind.ENTRY, Event.Kind.EXIT)
    return Answer(
        allowed=allowed,
        reason=event.reason or Reason.OK,
        customer=event.customer,
        zone=event.zone.name if event.zone_id and event.zone else None,
        event=event.pk,
        direction=event.kind if allowed else None,
        repeated=repeated,
    )


@contextmanager
def _bounded_wait() -> Iterator[None]:
    """Wait for locks at most ``CLIENTBOOK_GATE_DB_TIMEOUT_MS``: a reader kept waiting longer has failed already.

    PostgreSQL: statement and lock timeouts local to the transaction. SQLite: the busy timeout, set before
    ``BEGIN IMMEDIATE`` (which is where a writer waits) and put back after.
    """
    milliseconds = int(settings.CLIENTBOOK_GATE_DB_TIMEOUT_MS)
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA busy_timeout")
            usual = int(cursor.fetchone()[0])
            cursor.execute(f"PRAGMA busy_timeout = {milliseconds}")
        try:
            with transaction.atomic():
                yield
        finally:
            if connection.connection is not None:
                with connection.cursor() as cursor:
                    cursor.execute(f"PRAGMA busy_timeout = {usual}")
        return
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config('statement_timeout', %s, true)", [f"{milliseconds}ms"])
                cursor.execute("SELECT set_config('lock_timeout', %s, true)", [f"{milliseconds}ms"])
        yield


def decide(request: Request, *, at: dt.datetime | None = None) -> Answer:
    """Decide and record; a concurrent retry with the same key gets the first answer."""
    now = at or timezone.now()
    try:
        with _bounded_wait():
            return _decide(request, now)
    except IntegrityError:
        # A retry raced the first request with the same key and lost: the first one's answer stands.
        first = _recorded(request)
        if first is None:
            raise
        return first


def _recorded(request: Request) -> Answer | None:
    if not request.idempotency_key:
        return None
    device = Device.objects.filter(token_digest=tokens.digest(request.token)).first()
    if device is None:
        return None
    event = (
        Event.objects.select_related("customer", "zone")
        .filter(device=device, idempotency_key=request.idempotency_key)
        .first()
    )
    return answer_of(event, repeated=True) if event is not None else None


def _decide(request: Request, now: dt.datetime) -> Answer:
    device = Device.objects.select_related("zone").filter(token_digest=tokens.digest(request.token)).first()
    plate = canonical_plate(request.plate)[:20]
    if device is None or not request.token:
        return _deny(Reason.DEVICE_UNKNOWN, now=now, plate=plate)
    key = request.idempotency_key
    if key:
        first = Event.objects.select_related("customer", "zone").filter(device=device, idempotency_key=key).first()
        if first is not None:
            return answer_of(first, repeated=True)
    zone = device.zone
    denied = {"now": now, "device": device, "zone": zone, "plate": plate, "key": key}
    if not device.enabled:
        return _deny(Reason.DEVICE_DISABLED, **denied)
    card = _card(request)
    if card is None:
        return _deny(Reason.UNKNOWN_CARD, **denied)
    customer = card.customer
    denied.update(card=card, customer=customer)
    refusal = card_refusal(card, now)
    if refusal is not None:
        return _deny(Reason(refusal), **denied)
    if customer.deleted_at is not None or customer.status != Customer.Status.ACTIVE:
        return _deny(Reason.CUSTOMER_NOT_ACTIVE, **denied)
    if not card.allowed_zones.filter(pk=zone.pk).exists():
        return _deny(Reason.ZONE_NOT_ALLOWED, **denied)
    # From here the zone's occupancy is read and changed: lock its row first.
    zone = Zone.objects.select_for_update().get(pk=zone.pk)
    denied["zone"] = zone
    presence = Presence.objects.select_for_update().filter(card=card, zone=zone).first()
    inside = presence is not None and presence.inside
    direction = _direction(device, request.direction, inside)
    reason = Reason.OK
    if direction == Event.Kind.ENTRY and inside:
        if zone.anti_passback == Zone.AntiPassback.HARD:
            return _deny(Reason.ANTI_PASSBACK, **denied)
        if zone.anti_passback == Zone.AntiPassback.SOFT:
            reason = Reason.ANTI_PASSBACK_ALERT
    if direction == Event.Kind.ENTRY and not inside and zone.capacity is not None and zone.occupancy >= zone.capacity:
        return _deny(Reason.ZONE_FULL, **denied)

    event = Event.objects.create(
        at=now,
        kind=direction,
        reason="" if reason == Reason.OK else reason,
        device=device,
        zone=zone,
        card=card,
        customer=customer,
        plate=plate,
        idempotency_key=key,
    )
    _move(presence, card=card, zone=zone, event=event, entering=direction == Event.Kind.ENTRY, now=now)
    if reason == Reason.ANTI_PASSBACK_ALERT:
        _beside(event, kind=Event.Kind.NOTIFICATION, reason=reason)
    if request.payment is not None and direction == Event.Kind.ENTRY:
        _record_payment(request.payment, entry=event)
    AccessCard.objects.filter(pk=card.pk).update(last_used_at=now)
    return Answer(True, reason, customer, zone.name, event.pk, direction)


def _card(request: Request) -> AccessCard | None:
    cards = AccessCard.objects.select_related("customer")
    if request.qr:
        return cards.filter(qr_payload=request.qr.strip()).first()
    number = canonical_card_number(request.card_number)
    return cards.filter(card_number=number).first() if number else None


def _direction(device: Device, asked: str, inside: bool) -> str:
    if device.direction == Device.Direction.ENTRY:
        return Event.Kind.ENTRY
    if device.direction == Device.Direction.EXIT:
        return Event.Kind.EXIT
    if asked in (Event.Kind.ENTRY, Event.Kind.EXIT):
        return asked
    return Event.Kind.EXIT if inside else Event.Kind.ENTRY


def _move(
    presence: Presence | None, *, card: AccessCard, zone: Zone, event: Event, entering: bool, now: dt.datetime
) -> None:
    """The card's presence and the zone's occupancy after ``event``; an exit of someone not inside changes nothing."""
    was_inside = presence is not None and presence.inside
    if presence is None:
        Presence.objects.create(
            card=card, zone=zone, customer_id=card.customer_id, inside=entering, since=now, last_event=event
        )
    else:
        Presence.objects.filter(pk=presence.pk).update(inside=entering, since=now, last_event=event)
    if entering and not was_inside:
        Zone.objects.filter(pk=zone.pk).update(occupancy=F("occupancy") + 1)
    elif not entering and was_inside:
        Zone.objects.filter(pk=zone.pk, occupancy__gt=0).update(occupancy=F("occupancy") - 1)


def _beside(entry: Event, **values: Any) -> Event:
    """An event recorded with ``entry`` (its alert, its payment): its moment, device, zone, card, customer, plate."""
    return Event.objects.create(
        at=entry.at,
        device=entry.device,
        zone=entry.zone,
        card=entry.card,
        customer=entry.customer,
        plate=entry.plate,
        entry=entry,
        **values,
    )


def _record_payment(payment: Payment, *, entry: Event) -> Event:
    return _beside(
        entry,
        kind=Event.Kind.PAYMENT,
        amount=payment.amount,
        currency=payment.currency,
        payment_status=payment.status,
        payment_reference=payment.reference,
    )


def _deny(
    reason: Reason,
    *,
    now: dt.datetime,
    device: Device | None = None,
    zone: Zone | None = None,
    card: AccessCard | None = None,
    customer: Customer | None = None,
    plate: str = "",
    key: str = "",
) -> Answer:
    event = Event.objects.create(
        at=now,
        kind=Event.Kind.DENIED,
        reason=reason,
        device=device,
        zone=zone,
        card=card,
        customer=customer,
        plate=plate,
        idempotency_key=key,
    )
    return Answer(False, reason, customer, zone.name if zone else None, event.pk, None)


# --- Manual exit ---------------------------------------------------------------------------------


def manual_exit(*, user: Any, presence: Presence, note: str = "") -> Event:
    """An operator lets a card out of a zone it was recorded inside (a missed exit): an exit event naming the
    operator, the presence and occupancy corrected, and an audit event on the card."""
    with transaction.atomic():
        zone = Zone.objects.select_for_update().get(pk=presence.zone_id)
        locked = Presence.objects.select_for_update().select_related("card").get(pk=presence.pk)
        if not locked.inside:
            raise ValueError("The card is not inside that zone any more.")
        now = timezone.now()
        event = Event.objects.create(
            at=now,
            kind=Event.Kind.EXIT,
            reason="manual_exit",
            zone=zone,
            card=locked.card,
            customer_id=locked.customer_id,
            actor=user,
            note=note.strip()[:300],
        )
        _move(locked, card=locked.card, zone=zone, event=event, entering=False, now=now)
        audit.record_action("manual_exit", locked.card, user=user, zone=zone.name, event=event.pk, note=note.strip())
    return event
