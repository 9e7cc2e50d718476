"""The demo office's tickets: a few for one demo organization in two, in every status and priority.

Registered as a part of ``clientbook.customers.demo.load_demo`` (found like ``specs.py``; after the
contacts' part, whose people a ticket may name). Each ticket is opened by its organization's officer
and moved through the tickets' services, so the demo has numbers from the sequence and the timeline
entries of every status and assignee change.
"""

import random
from datetime import datetime, time, timedelta

from django.utils import timezone

from clientbook.core.kit import writes
from clientbook.customers.demo import REFERENCE_DAY, DemoOffice, register_part
from clientbook.tickets import services
from clientbook.tickets.models import Ticket
from clientbook.tickets.specs import TICKETS

SUBJECTS = (
    ("Invoice shows the wrong VAT number", "The March invoice has our **old** VAT number; please reissue it."),
    ("Cannot log in to the portal", "Password reset e-mails do not arrive.\n\n- tried twice\n- checked spam"),
    ("Delivery arrived damaged", "Two of the five boxes were crushed. Photos sent by e-mail."),
    ("Request for a statement of account", "They need a statement for their auditors by the end of the month."),
    ("Change of billing address", "New address from next quarter; see the attached letter."),
    ("Duplicate charge on the card", "The same amount was charged twice on the same day."),
    ("Training session for new staff", "Three new colleagues need an introduction to the portal."),
    ("Contract renewal questions", "Questions about the notice period and price review clause."),
)
TICKETED_EVERY = 2
TICKETS_PER_ORGANIZATION = (1, 1, 2, 3)
# Where each demo ticket ends: mostly still being worked on, some done.
ENDS = ("open", "open", "pending", "resolved", "closed")
PRIORITIES = ("low", "normal", "normal", "high", "urgent")


def load_tickets(office: DemoOffice) -> int:
    rng = random.Random(f"{office.seed}:tickets")
    written = 0
    for index, organization in enumerate(office.organizations):
        if index % TICKETED_EVERY:
            continue
        officer = organization.officer
        contacts = list(organization.contacts.all())
        for subject, description in rng.sample(SUBJECTS, k=rng.choice(TICKETS_PER_ORGANIZATION)):
            due_day = REFERENCE_DAY + timedelta(days=rng.randint(-10, 20))
            values = {
                "customer": organization,
                "subject": subject,
                "description": description,
                "priority": rng.choice(PRIORITIES),
                "contact": rng.choice(contacts) if contacts and rng.random() < 0.6 else None,
                "due_at": timezone.make_aware(datetime.combine(due_day, time(17, 0))) if rng.random() < 0.7 else None,
            }
            ticket = writes.create(TICKETS, user=officer, values=values)
            end = rng.choice(ENDS)
            if officer is not None and (end != "open" or rng.random() < 0.5):
                writes.update(ticket, user=officer, values={"assignee": officer})
            if end == Ticket.Status.PENDING:
                writes.update(ticket, user=officer, values={"status": end})
            elif end == Ticket.Status.RESOLVED:
                services.resolve(officer, ticket)
            elif end == Ticket.Status.CLOSED:
                services.resolve(officer, ticket)
                services.close(officer, Ticket.objects.get(pk=ticket.pk))
            written += 1
    return written


register_part("tickets", load_tickets)
