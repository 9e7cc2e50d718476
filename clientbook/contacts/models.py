"""People at an organization customer."""

from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower

from clientbook.core.models import TrackedModel
from clientbook.core.phones import PhoneField


class Contact(TrackedModel):
    organization = models.ForeignKey(
        "customers.Customer",
        on_delete=models.CASCADE,
        related_name="contacts",
        limit_choices_to={"kind": "organization"},
    )
    first_name = models.CharField(max_length=100, blank=True)
    last_name = models.CharField(max_length=100)
    email = models.EmailField(blank=True)
    phone = PhoneField(blank=True)
    job_title = models.CharField(max_length=100, blank=True)
    department = models.CharField(max_length=100, blank=True)
    is_primary = models.BooleanField(default=False, verbose_name="primary contact")
    notes = models.TextField(blank=True)

    # Maintained by the kit's writes: the normalised name (sorting, short searches) and the search document.
    sort_name = models.CharField(max_length=300, editable=False, default="")
    search_document = models.TextField(editable=False, default="")

    class Meta:
        ordering = ["sort_name", "id"]
        indexes = [
            # A universal search typed as an address or a number finds the contact by these (kit/universal.py).
            models.Index(Lower("email"), name="contact_email_lower"),
            models.Index(fields=["phone"], name="contact_phone"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["organization"],
                condition=Q(is_primary=True, deleted_at__isnull=True),
                name="contact_one_primary_per_organization",
                violation_error_message="The organization already has a primary contact.",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()
