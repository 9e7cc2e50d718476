"""Tickets: a customer's request or problem that support works on until it is resolved and closed.

A ticket's number (``TCK0000001``) comes from the same kind of counter as customer codes
(``core/sequences.next_code``), taken in the transaction that creates it, so numbers only go up and
are never reused, even after a ticket is purged.
"""

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Q

from clientbook.core.models import TrackedModel

CODE_PREFIX = "TCK"
DESCRIPTION_MAX_LENGTH = 10_000


class Ticket(TrackedModel):
    class Status(models.TextChoices):
        OPEN = "open", "Open"
        PENDING = "pending", "Pending"
        RESOLVED = "resolved", "Resolved"
        CLOSED = "closed", "Closed"

    class Priority(models.TextChoices):
        LOW = "low", "Low"
        NORMAL = "normal", "Normal"
        HIGH = "high", "High"
        URGENT = "urgent", "Urgent"

    code = models.CharField(max_length=16, unique=True, editable=False, verbose_name="number")
    customer = models.ForeignKey("customers.Customer", on_delete=models.CASCADE, related_name="tickets")
    subject = models.CharField(max_length=200)
    description = models.TextField(
        blank=True,
        max_length=DESCRIPTION_MAX_LENGTH,
        validators=[MaxLengthValidator(DESCRIPTION_MAX_LENGTH)],
        help_text="Markdown: **bold**, *italic*, - lists, [links](https://…), `code`.",
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    priority = models.CharField(max_length=10, choices=Priority.choices, default=Priority.NORMAL)
    # The priority's place from low (1) to urgent (4), kept by the services: the list sorts by it.
    priority_rank = models.PositiveSmallIntegerField(default=2, editable=False)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="tickets"
    )
    contact = models.ForeignKey(
        "contacts.Contact", on_delete=models.SET_NULL, null=True, blank=True, related_name="tickets"
    )
    due_at = models.DateTimeField(null=True, blank=True, verbose_name="due")

    # Maintained by the kit's writes: the normalised subject (sorting, short searches) and the search document.
    sort_name = models.CharField(max_length=300, editable=False, default="")
    search_document = models.TextField(editable=False, default="")

    class Meta:
        ordering = ["-id"]
        indexes = [
            # A customer's tickets by status: the header's open count and the tab's chips.
            models.Index(
                fields=["customer", "status"], name="ticket_customer_status", condition=Q(deleted_at__isnull=True)
            ),
            models.Index(
                fields=["assignee", "status"], name="ticket_assignee_status", condition=Q(deleted_at__isnull=True)
            ),
            models.Index(fields=["due_at", "id"], name="ticket_due", condition=Q(deleted_at__isnull=True)),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.subject}" if self.code else self.subject

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def assignee_name(self) -> str:
        if self.assignee is None:
            return ""
        return self.assignee.get_full_name() or self.assignee.get_username()


Status = Ticket.Status
# Still being worked on: counted as "open tickets" on the customer's header.
OPEN_STATUSES = (Status.OPEN, Status.PENDING)
DONE_STATUSES = (Status.RESOLVED, Status.CLOSED)
PRIORITY_RANKS: dict[str, int] = {priority.value: rank for rank, priority in enumerate(Ticket.Priority, start=1)}
