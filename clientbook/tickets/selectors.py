"""Reads of a customer's tickets: the header's "Open tickets", and the ticket page's extra context."""

from collections.abc import Mapping
from typing import Any

from clientbook.activities.models import Activity
from clientbook.core.kit.spec import Fact
from clientbook.core.permissions import can, restrict
from clientbook.tickets.lists import is_overdue, priority_badge, status_badge
from clientbook.tickets.models import OPEN_STATUSES, Ticket


def open_ticket_count(customer: Any) -> int:
    return Ticket.objects.filter(customer=customer, status__in=OPEN_STATUSES).count()


def header_facts(user: Any, customer: Any) -> list[Fact]:
    """ "Open tickets" in the customer's header, for users who may see tickets (open and pending ones)."""
    if not can(user, "view", Ticket):
        return []
    count = open_ticket_count(customer)
    return [Fact(label="Open tickets", value=str(count), hint="open or pending", key="open-tickets")]


TICKET_ENTRIES = 20


def page_context(user: Any, ticket: Ticket) -> Mapping[str, Any]:
    """The badges, and the ticket's newest entries of the customer's timeline (for who may read the timeline)."""
    entries = restrict(user, "view", Activity.objects.filter(ticket=ticket).select_related("author"))
    return {
        "ticket_entries": list(entries[:TICKET_ENTRIES]),
        "status_badge": status_badge(ticket),
        "priority_badge": priority_badge(ticket),
        "overdue": is_overdue(ticket),
    }
