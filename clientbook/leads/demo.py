"""The demo office's leads: people who asked about an account, in every status, a few converted.

Registered as a part of ``clientbook.customers.demo.load_demo`` (found like ``specs.py``; it runs
after the other parts). Each lead is written through the kit by its assignee, an officer of the
demo; some have a logged call or e-mail on their own timeline, and a few are converted through
``services.convert``, so the demo has customers with an original lead and timelines that began on
a lead. Its own seeded ``random.Random`` makes the leads the same on every run.
"""

import random
from datetime import timedelta

from django.utils import timezone

from clientbook.activities.specs import ACTIVITIES
from clientbook.core.kit import writes
from clientbook.customers.demo import DemoOffice, register_part
from clientbook.leads import services
from clientbook.leads.models import Lead
from clientbook.leads.specs import LEADS

FIRST_NAMES = (
    "Aarav",
    "Diya",
    "Kabir",
    "Isha",
    "Rohan",
    "Ananya",
    "Vivaan",
    "Saanvi",
    "Arjun",
    "Meera",
    "Nikhil",
    "Tara",
)
LAST_NAMES = ("Sharma", "Iyer", "Patel", "Reddy", "Menon", "Gupta", "Nair", "Kulkarni", "Das", "Bose", "Joshi", "Rao")
COMPANIES = ("", "", "", "Sunrise Textiles", "Nova Pharma", "Kaveri Logistics", "Bluebay Foods", "Indus Motors")
NOTES = (
    "Asked about brokerage on intraday trades.",
    "Wants a demat account for the family.",
    "Heard about us at the investor meet.",
    "",
    "",
)
DEMO_LEADS = 36
# Statuses before conversion; every CONVERT_EVERY-th lead is then converted.
STATUSES = ("new", "new", "contacted", "contacted", "qualified", "unqualified")
CONVERT_EVERY = 5


def load_leads(office: DemoOffice) -> int:
    rng = random.Random(f"{office.seed}:leads")
    officers = list({organization.officer for organization in office.organizations if organization.officer})
    officers.sort(key=lambda officer: officer.get_username())
    now = timezone.now()
    for index in range(DEMO_LEADS):
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        assignee = rng.choice(officers) if officers else None
        values = {
            "name": f"{first} {last}",
            "email": f"{first.lower()}.{last.lower()}{index}@example.in",
            "mobile": f"+9198{rng.randint(10_000_000, 99_999_999)}",
            "company": rng.choice(COMPANIES),
            "source": rng.choice(Lead.Source.values),
            "status": rng.choice(STATUSES),
            "assignee": assignee,
            "notes": rng.choice(NOTES),
        }
        lead = writes.create(LEADS, user=assignee, values=values)
        if rng.random() < 0.5:
            writes.create(
                ACTIVITIES,
                user=assignee,
                values={
                    "lead": lead,
                    "type": "call",
                    "direction": "out",
                    "phone": lead.mobile,
                    "duration_minutes": rng.randint(2, 15),
                    "title": "Introductory call",
                    "occurred_at": now - timedelta(days=rng.randint(2, 40), minutes=rng.randint(0, 600)),
                },
            )
        if index % CONVERT_EVERY == CONVERT_EVERY - 1:
            services.convert(user=assignee, lead=lead, create_anyway=True)
    return DEMO_LEADS


register_part("leads", load_leads)
