"""The customer's timeline: what was done with or happened to a customer, newest first.

People log calls, emails, meetings, messages, notes and tasks; the services that change a customer
(a status change, a deal's stage) write automatic entries in the same transaction. Every entry is
its own row: its ``id`` is its place in the sequence, so two entries at the same instant keep their
order and are never merged.
"""

from django.conf import settings
from django.core.validators import MaxLengthValidator, MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from clientbook.core.models import TrackedModel
from clientbook.core.phones import PhoneField

DESCRIPTION_MAX_LENGTH = 10_000
# A day: longer calls and meetings are typing mistakes.
MAX_DURATION_MINUTES = 24 * 60


class Activity(TrackedModel):
    class Type(models.TextChoices):
        CALL = "call", "Call"
        EMAIL = "email", "Email"
        MEETING = "meeting", "Meeting"
        NOTE = "note", "Note"
        TASK = "task", "Task"
        WHATSAPP = "whatsapp", "WhatsApp message"
        STATUS_CHANGE = "status_change", "Status change"
        DEAL_UPDATE = "deal_update", "Deal update"
        TICKET_UPDATE = "ticket_update", "Ticket update"
        SYSTEM = "system", "System"

    class Outcome(models.TextChoices):
        POSITIVE = "positive", "Positive"
        NEUTRAL = "neutral", "Neutral"
        NEGATIVE = "negative", "Negative"
        # An inbound call nobody answered: the Calls tab offers to call back and log the call-back's outcome.
        MISSED = "missed", "Missed"

    class Direction(models.TextChoices):
        INBOUND = "in", "Inbound"
        OUTBOUND = "out", "Outbound"

    # A customer's entry, a lead's, or both: a converted lead's entries join its customer's timeline.
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.CASCADE, null=True, blank=True, related_name="activities"
    )
    lead = models.ForeignKey("leads.Lead", on_delete=models.CASCADE, null=True, blank=True, related_name="activities")
    type = models.CharField(max_length=20, choices=Type.choices, default=Type.CALL)
    title = models.CharField(max_length=200)
    description = models.TextField(
        blank=True,
        max_length=DESCRIPTION_MAX_LENGTH,
        validators=[MaxLengthValidator(DESCRIPTION_MAX_LENGTH)],
        help_text="Markdown: **bold**, *italic*, - lists, [links](https://…), `code`.",
    )
    occurred_at = models.DateTimeField(default=timezone.now)
    duration_minutes = models.PositiveIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(MAX_DURATION_MINUTES)], verbose_name="duration (minutes)"
    )
    outcome = models.CharField(max_length=10, choices=Outcome.choices, blank=True)
    direction = models.CharField(max_length=3, choices=Direction.choices, blank=True)
    phone = PhoneField(blank=True, verbose_name="phone number")
    contact = models.ForeignKey(
        "contacts.Contact", on_delete=models.SET_NULL, null=True, blank=True, related_name="activities"
    )
    deal = models.ForeignKey("deals.Deal", on_delete=models.SET_NULL, null=True, blank=True, related_name="activities")
    ticket = models.ForeignKey(
        "tickets.Ticket", on_delete=models.SET_NULL, null=True, blank=True, related_name="activities"
    )
    # The note an automatic "note" entry stands for: the timeline shows the note's text.
    note = models.ForeignKey(
        "notes.Note", on_delete=models.CASCADE, null=True, blank=True, editable=False, related_name="activities"
    )
    # Set by the services from the acting user; None for the system's entries.
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, editable=False, related_name="+"
    )
    # Written by a service as the record of a change (a status change, a deal won): nobody edits or deletes it.
    automatic = models.BooleanField(default=False, editable=False)

    # Maintained by the kit's writes: the normalised title (sorting, short searches) and the search document.
    sort_name = models.CharField(max_length=300, editable=False, default="")
    search_document = models.TextField(editable=False, default="")

    class Meta:
        ordering = ["-occurred_at", "-id"]
        verbose_name_plural = "activities"
        indexes = [
            # The timeline of one customer, newest first, and the same per type (the filter chips).
            models.Index(
                fields=["customer", "-occurred_at", "-id"],
                name="activity_customer_timeline",
                condition=Q(deleted_at__isnull=True),
            ),
            models.Index(
                fields=["customer", "type", "-occurred_at", "-id"],
                name="activity_customer_type",
                condition=Q(deleted_at__isnull=True),
            ),
            models.Index(
                fields=["lead", "-occurred_at", "-id"],
                name="activity_lead_timeline",
                condition=Q(deleted_at__isnull=True, lead__isnull=False),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(customer__isnull=False) | Q(lead__isnull=False),
                name="activity_customer_or_lead",
                violation_error_message="An activity belongs to a customer or a lead.",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def author_name(self) -> str:
        if self.author is None:
            return "System"
        return self.author.get_full_name() or self.author.get_username()


Type = Activity.Type
# Written only by the services that make the change they record; nobody logs one by hand.
AUTOMATIC_TYPES = frozenset({Type.STATUS_CHANGE, Type.DEAL_UPDATE, Type.TICKET_UPDATE, Type.SYSTEM})
LOGGED_TYPES = tuple(kind for kind in Type if kind not in AUTOMATIC_TYPES)
# Fields only some types use (a call's number; the duration of calls and meetings; the direction of
# calls and messages): the form shows them for those types, the rules refuse them on the others.
TYPES_OF_FIELD: dict[str, tuple[str, ...]] = {
    "duration_minutes": (Type.CALL, Type.MEETING),
    "direction": (Type.CALL, Type.WHATSAPP),
    "phone": (Type.CALL,),
}
