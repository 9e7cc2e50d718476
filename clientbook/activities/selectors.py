"""Reads with logic: the latest entries a customer's Overview shows, and one customer's timeline."""

from typing import Any

from django.db.models import QuerySet

from clientbook.activities.models import Activity
from clientbook.core.permissions import restrict

OVERVIEW_ENTRIES = 5


def latest_activities(user: Any, customer: Any) -> dict[str, Any]:
    """The customer's five newest entries for its Overview (the panel shows even when there are none)."""
    entries = Activity.objects.filter(customer=customer).select_related("author")[:OVERVIEW_ENTRIES]
    return {"activities": list(restrict(user, "view", entries))}


def timeline(user: Any, customer_id: int) -> QuerySet[Activity]:
    """The live entries of one customer, already known to be live and visible: no join to the customer
    (its row would be read and built again for every entry) and only the relations an item shows."""
    return restrict(
        user,
        "view",
        Activity.objects.filter(customer_id=customer_id).select_related("author", "note", "lead", "ticket"),
    )
