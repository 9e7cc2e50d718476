"""The exportable fields of the deal list (``DEALS.export_fields``): every field, the won value and
rate included, so the won values of an export add up to the customer header's total."""

from clientbook.core.listing.columns import ExportField, Kind
from clientbook.deals.models import Deal


def _stage_label(value: str) -> str:
    return str(Deal.Stage(value).label) if value in Deal.Stage.values else value


DEAL_EXPORT_FIELDS: tuple[ExportField, ...] = (
    ExportField("id", "Id", kind=Kind.NUMBER),
    ExportField("title", "Title"),
    ExportField("customer", "Customer", columns=("customer__code",)),
    ExportField("stage", "Stage", value=_stage_label),
    ExportField("value", "Value", kind=Kind.MONEY, currency="currency"),
    ExportField("currency", "Currency"),
    ExportField("exchange_rate", "Exchange rate", kind=Kind.NUMBER),
    ExportField("won_value", "Won value", kind=Kind.MONEY, currency="customer__currency"),
    ExportField("customer_currency", "Customer currency", columns=("customer__currency",)),
    ExportField("expected_close_on", "Expected close", kind=Kind.DATE),
    ExportField("closed_on", "Closed", kind=Kind.DATE),
    ExportField("owner", "Owner", columns=("owner__username",)),
    # By email, as an import finds the contact again.
    ExportField("contact", "Contact", columns=("contact__email",)),
    ExportField("lost_reason", "Lost reason"),
    ExportField("created_at", "Created", kind=Kind.DATETIME),
    ExportField("updated_at", "Updated", kind=Kind.DATETIME),
)
