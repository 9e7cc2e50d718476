"""A ticket's rules, run by the kit's write skeleton (clientbook.core.kit.writes) as hooks, and its status moves.

The number is taken in the write's transaction (``assign_number``), so a refused or rolled-back
create leaves the counter as it was; each change of status or assignee writes its timeline entry
from ``after_change``, inside the same transaction, so a refused change writes none.
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.text import Truncator

from clientbook.activities import services as activities
from clientbook.activities.models import Activity
from clientbook.core.kit import writes
from clientbook.core.sequences import next_code
from clientbook.tickets.models import CODE_PREFIX, DONE_STATUSES, OPEN_STATUSES, PRIORITY_RANKS, Status, Ticket

SUBJECT_IN_TITLE = 60


def tidy(ticket: Ticket) -> None:
    ticket.subject = (ticket.subject or "").strip()


def derive(ticket: Ticket, before: dict[str, Any]) -> None:
    """The rank the list sorts priorities by (low 1 … urgent 4)."""
    ticket.priority_rank = PRIORITY_RANKS.get(ticket.priority, PRIORITY_RANKS[Ticket.Priority.NORMAL])


def assign_number(ticket: Ticket, user: Any) -> None:
    """The next number, taken in the write's transaction: a create that fails leaves the counter as it was."""
    ticket.code = next_code(CODE_PREFIX)


def validate(ticket: Ticket) -> None:
    contact = ticket.contact
    if contact is not None and contact.organization_id != ticket.customer_id:
        raise ValidationError(
            {
                "contact": f"{contact.name} is a contact of {contact.organization}, not of "
                f"{ticket.customer}; choose one of the customer's contacts."
            }
        )


def person_name(user: Any) -> str:
    return str(user.get_full_name() or user.get_username())


def _user_named(username: str | None) -> str:
    """The assignee an entry names, from the user name the audit snapshot recorded."""
    model = Ticket._meta.get_field("assignee").related_model
    user = model._default_manager.filter(username=username).first()  # type: ignore[union-attr]
    return person_name(user) if user is not None else str(username)


def _named(ticket: Ticket) -> str:
    return f"Ticket {ticket.code} “{Truncator(ticket.subject).chars(SUBJECT_IN_TITLE)}”"


def after_change(ticket: Ticket, user: Any, before: dict[str, Any]) -> None:
    """The timeline's entries: a new ticket, and each change of its status and of its assignee."""
    titles: list[str] = []
    if not before:
        titles.append(f"{_named(ticket)} opened: {ticket.get_priority_display()} priority")
    elif before.get("status") != ticket.status:
        titles.append(f"{_named(ticket)}: {Status(before['status']).label} → {ticket.get_status_display()}")
    # The snapshot names the assignee by user name (the spec's natural key).
    assignee = ticket.assignee.get_username() if ticket.assignee is not None else None
    previous = before.get("assignee")
    if previous != assignee and (before or assignee is not None):
        if ticket.assignee is None:
            titles.append(f"{_named(ticket)}: unassigned from {_user_named(previous)}")
        else:
            titles.append(f"{_named(ticket)}: assigned to {person_name(ticket.assignee)}")
    for title in titles:
        activities.record(
            customer=ticket.customer,
            type=Activity.Type.TICKET_UPDATE,
            title=title,
            user=user,
            ticket=ticket,
            contact=ticket.contact,
        )


def _move(user: Any, ticket: Ticket, status: str, expected_version: int | None) -> str:
    writes.update(ticket, user=user, values={"status": status}, expected_version=expected_version)
    return f"Ticket {ticket.code} {Status(status).label.lower()}."


def resolve(user: Any, ticket: Ticket, expected_version: int | None = None) -> str:
    if ticket.status not in OPEN_STATUSES:
        raise ValidationError({"status": "Only an open or pending ticket can be resolved."})
    return _move(user, ticket, Status.RESOLVED, expected_version)


def close(user: Any, ticket: Ticket, expected_version: int | None = None) -> str:
    if ticket.status == Status.CLOSED:
        raise ValidationError({"status": "The ticket is already closed."})
    return _move(user, ticket, Status.CLOSED, expected_version)


def reopen(user: Any, ticket: Ticket, expected_version: int | None = None) -> str:
    if ticket.status not in DONE_STATUSES:
        raise ValidationError({"status": "Only a resolved or closed ticket can be reopened."})
    return _move(user, ticket, Status.OPEN, expected_version)
