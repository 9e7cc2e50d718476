"""Reads with logic: what the lead's page and search results show beside its fields."""

from typing import Any

from django.utils import timezone

from clientbook.core.permissions import can
from clientbook.customers.models import Customer
from clientbook.leads.lists import status_badge
from clientbook.leads.models import Lead


def search_subtitle(lead: Lead) -> str:
    """Under the lead's name in search results: its company, e-mail and status."""
    return " · ".join(part for part in (lead.company, lead.email, lead.get_status_display()) if part)


def details(lead: Lead) -> list[tuple[str, Any]]:
    """The details tab's rows: choices by their labels, numbers as written internationally."""
    return [
        ("Mobile", lead.mobile.as_international if lead.mobile else ""),
        ("Alternative mobile", lead.alternative_mobile.as_international if lead.alternative_mobile else ""),
        ("E-mail", lead.email),
        ("Company", lead.company),
        ("Source", lead.get_source_display()),
        ("Status", lead.get_status_display()),
        ("Assignee", lead.assignee_name),
        ("Created", timezone.localtime(lead.created_at).strftime("%Y-%m-%d %H:%M")),
        ("Notes", lead.notes),
    ]


def page_context(user: Any, lead: Lead) -> dict[str, Any]:
    """The status badge, the customer a converted lead became, and whether ``user`` may convert it."""
    return {
        "lead_details": details(lead),
        "status_badge": status_badge(lead),
        "converted_customer": lead.customer if lead.customer is not None and lead.customer.deleted_at is None else None,
        "can_convert": not lead.is_converted
        and lead.deleted_at is None
        and can(user, "change", Lead)
        and (can(user, "add", Customer) or can(user, "change", Customer)),
    }
