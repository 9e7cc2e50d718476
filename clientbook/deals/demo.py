"""The demo office's deals: a few for two demo organizations in three, in every stage.

Registered as a part of ``clientbook.customers.demo.load_demo`` (found like ``specs.py``; it runs
after the contacts' part, whose people a deal may name). Each deal is created open and then moved
through the deals' services by its organization's officer, so the demo has real closed dates, won
values, some won in another currency at a stored rate, lost ones with their reasons, and the
timeline entries of every move.
"""

import random
from datetime import timedelta
from decimal import Decimal

from clientbook.core.kit import writes
from clientbook.customers.demo import REFERENCE_DAY, DemoOffice, register_part
from clientbook.deals.models import Deal
from clientbook.deals.specs import DEALS

TITLES = (
    "Annual maintenance contract",
    "Fleet lease renewal",
    "Office fit-out",
    "Software licences",
    "Staff training programme",
    "Second site expansion",
    "Logistics outsourcing",
    "Cloud migration",
    "Spare parts framework",
    "Security audit",
)
LOST_REASONS = (
    "Chose a cheaper supplier.",
    "Budget frozen until next year.",
    "Project cancelled by their board.",
    "No reply after the proposal.",
)
# Units of US dollars for one unit of each currency the demo customers keep (a fixed, plausible table).
USD_PER_UNIT = {
    "USD": Decimal("1"),
    "EUR": Decimal("1.08"),
    "GBP": Decimal("1.27"),
    "CHF": Decimal("1.12"),
    "CAD": Decimal("0.73"),
    "INR": Decimal("0.012"),
    "NGN": Decimal("0.00066"),
    "JPY": Decimal("0.0064"),
    "BRL": Decimal("0.18"),
    "MXN": Decimal("0.055"),
    "KES": Decimal("0.0077"),
}
FOREIGN = ("USD", "EUR", "GBP")
DEALT_EVERY = 3
DEALS_PER_ORGANIZATION = (1, 2, 3, 4)
STAGES = ("new", "qualified", "proposal", "negotiation", "won", "won", "lost")


def rate(currency: str, own: str) -> Decimal:
    return (USD_PER_UNIT[currency] / USD_PER_UNIT[own]).quantize(Decimal("0.000001"))


def load_deals(office: DemoOffice) -> int:
    rng = random.Random(f"{office.seed}:deals")
    written = 0
    for index, organization in enumerate(office.organizations):
        if index % DEALT_EVERY == DEALT_EVERY - 1:
            continue
        officer = organization.officer
        own = str(organization.currency)
        contacts = list(organization.contacts.all())
        for title in rng.sample(TITLES, k=rng.choice(DEALS_PER_ORGANIZATION)):
            stage = rng.choice(STAGES)
            foreign = own in USD_PER_UNIT and rng.random() < 0.3
            currency = rng.choice([code for code in FOREIGN if code != own]) if foreign else own
            value = Decimal(rng.randrange(500, 250_000)) / USD_PER_UNIT.get(currency, Decimal(1))
            values = {
                "customer": organization,
                "title": title,
                "value": value.quantize(Decimal("0.01")),
                "currency": currency,
                "owner": officer,
                "contact": rng.choice(contacts) if contacts and rng.random() < 0.7 else None,
                "expected_close_on": REFERENCE_DAY + timedelta(days=rng.randint(-30, 120)),
            }
            deal = writes.create(DEALS, user=officer, values=values)
            if stage == Deal.Stage.WON:
                close = {"stage": stage, "exchange_rate": rate(currency, own) if currency != own else None}
                writes.update(deal, user=officer, values=close)
            elif stage == Deal.Stage.LOST:
                writes.update(deal, user=officer, values={"stage": stage, "lost_reason": rng.choice(LOST_REASONS)})
            elif stage != Deal.Stage.NEW:
                writes.update(deal, user=officer, values={"stage": stage})
            written += 1
    return written


register_part("deals", load_deals)
