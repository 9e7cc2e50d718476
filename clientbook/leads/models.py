"""Leads: people or companies who may become customers, until they are converted into one.

A converted lead keeps the customer it became (or was linked to) and the moment, and is read-only
from then on (``services.may_write``); the customer keeps the lead it came from (``Customer.lead``).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse

from clientbook.core.models import TrackedModel
from clientbook.core.phones import PhoneField

CODE_PREFIX = "LEAD"


class Lead(TrackedModel):
    class Source(models.TextChoices):
        WEBSITE = "website", "Website"
        REFERRAL = "referral", "Referral"
        WALK_IN = "walk_in", "Walk-in"
        CAMPAIGN = "campaign", "Campaign"
        IMPORT = "import", "Import"
        OTHER = "other", "Other"

    class Status(models.TextChoices):
        NEW = "new", "New"
        CONTACTED = "contacted", "Contacted"
        QUALIFIED = "qualified", "Qualified"
        UNQUALIFIED = "unqualified", "Unqualified"
        CONVERTED = "converted", "Converted"

    code = models.CharField(max_length=16, unique=True, editable=False)
    name = models.CharField(max_length=200)
    mobile = PhoneField(blank=True)
    alternative_mobile = PhoneField(blank=True)
    email = models.EmailField(blank=True)
    company = models.CharField(max_length=200, blank=True)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.OTHER)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.NEW)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="leads"
    )
    notes = models.TextField(blank=True)
    # Set by the conversion only: the customer the lead became or was linked to, and when.
    customer = models.ForeignKey(
        "customers.Customer",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="converted_leads",
    )
    converted_at = models.DateTimeField(null=True, blank=True, editable=False)

    # Maintained by the kit's writes: the normalised name (sorting, short searches) and the search document.
    sort_name = models.CharField(max_length=300, editable=False, default="")
    search_document = models.TextField(editable=False, default="")

    class Meta:
        ordering = ["sort_name", "id"]
        indexes = [
            # Universal search's exact identifiers: an e-mail in any case, a mobile in E.164.
            models.Index(Lower("email"), name="lead_email_lower"),
            models.Index(fields=["mobile"], name="lead_mobile"),
            models.Index(
                fields=["status", "sort_name"], name="lead_status_sort_name", condition=Q(deleted_at__isnull=True)
            ),
        ]
        constraints = [
            # A converted lead always names its customer and moment; no other lead does.
            models.CheckConstraint(
                condition=Q(status="converted", converted_at__isnull=False)
                | (~Q(status="converted") & Q(customer__isnull=True, converted_at__isnull=True)),
                name="lead_converted_has_moment",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("leads:lead_detail", kwargs={"code": self.code})

    @property
    def is_converted(self) -> bool:
        return self.status == self.Status.CONVERTED

    @property
    def assignee_name(self) -> str:
        if self.assignee is None:
            return ""
        return self.assignee.get_full_name() or self.assignee.get_username()
