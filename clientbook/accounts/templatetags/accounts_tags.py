from datetime import timedelta

from django import template
from django.utils import timezone

register = template.Library()


@register.filter
def in_words(duration: timedelta | None) -> str:
    """``timedelta(minutes=15)`` → ``15 minutes`` (hours and minutes, rounded up to a minute)."""
    if duration is None:
        return ""
    minutes = max(1, -(-int(duration.total_seconds()) // 60))
    hours, minutes = divmod(minutes, 60)
    parts = []
    if hours:
        parts.append(f"{hours} hour{'s' if hours != 1 else ''}")
    if minutes:
        parts.append(f"{minutes} minute{'s' if minutes != 1 else ''}")
    return " ".join(parts)


@register.simple_tag
def from_now(duration: timedelta | None) -> object:
    """The moment ``duration`` from now, for "try again after 10:45"."""
    return timezone.now() + (duration or timedelta())
