"""Customers (people and organizations) and their labels."""

from collections.abc import Collection
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django_countries.fields import CountryField
from phonenumber_field.phonenumber import PhoneNumber

from clientbook.core.kit.spec import parent_search_words
from clientbook.core.listing.search import build_document, digits, normalise
from clientbook.core.models import TrackedModel
from clientbook.core.phones import PhoneField
from clientbook.customers.names import label_key, validate_visible
from clientbook.customers.validators import validate_not_in_future

CODE_PREFIX = "CUST"
DESCRIPTION_MAX_LENGTH = 10_000


class Label(TrackedModel):
    class Colour(models.TextChoices):
        BLUE = "primary", "Blue"
        GREY = "secondary", "Grey"
        GREEN = "success", "Green"
        RED = "danger", "Red"
        YELLOW = "warning", "Yellow"
        CYAN = "info", "Cyan"
        BLACK = "dark", "Black"

    name = models.CharField(max_length=60, validators=[validate_visible])
    # ``label_key(name)``, kept by ``save``: names that read the same share it, and live labels may not.
    name_key = models.TextField(editable=False, default="")
    colour = models.CharField(max_length=16, choices=Colour.choices, default=Colour.BLUE)
    # Maintained by the kit's writes (``clientbook.core.kit.writes``): the name and its ``name_key``.
    search_document = models.TextField(editable=False, default="")

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["name_key"], condition=models.Q(deleted_at__isnull=True), name="unique_live_label_key"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("labels:label_detail", kwargs={"pk": self.pk})

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.name_key = label_key(self.name)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "name" in update_fields:
            kwargs["update_fields"] = {*update_fields, "name_key"}
        super().save(*args, **kwargs)

    def validate_constraints(self, exclude: Collection[str] | None = None) -> None:
        """A live label that reads the same (``label_key``) refuses the name.

        Not when the name already failed its field checks (too long, invisible): no look-up then.
        """
        if exclude and "name" in exclude:
            return
        twin = self.live_twin()
        if twin is None:
            return
        if twin.name.casefold() == self.name.casefold():
            raise ValidationError({"name": "A label with this name already exists."}, code="duplicate")
        raise ValidationError({"name": f"A label that reads the same already exists: “{twin.name}”."}, code="duplicate")

    def live_twin(self) -> "Label | None":
        """Another live label whose name reads the same as this one's, if any."""
        return Label.objects.filter(name_key=label_key(self.name)).exclude(pk=self.pk).first()


