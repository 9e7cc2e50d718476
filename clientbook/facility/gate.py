"""The gate's decision: may this card pass this reader now? The event is recorded atomically with it.

``decide`` finds the device by its token's digest, answers a retried request (same device, same
idempotency key) with the first answer, checks the card, its customer and whether it opens the
zone, then, with the zone's row locked, the zone's capacity and its anti-passback mode, and writes
the entry, exit or denied event (and a payment made at an entry) with the new presence, all or
nothing. The zone's row is locked while its occupancy is read and changed (PostgreSQL ``SELECT …
FOR UPDATE``; SQLite's ``IMMEDIATE`` transaction holds its one write lock), so parallel decisions
never count a person twice and the occupancy never goes below zero. On SQLite the checks before
the zone's part read nothing a decision changes and run before that transaction, which every
writer waits for. When the database cannot answer, the caller (``api.py``) denies with ``unavailable``:
a gate never opens on a failure.
"""

import datetime as dt
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Any

from django.conf import settings
from django.db import IntegrityError, OperationalError, connection, transaction
from django.db.models import Exists, F, OuterRef
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
# What a decision reads of the card (``card_refusal``) and of its customer (status, the answer's code and name).
CARD_FIELDS = ("card_number", "customer", "revoked_at", "is_active", "valid_from", "valid_until")
CUSTOMER_FIELDS = (
    "code",
    "kind",
    "company_name",
    "first_name",
    "middle_name",
    "last_name",
    "suffix",
    "status",
    "deleted_at",
)


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

    PostgreSQL: a transaction around the whole decision, with statement and lock timeouts local to it.
    SQLite: the connection's busy timeout for the decision's statements (a denial's write waits there for
    the write lock), put back after; ``_locked`` asks for the lock of the zone's part itself.
    """
    milliseconds = int(settings.CLIENTBOOK_GATE_DB_TIMEOUT_MS)
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA busy_timeout")
            usual = int(cursor.fetchone()[0])
            cursor.execute(f"PRAGMA busy_timeout = {milliseconds}")
        try:
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


# SQLite has one write lock, and a writer that finds it taken sleeps in SQLite's busy handler in steps
# growing to 100 ms: with a server's threads all waiting so, the lock stood free two thirds of the time
# (py-spy during ``python -m bench gate``). This process's threads queue here instead, each woken as soon
# as the one before it commits; the one at the head of the queue asks SQLite for the lock every
# millisecond (``_begin_sqlite``), so another process's writer, asking as often, is not starved either.
_SQLITE_WRITER = threading.Lock()
SQLITE_LOCK_POLL_SECONDS = 0.001


@contextmanager
def _locked() -> Iterator[None]:
    """The transaction that reads and changes the zone's occupancy and writes the event.

    On SQLite it is the decision's only transaction (``IMMEDIATE``: it holds the database's one write lock
    from its start), so the checks that read nothing a decision changes (device, retry, card, customer,
    zone allowed) run before it, in autocommit, and the lock is held only for the zone, the presence and
    the writes; the wait for this process's queue and SQLite's lock together stays within the gate's
    timeout. On PostgreSQL it joins the transaction ``_bounded_wait`` opened (no savepoint).
    """
    if connection.vendor != "sqlite":
        with transaction.atomic(savepoint=False):
            yield
        return
    deadline = time.monotonic() + int(settings.CLIENTBOOK_GATE_DB_TIMEOUT_MS) / 1000
    if not _SQLITE_WRITER.acquire(timeout=deadline - time.monotonic()):
        raise OperationalError("the gate's writers in this process queued longer than CLIENTBOOK_GATE_DB_TIMEOUT_MS")
    try:
        with ExitStack() as transaction_open:
            transaction_open.push(_begin_sqlite(deadline))
            left_ms = max(1, int((deadline - time.monotonic()) * 1000))
            with connection.cursor() as cursor:
                cursor.execute(f"PRAGMA busy_timeout = {left_ms}")
            yield
    finally:
        _SQLITE_WRITER.release()


def _begin_sqlite(deadline: float) -> transaction.Atomic:
    """An entered ``atomic`` (``BEGIN IMMEDIATE`` done: the write lock is held), asked for every millisecond
    until ``deadline``."""
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA busy_timeout = 0")  # a BEGIN that finds the lock taken fails at once
    while True:
        begun = transaction.atomic(savepoint=False)
        try:
            begun.__enter__()
            break
        except OperationalError as failure:
            # A failed BEGIN leaves the connection in autocommit, as it was: asking again is safe.
            if "locked" not in str(failure) or time.monotonic() >= deadline:
                raise
            time.sleep(SQLITE_LOCK_POLL_SECONDS)
    return begun


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


def _one(queryset: Any) -> Any:
    """The row of a look-up by a unique key, or None: ``first()`` would add an ORDER BY for nothing."""
    return next(iter(queryset.order_by()[:1]), None)


def _first_answer(device: Device, key: str) -> Answer | None:
    """The answer recorded for an earlier request with this key from this device.

    The look-up repeats the condition of the unique index of keys (a key is not empty): without it SQLite
    does not use that index and reads every event the device ever recorded.
    """
    if not key:
        return None
    # Only the id first (a retry is rare; the event with its customer and zone is a query dearer to build).
    keyed = Event.objects.exclude(idempotency_key="").filter(device=device, idempotency_key=key)
    first = _one(keyed.values_list("pk", flat=True))
    if first is None:
        return None
    return answer_of(Event.objects.select_related("customer", "zone").get(pk=first), repeated=True)


def _recorded(request: Request) -> Answer | None:
    if not request.idempotency_key:
        return None
    device = _one(Device.objects.filter(token_digest=tokens.digest(request.token)))
    return _first_answer(device, request.idempotency_key) if device is not None else None


def _decide(request: Request, now: dt.datetime) -> Answer:
    device = _one(Device.objects.select_related("zone").filter(token_digest=tokens.digest(request.token)))
    plate = canonical_plate(request.plate)[:20]
    if device is None or not request.token:
        return _deny(Reason.DEVICE_UNKNOWN, now=now, plate=plate)
    key = request.idempotency_key
    first = _first_answer(device, key)
    if first is not None:
        return first
    zone = device.zone
    denied = {"now": now, "device": device, "zone": zone, "plate": plate, "key": key}
    if not device.enabled:
        return _deny(Reason.DEVICE_DISABLED, **denied)
    card = _card(request, zone)
    if card is None:
        return _deny(Reason.UNKNOWN_CARD, **denied)
    customer = card.customer
    denied.update(card=card, customer=customer)
    refusal = card_refusal(card, now)
    if refusal is not None:
        return _deny(Reason(refusal), **denied)
    if customer.deleted_at is not None or customer.status != Customer.Status.ACTIVE:
        return _deny(Reason.CUSTOMER_NOT_ACTIVE, **denied)
    if not card.opens_zone:
        return _deny(Reason.ZONE_NOT_ALLOWED, **denied)
    with _locked():
        return _pass(request, denied)


def _pass(request: Request, denied: dict[str, Any]) -> Answer:
    """The zone's part of the decision, with its row locked: anti-passback, capacity, the event and the presence.

    ``denied``: what a denial records (the moment, device, zone, card, customer, plate and key)."""
    now, device, card, customer = denied["now"], denied["device"], denied["card"], denied["customer"]
    zone = Zone.objects.select_for_update().get(pk=denied["zone"].pk)
    denied = {**denied, "zone": zone}
    presence = _one(Presence.objects.select_for_update().filter(card=card, zone=zone))
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
        plate=denied["plate"],
        idempotency_key=denied["key"],
    )
    _move(presence, card=card, zone=zone, event=event, entering=direction == Event.Kind.ENTRY, now=now)
    if reason == Reason.ANTI_PASSBACK_ALERT:
        _beside(event, kind=Event.Kind.NOTIFICATION, reason=reason)
    if request.payment is not None and direction == Event.Kind.ENTRY:
        _record_payment(request.payment, entry=event)
    AccessCard.objects.filter(pk=card.pk).update(last_used_at=now)
    return Answer(True, reason, customer, zone.name, event.pk, direction)


def _card(request: Request, zone: Zone) -> AccessCard | None:
    """The card read, with its customer and ``opens_zone``: whether ``zone`` is among its allowed zones."""
    # Only the customer's fields a decision reads: a customer has dozens, each costing every decision.
    customer_fields = [f"customer__{name}" for name in CUSTOMER_FIELDS]
    cards = (
        AccessCard.objects.select_related("customer")
        .only(*CARD_FIELDS, *customer_fields)
        .annotate(opens_zone=Exists(Zone.objects.filter(pk=zone.pk, cards=OuterRef("pk"))))
    )
    if request.qr:
        return _one(cards.filter(qr_payload=request.qr.strip()))
    number = canonical_card_number(request.card_number)
    return _one(cards.filter(card_number=number)) if number else None


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
