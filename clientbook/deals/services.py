"""A deal's rules, run by the kit's write skeleton (clientbook.core.kit.writes) as hooks, and its stage moves.

The closed date, the rate of a deal in the customer's own currency and the won value follow from
the stage and the values (``derive``), so no form, import or API body sets them; each stage change
writes its timeline entry in the write's transaction (``after_change``), so a refused change writes none.
"""

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from clientbook.activities import services as activities
from clientbook.activities.models import Activity
from clientbook.core.kit import writes
from clientbook.deals.models import CENT, CLOSED_STAGES, OPEN_STAGES, SMALLEST_RATE, Deal

Stage = Deal.Stage
ONE = Decimal(1)


def money(amount: Decimal | None, currency: str) -> str:
    """``12,000.50 EUR``: how pages, facts and timeline entries write an amount."""
    return f"{amount or 0:,.2f} {currency}"


def customer_currency(deal: Deal) -> str:
    customer = deal.customer if deal.customer_id else None
    return str(customer.currency) if customer is not None else ""


def _decimal(deal: Deal, name: str) -> Any:
    """The field's value as a Decimal, or as it was when it is not one (validation then says so)."""
    value = getattr(deal, name)
    try:
        return Deal._meta.get_field(name).to_python(value)
    except ValidationError:
        return value


def tidy(deal: Deal) -> None:
    """Amounts and rates in their stored precision, so ``1.09`` sent for a stored ``1.090000`` changes nothing."""
    deal.currency = (deal.currency or "").strip().upper()
    deal.lost_reason = (deal.lost_reason or "").strip()
    for name, places in (("value", CENT), ("exchange_rate", SMALLEST_RATE)):
        number = _decimal(deal, name)
        if isinstance(number, Decimal) and number.is_finite():
            setattr(deal, name, number.quantize(places, rounding=ROUND_HALF_UP))


def derive(deal: Deal, before: dict[str, Any]) -> None:
    """Currency, rate, closed date, lost reason and won value as the stage and the values make them."""
    own = customer_currency(deal)
    if not deal.currency:
        deal.currency = own
    if deal.currency and deal.currency == own:
        deal.exchange_rate = ONE.quantize(SMALLEST_RATE)
    elif before and before.get("currency") != deal.currency and _same_rate(before, deal):
        # A rate kept from another currency would convert this one wrongly: it is asked for again.
        deal.exchange_rate = None
    if deal.stage not in CLOSED_STAGES:
        deal.closed_on = None
    elif before.get("stage") != deal.stage or deal.closed_on is None:
        deal.closed_on = timezone.localdate()
    if deal.stage != Stage.LOST:
        deal.lost_reason = ""
    deal.won_value = won_value(deal) if deal.stage == Stage.WON else None


def _same_rate(before: dict[str, Any], deal: Deal) -> bool:
    stored = before.get("exchange_rate")
    rate = _decimal(deal, "exchange_rate")
    if stored is None or rate is None:
        return stored is None and rate is None
    return isinstance(rate, Decimal) and Decimal(stored) == rate


def won_value(deal: Deal) -> Decimal | None:
    """The value in the customer's currency at the deal's rate, rounded half-up to the cent."""
    value, rate = _decimal(deal, "value"), _decimal(deal, "exchange_rate")
    if not isinstance(value, Decimal) or not isinstance(rate, Decimal):
        return None
    return (value * rate).quantize(CENT, rounding=ROUND_HALF_UP)


def before_save(deal: Deal, user: Any, changed: tuple[str, ...]) -> None:
    """A new deal belongs to whoever writes it unless another owner is named."""
    if not changed and deal.owner_id is None and getattr(user, "is_authenticated", False):
        deal.owner = user


def validate(deal: Deal) -> None:
    errors: dict[str, str] = {}
    own = customer_currency(deal)
    if deal.stage == Stage.LOST and not deal.lost_reason:
        errors["lost_reason"] = "Say why the deal was lost."
    if deal.stage == Stage.WON and deal.currency != own and deal.exchange_rate is None:
        errors["exchange_rate"] = (
            f"A deal won in {deal.currency} needs the rate to the customer's {own}: 1 {deal.currency} = ? {own}."
        )
    if deal.contact_id is not None and deal.contact.organization_id != deal.customer_id:
        errors["contact"] = (
            f"{deal.contact.name} is a contact of {deal.contact.organization}, not of {deal.customer}; "
            "choose one of the customer's contacts."
        )
    if errors:
        raise ValidationError(errors)


def after_change(deal: Deal, user: Any, before: dict[str, Any]) -> None:
    """The timeline's entry for a new deal and for each stage change (a win with its value)."""
    previous = before.get("stage")
    if previous == deal.stage:
        return
    stage = deal.get_stage_display()
    if deal.stage == Stage.WON:
        title = f"Deal “{deal.title}” won: {money(deal.value, deal.currency)}"
        if deal.currency != customer_currency(deal):
            title += f" = {money(deal.won_value, customer_currency(deal))} at {deal.exchange_rate.normalize():f}"  # type: ignore[union-attr]
    elif previous is None:
        title = f"New deal “{deal.title}”: {stage}, {money(deal.value, deal.currency)}"
    else:
        title = f"Deal “{deal.title}”: {Stage(previous).label} → {stage}"
    activities.record(
        customer=deal.customer,
        type=Activity.Type.DEAL_UPDATE,
        title=title,
        user=user,
        description=deal.lost_reason if deal.stage == Stage.LOST else "",
        deal=deal,
    )


def next_stage(deal: Deal) -> str | None:
    """The open stage after the deal's (None from Negotiation: winning or losing it takes the form)."""
    if deal.stage not in OPEN_STAGES:
        return None
    index = OPEN_STAGES.index(Stage(deal.stage))
    return OPEN_STAGES[index + 1] if index + 1 < len(OPEN_STAGES) else None


def advance(user: Any, deal: Deal, expected_version: int | None = None) -> str:
    stage = next_stage(deal)
    if stage is None:
        raise ValidationError({"stage": "The deal has no next open stage; mark it won or lost."})
    writes.update(deal, user=user, values={"stage": stage}, expected_version=expected_version)
    return f"Deal “{deal.title}” moved to {Stage(stage).label}."


def reopen(user: Any, deal: Deal, expected_version: int | None = None) -> str:
    """A won or lost deal goes back to negotiation; its closed date, won value and lost reason go."""
    if deal.stage not in CLOSED_STAGES:
        raise ValidationError({"stage": "Only a won or lost deal can be reopened."})
    writes.update(deal, user=user, values={"stage": Stage.NEGOTIATION}, expected_version=expected_version)
    return f"Deal “{deal.title}” reopened at {Stage.NEGOTIATION.label}."
