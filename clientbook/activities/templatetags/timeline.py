"""How a timeline entry looks: an icon and a colour per type, an outcome's colour, a duration; a missed call's
"Log outcome" link."""

from dataclasses import dataclass
from urllib.parse import urlencode

from django import template
from django.urls import reverse

from clientbook.activities import services
from clientbook.activities.models import Activity

register = template.Library()
Type = Activity.Type
ACTIVITIES_CREATE = "activities:activity_create"
TITLE_LENGTH = services.TITLE_LENGTH


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
    Type.TICKET_UPDATE: Look("bi-life-preserver", "secondary"),
    Type.SYSTEM: Look("bi-gear", "secondary"),
}
OUTCOME_COLOURS = {
    Activity.Outcome.POSITIVE: "success",
    Activity.Outcome.NEUTRAL: "secondary",
    Activity.Outcome.NEGATIVE: "danger",
    Activity.Outcome.MISSED: "warning",
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


@register.filter
def is_missed_call(activity: Activity) -> bool:
    return services.is_missed_call(activity)


@register.simple_tag
def call_back_url(activity: Activity) -> str:
    """The "Log outcome" form of a missed call: an outbound call to the same number and contact, to fill in."""
    # The call is a customer's, or a lead's (not yet converted).
    parent = {"customer": activity.customer.code} if activity.customer is not None else {}
    if not parent and activity.lead is not None:
        parent = {"lead": activity.lead.code}
    presets = {
        **parent,
        "type": Activity.Type.CALL,
        "direction": Activity.Direction.OUTBOUND,
        "title": f"Call back: {activity.title}"[:TITLE_LENGTH],
    }
    if activity.phone:
        presets["phone"] = activity.phone.as_e164
    if activity.contact_id is not None:
        presets["contact"] = str(activity.contact_id)
    return f"{reverse(ACTIVITIES_CREATE)}?{urlencode(presets)}"
