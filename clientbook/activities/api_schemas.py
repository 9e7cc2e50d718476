"""How activities appear in the API beyond what the kit derives: the list's typed parameters (the
chips' ``group``, the moments of the date range) and the timeline's items and page."""

from datetime import datetime
from typing import Any

from django.db import models
from ninja import Field, Schema

from clientbook.activities.lists import GROUPS
from clientbook.activities.models import Activity
from clientbook.activities.services import type_name
from clientbook.api.fields import IsoDateTime, named_choices
from clientbook.api.kit_schemas import choice_enum
from clientbook.api.pagination import COUNT_IS_ESTIMATE_DESCRIPTION
from clientbook.core import markdown
from clientbook.core.kit.api_options import ApiOptions

ActivityType = choice_enum(Activity, "type")
ActivityDirection = choice_enum(Activity, "direction")
ActivityOutcome = choice_enum(Activity, "outcome")
ActivityGroup = named_choices(
    "ActivityGroup",
    models.TextChoices("ActivityGroup", [(key, key) for key in GROUPS]),  # type: ignore[call-overload]
)
GROUP_DESCRIPTION = "A chip of the timeline: " + "; ".join(
    f"`{key}`: {', '.join(type_name(kind) for kind in kinds)}" for key, (_, kinds) in GROUPS.items()
)


def _moment(description: str) -> tuple[Any, Any]:
    return (IsoDateTime | None, Field(None, description=description))


# The FilterSet's parameters the kit cannot type: the chips and the date range.
ACTIVITY_API = ApiOptions(
    parameters={
        "group": (ActivityGroup | None, Field(None, description=GROUP_DESCRIPTION)),
        "occurred_after": _moment("Entries at or after this moment (ISO 8601)."),
        "occurred_before": _moment("Entries at or before this moment (ISO 8601)."),
    }
)


class TimelineItemOut(Schema):
    id: int = Field(
        ..., description="The entry's id: its place in the sequence (two entries at one moment keep their order)."
    )
    type: ActivityType  # type: ignore[valid-type]
    title: str
    description: str = Field(..., description="Markdown, as typed.")
    description_html: str = Field(
        ..., description="The description rendered and sanitised (a note's entry: the note's text as it is now)."
    )
    occurred_at: datetime
    author: str | None = Field(..., description="The user name of who logged it; null for the system's entries.")
    automatic: bool = Field(
        ..., description="Written by the service that made a change (a status change); never edited."
    )
    duration_minutes: int | None
    direction: ActivityDirection | None  # type: ignore[valid-type]
    outcome: ActivityOutcome | None  # type: ignore[valid-type]
    phone: str | None = Field(..., description="E.164.")
    contact: int | None = Field(..., description="The id of the contact it concerns.")
    deal: int | None = Field(..., description="The id of the deal it concerns (a deal's stage change or win).")
    note: int | None = Field(..., description="The id of the note a note's entry stands for.")
    lead: str | None = Field(..., description="The code of the lead the entry was logged on (a converted lead's).")
    ticket: str | None = Field(
        ..., description="The number of the ticket it concerns (a ticket's status or assignee change)."
    )

    @staticmethod
    def resolve_description_html(activity: Activity) -> str:
        return str(markdown.render(activity.note.body if activity.note is not None else activity.description))

    @staticmethod
    def resolve_author(activity: Activity) -> str | None:
        return activity.author.get_username() if activity.author is not None else None

    @staticmethod
    def resolve_direction(activity: Activity) -> str | None:
        return activity.direction or None

    @staticmethod
    def resolve_outcome(activity: Activity) -> str | None:
        return activity.outcome or None

    @staticmethod
    def resolve_phone(activity: Activity) -> str | None:
        return activity.phone.as_e164 if activity.phone else None

    @staticmethod
    def resolve_contact(activity: Activity) -> int | None:
        return activity.contact_id

    @staticmethod
    def resolve_deal(activity: Activity) -> int | None:
        return activity.deal_id

    @staticmethod
    def resolve_note(activity: Activity) -> int | None:
        return activity.note_id

    @staticmethod
    def resolve_lead(activity: Activity) -> str | None:
        return activity.lead.code if activity.lead is not None else None

    @staticmethod
    def resolve_ticket(activity: Activity) -> str | None:
        return activity.ticket.code if activity.ticket is not None else None


class TimelinePage(Schema):
    """The list endpoints' paging envelope, of timeline items."""

    items: list[TimelineItemOut]
    count: int = Field(..., description="How many entries match: exact, or an estimate when `count_is_estimate`.")
    page: int
    page_size: int
    count_is_estimate: bool = Field(..., description=COUNT_IS_ESTIMATE_DESCRIPTION)
