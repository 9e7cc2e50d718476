"""When a card opens: its validity in the site's time zone (``CLIENTBOOK_SITE_TIME_ZONE``).

Validity is stored as aware instants, so a decision compares instants and DST cannot shift it. The
site's zone matters where people type or read a time: "valid until 2026-03-29 00:00" on a form
means midnight at the site, whatever the server's or the browser's zone, and a time that does not
exist there (the hour skipped in spring) or exists twice (the hour repeated in autumn) is refused
next to the field rather than guessed.
"""

import datetime as dt
import zoneinfo
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone

from clientbook.facility.models import AccessCard


def site_zone() -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(settings.CLIENTBOOK_SITE_TIME_ZONE)


def at_site(naive: dt.datetime) -> dt.datetime:
    """``naive`` read as a wall-clock time at the site; ``ValidationError`` when that time is skipped or repeated."""
    zone = site_zone()
    earlier, later = naive.replace(tzinfo=zone, fold=0), naive.replace(tzinfo=zone, fold=1)
    if earlier.utcoffset() == later.utcoffset():
        # In UTC: Python compares and subtracts two times of one zone by their wall clocks.
        return earlier.astimezone(dt.UTC)
    params = {"time": naive.strftime("%Y-%m-%d %H:%M"), "zone": zone.key}
    # A repeated time comes back from UTC as itself; a skipped one as another wall-clock time.
    if earlier.astimezone(dt.UTC).astimezone(zone).replace(tzinfo=None) == naive:
        raise ValidationError(
            "%(time)s happens twice in %(zone)s (the clocks go back); pick another time.",
            code="ambiguous_time",
            params=params,
        )
    raise ValidationError(
        "%(time)s does not exist in %(zone)s (the clocks skip it); pick another time.",
        code="nonexistent_time",
        params=params,
    )


def site_midnight(day: dt.date) -> dt.datetime:
    """The instant a day starts at the site (midnight exists everywhere this project runs)."""
    return at_site(dt.datetime.combine(day, dt.time.min))


def site_day_start(day: dt.date) -> dt.datetime | None:
    """The instant ``day`` starts at the site; None at the ends of the calendar (year 1, past year 9999), where
    that instant is outside what Python can hold and every event is on the near side of it anyway."""
    try:
        return site_midnight(day)
    except OverflowError:
        return None


def site_day_end(day: dt.date) -> dt.datetime | None:
    """The first instant after ``day`` at the site (a bound "to" a day includes all of it); None past the calendar."""
    return site_day_start(day + dt.timedelta(days=1)) if day < dt.date.max else None


def site_today() -> dt.date:
    return timezone.now().astimezone(site_zone()).date()


class Refusal:
    """The reason codes a card's own state gives (the gate adds the others)."""

    INACTIVE = "card_inactive"
    REVOKED = "card_revoked"
    NOT_YET_VALID = "card_not_yet_valid"
    EXPIRED = "card_expired"


def card_refusal(card: AccessCard, at: dt.datetime) -> str | None:
    """Why ``card`` opens nothing at ``at``, or None: valid from ``valid_from`` (included) until ``valid_until``
    (excluded), so a card valid until midnight stops at midnight, not a minute after."""
    if card.revoked_at is not None:
        return Refusal.REVOKED
    if not card.is_active:
        return Refusal.INACTIVE
    if card.valid_from is not None and at < card.valid_from:
        return Refusal.NOT_YET_VALID
    if card.valid_until is not None and at >= card.valid_until:
        return Refusal.EXPIRED
    return None


class SiteDateTimeField(forms.DateTimeField):
    """A date and time typed, and shown, as the site's wall clock."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, dt.datetime) and timezone.is_aware(value):
            return value.astimezone(site_zone()).replace(tzinfo=None)
        return value

    def to_python(self, value: Any) -> dt.datetime | None:
        if isinstance(value, dt.datetime) and timezone.is_aware(value):
            return value
        # The parent parses the text and makes it aware in the current zone; read it in the site's instead.
        with timezone.override(dt.UTC):
            parsed = super().to_python(value)
        if parsed is None:
            return None
        return at_site(parsed.astimezone(dt.UTC).replace(tzinfo=None))
