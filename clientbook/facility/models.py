"""Facility access: zones with their gates (devices), customers' vehicles and access cards, the gate's
events (append-only) and who is inside (presence), which the gate's decisions keep (``gate.py``)."""

from typing import ClassVar

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from clientbook.core.models import TrackedModel


class Zone(TrackedModel):
    class AntiPassback(models.TextChoices):
        NONE = "none", "None"
        SOFT = "soft", "Soft (allow and alert)"
        HARD = "hard", "Hard (deny)"

    name = models.CharField(max_length=100)
    # None: no limit.
    capacity = models.PositiveIntegerField(
        null=True, blank=True, help_text="How many may be inside at once; empty: no limit."
    )
    anti_passback = models.CharField(
        max_length=4,
        choices=AntiPassback.choices,
        default=AntiPassback.NONE,
        verbose_name="anti-passback",
        help_text="Entering twice without an exit: allowed, allowed with an alert, or denied.",
    )
    # Kept by the gate's decisions under the zone's row lock (``gate.py``); never below zero.
    occupancy = models.PositiveIntegerField(default=0, editable=False)

    sort_name = models.CharField(max_length=300, editable=False, default="")
    search_document = models.TextField(editable=False, default="")

    class Meta:
        ordering = ["sort_name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["name"],
                condition=Q(deleted_at__isnull=True),
                name="zone_name_unique_live",
                violation_error_message="A zone with this name exists.",
            ),
            models.CheckConstraint(condition=Q(occupancy__gte=0), name="zone_occupancy_not_negative"),
        ]

    def __str__(self) -> str:
        return self.name


class Device(TrackedModel):
    """A gate reader: it reads cards (and maybe plates) at one zone's entry, exit or both."""

    class Direction(models.TextChoices):
        ENTRY = "entry", "Entry"
        EXIT = "exit", "Exit"
        BOTH = "both", "Entry and exit"

    class FailureMode(models.TextChoices):
        # What the reader does when it cannot reach the server; the server itself always denies then.
        FAIL_CLOSED = "fail_closed", "Fail closed (stay shut)"
        FAIL_OPEN = "fail_open", "Fail open (let through)"

    name = models.CharField(max_length=100)
    zone = models.ForeignKey(Zone, on_delete=models.PROTECT, related_name="devices")
    direction = models.CharField(max_length=5, choices=Direction.choices, default=Direction.ENTRY)
    failure_mode = models.CharField(
        max_length=11,
        choices=FailureMode.choices,
        default=FailureMode.FAIL_CLOSED,
        help_text="What the reader does when it cannot reach Clientbook.",
    )
    enabled = models.BooleanField(default=True)
    # The device's credential: only its SHA-256 is kept (``tokens.py``); the prefix helps recognise it.
    token_digest = models.CharField(max_length=64, editable=False, default="", db_index=True)
    token_prefix = models.CharField(max_length=16, editable=False, default="")
    token_issued_at = models.DateTimeField(null=True, blank=True, editable=False, verbose_name="token issued")

    sort_name = models.CharField(max_length=300, editable=False, default="")
    search_document = models.TextField(editable=False, default="")

    class Meta:
        ordering = ["sort_name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["name"],
                condition=Q(deleted_at__isnull=True),
                name="device_name_unique_live",
                violation_error_message="A device with this name exists.",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Vehicle(TrackedModel):
    customer = models.ForeignKey("customers.Customer", on_delete=models.CASCADE, related_name="vehicles")
    # As typed, for display ("AB-12 CD"); ``plate_number`` is what is compared.
    plate = models.CharField(max_length=20, verbose_name="plate")
    plate_number = models.CharField(max_length=20, editable=False, default="", verbose_name="canonical plate")
    # ``plate_number`` with O read as 0 and I as 1: search suggestions only (``plates.py``).
    plate_folded = models.CharField(max_length=20, editable=False, default="")
    brand = models.CharField(max_length=60, blank=True)
    model_name = models.CharField(max_length=60, blank=True, verbose_name="model")
    year = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1886), MaxValueValidator(2100)]
    )
    colour = models.CharField(max_length=40, blank=True)
    tags = models.CharField(max_length=200, blank=True, help_text="Comma-separated.")

    sort_name = models.CharField(max_length=300, editable=False, default="")
    search_document = models.TextField(editable=False, default="")

    class Meta:
        ordering = ["sort_name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["plate_number"],
                condition=Q(deleted_at__isnull=True),
                name="vehicle_plate_unique_live",
                violation_error_message="A vehicle with this plate exists.",
            ),
        ]
        indexes = [models.Index(fields=["plate_folded"], name="vehicle_plate_folded")]

    def __str__(self) -> str:
        return self.plate

    @property
    def tag_list(self) -> list[str]:
        return [tag for tag in (part.strip() for part in self.tags.split(",")) if tag]


