"""Reads of a customer's deals: the header's figures and the overview's open deals."""

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import F

from clientbook.core.kit.spec import Fact
from clientbook.core.permissions import can
from clientbook.deals.models import OPEN_STAGES, Deal
from clientbook.deals.services import money

OVERVIEW_DEALS = 5
CONVERTED_HINT = "converted at the rates stored when won"


@dataclass(frozen=True)
class DealTotals:
    won_total: Decimal
    open_count: int
    won_count: int
    lost_count: int
    # Whether a won deal was in another currency than the customer's (its won value is a conversion).
    converted: bool


def deal_totals(customer: Any) -> DealTotals:
    """Sums the stored won values of the live won deals exactly (Decimals added here: SQLite's SUM is a float)."""
    won_total = Decimal("0.00")
    open_count = won_count = lost_count = 0
    converted = False
    rows = Deal.objects.filter(customer=customer).values_list("stage", "won_value", "currency")
    for stage, won_value, currency in rows:
        if stage == Deal.Stage.WON:
            won_count += 1
            won_total += won_value or 0
            converted = converted or currency != customer.currency
        elif stage in OPEN_STAGES:
            open_count += 1
        else:
            lost_count += 1
    return DealTotals(
        won_total=won_total, open_count=open_count, won_count=won_count, lost_count=lost_count, converted=converted
    )


def header_facts(user: Any, customer: Any) -> list[Fact]:
    """The "Won value" and "Deals" facts of the customer's header, for users who may see deals: always
    for an organization, for a person once there is a deal."""
    if not can(user, "view", Deal):
        return []
    totals = deal_totals(customer)
    if customer.kind != customer.Kind.ORGANIZATION and not (totals.open_count or totals.won_count or totals.lost_count):
        return []
    return [
        Fact(
            label="Won value",
            value=money(totals.won_total, customer.currency),
            hint=CONVERTED_HINT if totals.converted else "",
            key="won-value",
        ),
        Fact(label="Deals", value=f"{totals.open_count} open · {totals.won_count} won", key="deals"),
    ]


def overview(user: Any, customer: Any) -> Mapping[str, Any] | None:
    """The overview panel: the open deals closing soonest (those without a date last), up to five."""
    if not can(user, "view", Deal):
        return None
    deals = list(
        Deal.objects.filter(customer=customer, stage__in=OPEN_STAGES)
        .select_related("owner")
        .order_by(F("expected_close_on").asc(nulls_last=True), "id")[:OVERVIEW_DEALS]
    )
    return {"deals": deals} if deals else None


@dataclass(frozen=True)
class Step:
    """One stage in a deal's progress: done, current or upcoming; a closed deal's end is ``won`` or ``lost``
    (its open stages then ``passed`` for a lost one, which may have left at any of them)."""

    label: str
    state: str


def progress(deal: Deal) -> list[Step]:
    """The open stages then the deal's end (won, or lost), as the deal page draws them."""
    if deal.stage == Deal.Stage.LOST:
        return [*(Step(stage.label, "passed") for stage in OPEN_STAGES), Step(Deal.Stage.LOST.label, "lost")]
    stages = [*OPEN_STAGES, Deal.Stage.WON]
    current = stages.index(Deal.Stage(deal.stage))
    states = [
        "done" if index < current else "current" if index == current else "upcoming" for index in range(len(stages))
    ]
    if deal.stage == Deal.Stage.WON:
        states[-1] = "won"
    return [Step(stage.label, state) for stage, state in zip(stages, states, strict=True)]


def page_context(user: Any, deal: Deal) -> Mapping[str, Any]:
    own = deal.customer.currency
    return {
        "steps": progress(deal),
        "value_text": money(deal.value, deal.currency),
        "won_value_text": money(deal.won_value, own) if deal.won_value is not None else "",
        "converted": deal.currency != own,
    }
