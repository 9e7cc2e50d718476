"""Reads of the facility with logic: what a card's page shows."""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from clientbook.core.permissions import restrict
from clientbook.facility import qr
from clientbook.facility.event_lists import entries_with_payments
from clientbook.facility.lists import state_badge
from clientbook.facility.models import AccessCard, Entry, Event, Presence, Zone
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


@dataclass(frozen=True)
class ZonePresence:
    zone: Zone
    inside: list[Presence]

    @property
    def load(self) -> int | None:
        """Occupancy as a percentage of capacity (None: no limit)."""
        if not self.zone.capacity:
            return None
        return min(100, round(100 * self.zone.occupancy / self.zone.capacity))


def presence_by_zone(user: Any) -> list[ZonePresence]:
    """Every live zone with the cards inside it now, longest inside first (two queries)."""
    zones = list(restrict(user, "view", Zone.objects.order_by("sort_name", "id")))
    inside: dict[int, list[Presence]] = {zone.pk: [] for zone in zones}
    rows = Presence.objects.filter(inside=True, zone__in=zones).select_related("card", "customer").order_by("since")
    for presence in rows:
        inside[presence.zone_id].append(presence)
    return [ZonePresence(zone, inside[zone.pk]) for zone in zones]
