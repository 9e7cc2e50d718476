"""Template filters of the facility's pages: moments on the site's clock, a card's state as a badge."""

import datetime as dt

from django import template
from django.utils.safestring import SafeString

from clientbook.facility.lists import state_badge
from clientbook.facility.models import AccessCard
from clientbook.facility.selectors import site_time as site_time_text

register = template.Library()


@register.filter
def site_time(moment: dt.datetime | None) -> str:
    """``{{ card.valid_until|site_time }}``: "2026-03-29 00:00 CET", as the card's page and form show it."""
    return site_time_text(moment)


@register.filter
def card_state(card: AccessCard) -> SafeString:
    return state_badge(card)
