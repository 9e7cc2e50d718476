"""Reads of the facility with logic: what a card's page shows."""

import datetime as dt
from typing import Any

from django.db.models import QuerySet

from clientbook.core.permissions import restrict
from clientbook.facility import qr
from clientbook.facility.event_lists import entries_with_payments
from clientbook.facility.lists import state_badge
from clientbook.facility.models import AccessCard, Entry, Event
from clientbook.facility.validity import site_zone


def site_time(moment: dt.datetime | None) -> str:
    """A moment on the site's wall clock with its zone's abbreviation: "2026-03-29 00:00 CET"."""
    if moment is None:
        return ""
    local = moment.astimezone(site_zone())
    return f"{local:%Y-%m-%d %H:%M} {local.tzname()}"


def card_page_context(user: Any, card: AccessCard) -> dict[str, Any]:
    return {
        "badge_qr": qr.inline_svg(card),
        "state_badge": state_badge(card),
        "valid_from": site_time(card.valid_from),
        "valid_until": site_time(card.valid_until),
        "last_used": site_time(card.last_used_at),
        "zones": [zone.name for zone in card.allowed_zones.all()],
    }


def cards_for(user: Any) -> QuerySet[AccessCard]:
    """The live cards of live customers ``user`` may view, with their zones read in one more query."""
    cards = AccessCard.objects.select_related("customer").prefetch_related("allowed_zones")
    return restrict(user, "view", cards.filter(customer__deleted_at__isnull=True))


EVENT_RELATIONS = ("customer", "card", "zone", "device")


def events_for(user: Any) -> QuerySet[Event]:
    return restrict(user, "view", Event.objects.select_related(*EVENT_RELATIONS))


def entries_for(user: Any) -> QuerySet[Entry]:
    return restrict(user, "view", entries_with_payments(Entry.objects.select_related(*EVENT_RELATIONS)))
