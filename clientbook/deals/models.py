"""Deals: a sale in the making with a customer, from a new lead to won or lost.

The stored ``won_value`` (the value in the customer's currency at the rate kept on the deal) is
what the customer's header adds up, so a total never moves with today's exchange rates.
"""

from decimal import Decimal

import pycountry
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q

from clientbook.core.models import TrackedModel

# ISO 4217 as pycountry keeps it, less the codes that name no money ("XTS" testing, "XXX" none).
CURRENCIES: dict[str, str] = {
    currency.alpha_3: currency.name for currency in pycountry.currencies if currency.alpha_3 not in {"XTS", "XXX"}
}
CENT = Decimal("0.01")
SMALLEST_RATE = Decimal("0.000001")


def validate_currency(value: str) -> None:
    if value and value not in CURRENCIES:
        raise ValidationError(f"“{value}” is not an ISO 4217 currency code (e.g. EUR, USD, INR).", code="currency")


def currency_choices() -> list[tuple[str, str]]:
    """Every currency as a form offers it: ``("EUR", "EUR — Euro")``, by code."""
    return [(code, f"{code} — {name}") for code, name in sorted(CURRENCIES.items())]


class Deal(TrackedModel):
    class Stage(models.TextChoices):
        NEW = "new", "New"
        QUALIFIED = "qualified", "Qualified"
        PROPOSAL = "proposal", "Proposal"
        NEGOTIATION = "negotiation", "Negotiation"
        WON = "won", "Won"
        LOST = "lost", "Lost"

    customer = models.ForeignKey("customers.Customer", on_delete=models.CASCADE, related_name="deals")
    title = models.CharField(max_length=200)
    value = models.DecimalField(max_digits=14, decimal_places=2, validators=[MinValueValidator(Decimal(0))])
    # Checked against ISO 4217 rather than a fixed list of choices: a deal may be priced in any currency.
    currency = models.CharField(
        max_length=3,
        blank=True,
        validators=[validate_currency],
        help_text="ISO 4217 code; empty: the customer's currency.",
    )
    stage = models.CharField(max_length=12, choices=Stage.choices, default=Stage.NEW)
    expected_close_on = models.DateField(null=True, blank=True, verbose_name="expected close")
    # Set by the services when the deal is won or lost, cleared when it is reopened.
    closed_on = models.DateField(null=True, blank=True, editable=False, verbose_name="closed")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="deals"
    )
    contact = models.ForeignKey(
        "contacts.Contact", on_delete=models.SET_NULL, null=True, blank=True, related_name="deals"
    )
    lost_reason = models.CharField(max_length=300, blank=True)
    # Units of the customer's currency for one unit of the deal's: 1 by the services when they are the same.
    exchange_rate = models.DecimalField(
        max_digits=18,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(SMALLEST_RATE, message="The rate must be positive.")],
    )
    # value × exchange_rate, rounded half-up to the cent, in the customer's currency; set by the services when won.
    won_value = models.DecimalField(max_digits=26, decimal_places=2, null=True, blank=True, editable=False)

    # Maintained by the kit's writes: the normalised title (sorting, short searches) and the search document.
    sort_name = models.CharField(max_length=300, editable=False, default="")
    search_document = models.TextField(editable=False, default="")

    class Meta:
        ordering = ["sort_name", "id"]
        indexes = [
            # A customer's deals by stage: the header's figures and the overview's open deals.
            models.Index(
                fields=["customer", "stage"], name="deal_customer_stage", condition=Q(deleted_at__isnull=True)
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(exchange_rate__isnull=True) | Q(exchange_rate__gt=0),
                name="deal_rate_positive",
                violation_error_message="The rate must be positive.",
            ),
            models.CheckConstraint(condition=Q(value__gte=0), name="deal_value_not_negative"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.stage not in CLOSED_STAGES

    @property
    def owner_name(self) -> str:
        if self.owner is None:
            return ""
        return self.owner.get_full_name() or self.owner.get_username()


CLOSED_STAGES = (Deal.Stage.WON, Deal.Stage.LOST)
OPEN_STAGES = tuple(stage for stage in Deal.Stage if stage not in CLOSED_STAGES)
