"""Reads with logic: the latest entries a customer's Overview shows."""

from typing import Any

from clientbook.activities.models import Activity
from clientbook.core.permissions import restrict

OVERVIEW_ENTRIES = 5


def latest_activities(user: Any, customer: Any) -> dict[str, Any]:
    """The customer's five newest entries for its Overview (the panel shows even when there are none)."""
    entries = Activity.objects.filter(customer=customer).select_related("author")[:OVERVIEW_ENTRIES]
    return {"activities": list(restrict(user, "view", entries))}
