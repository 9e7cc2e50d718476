"""Reads with logic: what the lead's page and search results show beside its fields."""

from typing import Any

from clientbook.core.permissions import can
from clientbook.customers.models import Customer
from clientbook.leads.lists import status_badge
from clientbook.leads.models import Lead


def search_subtitle(lead: Lead) -> str:
    """Under the lead's name in search results: its company, e-mail and status."""
    return " · ".join(part for part in (lead.company, lead.email, lead.get_status_display()) if part)


def page_context(user: Any, lead: Lead) -> dict[str, Any]:
    """The status badge, the customer a converted lead became, and whether ``user`` may convert it."""
    return {
        "status_badge": status_badge(lead),
        "converted_customer": lead.customer if lead.customer is not None and lead.customer.deleted_at is None else None,
        "can_convert": not lead.is_converted
        and lead.deleted_at is None
        and can(user, "change", Lead)
        and (can(user, "add", Customer) or can(user, "change", Customer)),
    }
