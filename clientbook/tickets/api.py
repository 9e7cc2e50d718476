"""What the ticket API resolves beyond the kit: the assignee is any active user, named by user name.

The kit resolves a relation among the rows the caller may view, and only administrators may view
users; support and sales assign tickets to each other, so the assignee is looked up among the
active users (the form offers the same ones).
"""

from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

from clientbook.api.kit_schemas import resolve_values
from clientbook.tickets.models import Ticket


def ticket_values(user: Any, sent: dict[str, Any]) -> dict[str, Any]:
    """A create or patch body's fields as the write's values; one ``ValidationError`` naming every field
    whose reference is unknown."""
    rest = {name: value for name, value in sent.items() if name != "assignee"}
    errors: dict[str, str] = {}
    try:
        values = resolve_values(Ticket, user, rest)
    except ValidationError as error:
        values = {}
        errors.update({name: " ".join(messages) for name, messages in error.message_dict.items()})
    if "assignee" in sent:
        username = sent["assignee"]
        assignee = None
        if username is not None:
            assignee = get_user_model().objects.filter(username__iexact=str(username).strip(), is_active=True).first()
            if assignee is None:
                errors["assignee"] = f"No active user is named “{username}”."
        values["assignee"] = assignee
    if errors:
        raise ValidationError(errors)
    return values
