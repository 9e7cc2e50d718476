"""Reads with logic: the pinned notes a customer's Overview shows."""

from typing import Any

from clientbook.core.permissions import restrict
from clientbook.notes.models import Note


def pinned_notes(user: Any, customer: Any) -> dict[str, Any] | None:
    """The customer's pinned notes (at most three) for its Overview; none pinned, no panel."""
    notes = list(restrict(user, "view", Note.objects.filter(customer=customer, pinned=True).select_related("author")))
    return {"notes": notes} if notes else None
