"""The demo office's timeline: a handful of logged calls, e-mails, meetings and messages per customer.

Registered as a part of ``clientbook.customers.demo.load_demo`` (found like ``specs.py``) and written
through the kit's writes by the customer's officer, so every entry has its audit event, search
document and the customer's ``last_activity_at``. Its own seeded ``random.Random`` makes the entries
the same on every run; their times count back from the moment the demo is loaded.
"""

import random
from datetime import timedelta
from typing import Any

from django.utils import timezone

from clientbook.activities.specs import ACTIVITIES
from clientbook.core.kit import writes
from clientbook.customers.demo import DemoOffice, register_part
from clientbook.customers.models import Customer

# (type, title, description); a call also gets a direction, a duration and the customer's number.
ENTRIES: tuple[tuple[str, str, str], ...] = (
    ("call", "Renewal call", "Happy with the service; wants the **new price list** before March."),
    ("call", "Called about the overdue invoice", "Promised payment by *Friday*."),
    ("call", "Missed call returned", ""),
    ("email", "Sent the offer", "Attached the offer for the second site."),
    ("email", "Answered the delivery question", "Delivery in two weeks; tracking link to follow."),
    ("meeting", "Quarterly review", "- volumes up 12 %\n- wants a single invoice per month\n- next review in June"),
    ("meeting", "Site visit", "Met the new purchasing manager."),
    ("whatsapp", "Confirmed the appointment", ""),
    ("whatsapp", "Sent the brochure", "Asked to call back after the holidays."),
    ("task", "Prepare the contract draft", "Use the `2025` template."),
)
OUTCOMES = ("positive", "positive", "neutral", "negative", "")
ORGANIZATION_ENTRIES = (3, 4, 5, 6)
PERSON_ENTRIES = (0, 1, 2, 3)


def _values(rng: random.Random, customer: Customer, now: Any) -> dict[str, Any]:
    kind, title, description = rng.choice(ENTRIES)
    values: dict[str, Any] = {
        "customer": customer,
        "type": kind,
        "title": title,
        "description": description,
        "occurred_at": now - timedelta(days=rng.randint(0, 120), minutes=rng.randint(0, 600)),
        "outcome": rng.choice(OUTCOMES),
    }
    if kind == "call":
        values.update(direction=rng.choice(("in", "out")), duration_minutes=rng.randint(2, 40), phone=customer.phone)
    elif kind == "meeting":
        values["duration_minutes"] = rng.choice((30, 45, 60, 90))
    elif kind == "whatsapp":
        values["direction"] = rng.choice(("in", "out"))
    return values


def load_activities(office: DemoOffice) -> int:
    rng = random.Random(f"{office.seed}:activities")
    now = timezone.now()
    people = Customer.objects.filter(organization__in=office.organizations).order_by("pk")
    written = 0
    for customer in (*office.organizations, *people):
        counts = ORGANIZATION_ENTRIES if customer.kind == Customer.Kind.ORGANIZATION else PERSON_ENTRIES
        for _ in range(rng.choice(counts)):
            # Logged by the customer's officer, so the demo shows whose entry is whose.
            writes.create(ACTIVITIES, user=customer.officer, values=_values(rng, customer, now))
            written += 1
    return written


register_part("activities", load_activities)
