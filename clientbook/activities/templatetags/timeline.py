"""How a timeline entry looks: an icon and a colour per type, an outcome's colour, a duration."""

from dataclasses import dataclass

from django import template

from clientbook.activities.models import Activity

register = template.Library()
Type = Activity.Type


@dataclass(frozen=True)
class Look:
    icon: str
    colour: str


# Communication in blues and greens, notes and tasks in warm colours, the services' entries in grey.
LOOKS = {
    Type.CALL: Look("bi-telephone", "primary"),
    Type.EMAIL: Look("bi-envelope", "info"),
    Type.MEETING: Look("bi-people", "success"),
    Type.WHATSAPP: Look("bi-whatsapp", "success"),
    Type.NOTE: Look("bi-journal-text", "warning"),
    Type.TASK: Look("bi-check2-square", "danger"),
    Type.STATUS_CHANGE: Look("bi-toggles", "secondary"),
    Type.DEAL_UPDATE: Look("bi-briefcase", "secondary"),
    Type.SYSTEM: Look("bi-gear", "secondary"),
}
OUTCOME_COLOURS = {
    Activity.Outcome.POSITIVE: "success",
    Activity.Outcome.NEUTRAL: "secondary",
    Activity.Outcome.NEGATIVE: "danger",
}


@register.filter
def look(kind: str) -> Look:
    """The icon and colour of a type: ``{% with look=row.type|look %}``."""
    return LOOKS.get(kind, LOOKS[Type.SYSTEM])  # type: ignore[call-overload]


@register.filter
def outcome_colour(outcome: str) -> str:
    return OUTCOME_COLOURS.get(outcome, "secondary")  # type: ignore[call-overload]


@register.filter
def duration(minutes: int | None) -> str:
    """``95`` → ``1 h 35 min``; ``12`` → ``12 min``."""
    if minutes is None:
        return ""
    hours, rest = divmod(minutes, 60)
    if not hours:
        return f"{rest} min"
    return f"{hours} h {rest} min" if rest else f"{hours} h"