class AccessCard(TrackedModel):
    customer = models.ForeignKey("customers.Customer", on_delete=models.CASCADE, related_name="access_cards")
    card_number = models.CharField(max_length=32, help_text="As printed or encoded on the card.")
    username = models.CharField(max_length=150, blank=True, help_text="The holder's name on the access system.")
    # The static QR code's payload: an opaque random token (``tokens.py``); rotate and revoke replace it.
    qr_payload = models.CharField(max_length=64, editable=False, unique=True)
    # When the payload was made: the recorded trace of a rotation (the payload itself is masked in the audit).
    qr_issued_at = models.DateTimeField(null=True, blank=True, editable=False, verbose_name="QR issued")
    valid_from = models.DateTimeField(null=True, blank=True, help_text="Empty: from now on.")
    valid_until = models.DateTimeField(null=True, blank=True, help_text="Empty: no end.")
    is_active = models.BooleanField(default=True, verbose_name="active")
    # Set by "Revoke"; a revoked card never opens again (a new card is issued instead).
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)
    allowed_zones = models.ManyToManyField(Zone, blank=True, related_name="cards", help_text="The zones it opens.")
    # Set by the gate's allowed decisions.
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)

    sort_name = models.CharField(max_length=300, editable=False, default="")
    search_document = models.TextField(editable=False, default="")

    class Meta:
        ordering = ["sort_name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["card_number"],
                condition=Q(deleted_at__isnull=True),
                name="card_number_unique_live",
                violation_error_message="A card with this number exists.",
            ),
        ]
        indexes = [models.Index(fields=["customer", "valid_until"], name="card_customer_valid_until")]

    def __str__(self) -> str:
        return self.card_number

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None


# --- Events (append-only) --------------------------------------------------------------------------


class EventsAreAppendOnly(Exception):
    """An event is never changed or deleted, by anyone: a correction is a new event."""


class EventQuerySet(models.QuerySet):
    def update(self, **kwargs: object) -> int:
        raise EventsAreAppendOnly("Events cannot be changed; record a new event instead.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise EventsAreAppendOnly("Events cannot be deleted.")

    def bulk_update(self, objs: object, fields: object, batch_size: int | None = None) -> int:
        raise EventsAreAppendOnly("Events cannot be changed; record a new event instead.")


def _kept(to: str, related_name: str, verbose_name: str = "") -> models.ForeignKey:
    """A link an event keeps even when the record is purged (no database constraint, nothing cascades), as
    audit events keep the id of what they describe; deleting through it is refused by the queryset anyway."""
    return models.ForeignKey(
        to,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name=related_name,
        verbose_name=verbose_name or None,
    )


class Event(models.Model):
    class Kind(models.TextChoices):
        ENTRY = "entry", "Entry"
        EXIT = "exit", "Exit"
        DENIED = "denied", "Denied"
        PAYMENT = "payment", "Payment"
        NOTIFICATION = "notification", "Notification"

    class PaymentStatus(models.TextChoices):
        PENDING = "pending", "Pending"
        PAID = "paid", "Paid"
        FAILED = "failed", "Failed"

    at = models.DateTimeField(default=timezone.now, verbose_name="time")
    kind = models.CharField(max_length=12, choices=Kind.choices, verbose_name="type")
    # Why a decision denied, or what a notification is about (``gate.Reason``).
    reason = models.CharField(max_length=32, blank=True)
    device = _kept("facility.Device", "events")
    zone = _kept("facility.Zone", "events")
    card = _kept("facility.AccessCard", "events")
    customer = _kept("customers.Customer", "facility_events")
    plate = models.CharField(max_length=20, blank=True, help_text="The plate as read, canonical.")
    # The entry a payment was made at.
    entry = _kept("facility.Event", "payments")
    amount = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    currency = models.CharField(max_length=3, blank=True)
    payment_status = models.CharField(max_length=7, choices=PaymentStatus.choices, blank=True)
    payment_reference = models.CharField(max_length=100, blank=True)
    # A manual exit's operator and why (a missed exit forgiven).
    actor = _kept(settings.AUTH_USER_MODEL, "+", "recorded by")
    note = models.CharField(max_length=300, blank=True)
    # The device's key for one decision: a retry with it gets the first answer, without a second event.
    idempotency_key = models.CharField(max_length=100, blank=True, editable=False)

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["customer", "-at"], name="event_customer_at"),
            models.Index(fields=["at"], name="event_at"),
            models.Index(fields=["zone", "-at"], name="event_zone_at"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["device", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="event_idempotency_key_per_device",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.at:%Y-%m-%d %H:%M:%S}"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None and not kwargs.get("force_insert"):
            raise EventsAreAppendOnly("Events cannot be changed; record a new event instead.")
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise EventsAreAppendOnly("Events cannot be deleted.")


class EntryQuerySet(EventQuerySet):
    pass


class EntryManager(models.Manager.from_queryset(EntryQuerySet)):  # type: ignore[misc]
    def get_queryset(self) -> models.QuerySet:
        return super().get_queryset().filter(kind=Event.Kind.ENTRY)


class Entry(Event):
    """The entries among the events, each with the payment made at it (the customer's Entries tab)."""

    objects: ClassVar[EntryManager] = EntryManager()  # type: ignore[assignment]

    class Meta:
        proxy = True
        verbose_name_plural = "entries"
        ordering = ["-at", "-id"]


class Presence(models.Model):
    """Whether a card is inside a zone now: kept by the gate's decisions under the zone's row lock."""

    card = models.ForeignKey(AccessCard, on_delete=models.CASCADE, related_name="presences")
    zone = models.ForeignKey(Zone, on_delete=models.CASCADE, related_name="presences")
    customer = models.ForeignKey("customers.Customer", on_delete=models.CASCADE, related_name="presences")
    inside = models.BooleanField(default=False)
    # The entry (while inside) or the exit (after it) that set it.
    since = models.DateTimeField()
    last_event = _kept("facility.Event", "+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["card", "zone"], name="presence_card_zone")]
        permissions = [("record_manual_exit", "Can record a manual exit")]
        indexes = [
            models.Index(fields=["zone", "since"], name="presence_inside_by_zone", condition=Q(inside=True)),
            models.Index(fields=["customer"], name="presence_inside_customer", condition=Q(inside=True)),
        ]

    def __str__(self) -> str:
        return f"{self.card} {'in' if self.inside else 'out of'} {self.zone}"