class Customer(TrackedModel):
    class Kind(models.TextChoices):
        PERSON = "person", "Person"
        ORGANIZATION = "organization", "Organization"

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        INACTIVE = "inactive", "Inactive"
        PROSPECT = "prospect", "Prospect"
        CHURNED = "churned", "Churned"
        BLOCKED = "blocked", "Blocked"

    class Gender(models.TextChoices):
        FEMALE = "female", "Female"
        MALE = "male", "Male"
        OTHER = "other", "Other"
        UNDISCLOSED = "undisclosed", "Prefer not to say"

    class MaritalStatus(models.TextChoices):
        SINGLE = "single", "Single"
        MARRIED = "married", "Married"
        PARTNERSHIP = "partnership", "Civil partnership"
        DIVORCED = "divorced", "Divorced"
        WIDOWED = "widowed", "Widowed"

    class Currency(models.TextChoices):
        USD = "USD", "USD — US dollar"
        EUR = "EUR", "EUR — Euro"
        GBP = "GBP", "GBP — Pound sterling"
        INR = "INR", "INR — Indian rupee"
        CHF = "CHF", "CHF — Swiss franc"
        JPY = "JPY", "JPY — Japanese yen"
        CAD = "CAD", "CAD — Canadian dollar"
        AUD = "AUD", "AUD — Australian dollar"
        AED = "AED", "AED — UAE dirham"
        NGN = "NGN", "NGN — Nigerian naira"
        KES = "KES", "KES — Kenyan shilling"
        ZAR = "ZAR", "ZAR — South African rand"
        BRL = "BRL", "BRL — Brazilian real"
        MXN = "MXN", "MXN — Mexican peso"
        SGD = "SGD", "SGD — Singapore dollar"

    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.PERSON)
    code = models.CharField(max_length=16, unique=True, editable=False)

    first_name = models.CharField(max_length=100, blank=True, validators=[validate_visible])
    middle_name = models.CharField(max_length=100, blank=True, validators=[validate_visible])
    last_name = models.CharField(max_length=100, blank=True, validators=[validate_visible])
    suffix = models.CharField(max_length=20, blank=True)
    company_name = models.CharField(max_length=200, blank=True, validators=[validate_visible])

    email = models.EmailField(blank=True)
    phone = PhoneField(blank=True)
    alt_phone = PhoneField(blank=True, verbose_name="alternative phone")
    gender = models.CharField(max_length=12, choices=Gender.choices, blank=True)
    birthday = models.DateField(null=True, blank=True, validators=[validate_not_in_future])
    marital_status = models.CharField(max_length=12, choices=MaritalStatus.choices, blank=True)

    street = models.CharField(max_length=200, blank=True)
    city = models.CharField(max_length=100, blank=True)
    state = models.CharField(max_length=100, blank=True, verbose_name="state / region")
    postal_code = models.CharField(max_length=20, blank=True)
    country = CountryField(blank=True, db_index=True)

    language = models.CharField(max_length=10, choices=settings.LANGUAGES, blank=True)
    industry = models.CharField(max_length=100, blank=True)
    website = models.URLField(blank=True)
    # A TextField's max_length reaches forms and the API schema only; the validator enforces it.
    description = models.TextField(
        blank=True,
        max_length=DESCRIPTION_MAX_LENGTH,
        validators=[
            MaxLengthValidator(
                DESCRIPTION_MAX_LENGTH,
                message=f"A description has at most {DESCRIPTION_MAX_LENGTH:,} characters "
                "(this one has %(show_value)s).",
            )
        ],
    )

    balance = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal("0.00"), db_index=True)
    currency = models.CharField(max_length=3, choices=Currency.choices, default=Currency.USD)

    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    block_reason = models.CharField(max_length=300, blank=True)
    status_before_block = models.CharField(max_length=10, choices=Status.choices, blank=True, editable=False)

    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="officer_of",
        verbose_name="relationship officer",
    )
    organization = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="members",
        limit_choices_to={"kind": "organization"},
    )
    labels = models.ManyToManyField(Label, blank=True, related_name="customers")

    external_id = models.CharField(max_length=100, blank=True, db_index=True, verbose_name="external id")
    # The broker's client id (a trading account's): optional, and unique among customers that have one.
    client_id = models.CharField(max_length=40, blank=True, verbose_name="client ID")
    account_opened_on = models.DateField(null=True, blank=True, validators=[validate_not_in_future])
    activated_on = models.DateField(null=True, blank=True, validators=[validate_not_in_future])
    last_activity_at = models.DateTimeField(null=True, blank=True)
    # The lead this customer was converted from (or first linked to); set by the leads' conversion only.
    lead = models.ForeignKey(
        "leads.Lead", on_delete=models.SET_NULL, null=True, blank=True, editable=False, related_name="+"
    )

    # Maintained by the services: the normalised display name (sorting) and the search document.
    sort_name = models.CharField(max_length=300, editable=False, default="")
    search_document = models.TextField(editable=False, default="")

    class Meta:
        ordering = ["sort_name", "id"]
        indexes = [
            models.Index(fields=["sort_name", "id"], name="customer_sort_name_id"),
            models.Index(fields=["status", "sort_name"], name="customer_status_sort_name"),
            # Imports find duplicates by email in any case (by phone: the live rows' phone index).
            models.Index(Lower("email"), name="customer_email_lower"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["client_id"],
                condition=~models.Q(client_id=""),
                name="customer_client_id_unique",
                violation_error_message="Another customer has this client ID.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.display_name} ({self.code})" if self.code else self.display_name

    def get_absolute_url(self) -> str:
        return reverse("customers:customer_detail", kwargs={"code": self.code})

    @property
    def display_name(self) -> str:
        if self.kind == self.Kind.ORGANIZATION:
            return self.company_name
        names = [self.first_name, self.middle_name, self.last_name]
        full = " ".join(name for name in names if name)
        return f"{full}, {self.suffix}" if self.suffix else full

    @property
    def full_address(self) -> str:
        parts = [self.street, self.city, self.state, self.postal_code, self.country.name if self.country else ""]
        return ", ".join(part for part in parts if part)

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.kind == self.Kind.PERSON and not (self.first_name or self.last_name):
            errors["last_name"] = "A person needs a first or a last name."
        if self.kind == self.Kind.ORGANIZATION and not self.company_name:
            errors["company_name"] = "An organization needs a company name."
        if self.status == self.Status.BLOCKED and not self.block_reason.strip():
            errors["block_reason"] = "Blocking a customer requires a reason."
        if self.organization_id is not None:
            if self.kind == self.Kind.ORGANIZATION:
                errors["organization"] = "Only a person can belong to an organization."
            elif self.organization is not None and self.organization.kind != self.Kind.ORGANIZATION:
                errors["organization"] = "The organization must be an organization customer."
        if errors:
            raise ValidationError(errors)

    def refresh_search_fields(self, label_names: list[str] | None = None) -> None:
        """Recompute ``sort_name`` and ``search_document`` from the current field values."""
        self.sort_name = normalise(self.display_name)[:300]
        self.search_document = build_document(self.search_texts(label_names), self.search_phones())

    def search_texts(self, label_names: list[str] | None = None) -> list[str | None]:
        """The words the customer is found by; ``label_names`` when the caller knows them (a batch)."""
        code_digits = self.code[len(CODE_PREFIX) :] if self.code else ""
        if label_names is None:
            label_names = [label.name for label in self.labels.all()] if self.pk else []
        organization_name = self.organization.company_name if self.organization_id and self.organization else ""
        country = self.country
        return [
            self.code,
            code_digits.lstrip("0"),
            self.first_name,
            self.middle_name,
            self.last_name,
            self.company_name,
            organization_name,
            self.email,
            self.street,
            self.city,
            self.state,
            self.postal_code,
            country.name if country else "",
            self.industry,
            self.external_id,
            self.client_id,
            *label_names,
            # What other models add (an organization's contacts' names), from their specs; a row
            # not yet stored has none.
            *(() if self._state.adding else parent_search_words(self)),
        ]

    def search_phones(self) -> list[str]:
        """Both numbers in E.164 and national digits, so a number is found as it is written either way."""
        phones: list[str] = []
        for number in (self.phone, self.alt_phone):
            # Not ``if number``: the truth of a PhoneNumber formats it after a costly validity check.
            if isinstance(number, PhoneNumber):
                phones.append(digits(str(number.as_e164)))
                phones.append(digits(str(number.national_number)))
        return phones
