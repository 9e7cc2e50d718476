"""The timeline's rules: who wrote an entry, automatic entries, and the customer's ``last_activity_at``."""

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Max, Q
from django.utils import timezone

from clientbook.activities.models import AUTOMATIC_TYPES, LOGGED_TYPES, TYPES_OF_FIELD, Activity
from clientbook.core.kit import writes
from clientbook.core.kit.spec import spec_for
from clientbook.core.permissions import is_admin
from clientbook.customers.models import Customer

TITLE_LENGTH = Activity._meta.get_field("title").max_length or 200
CALL_NEEDS_DIRECTION = "A call needs a direction: inbound or outbound."
ONLY_INBOUND_CALLS_MISSED = "Only an inbound call can be missed."
# What a field is called in "Only calls have a phone number."
FIELD_NOUNS = {"duration_minutes": "a duration", "direction": "a direction", "phone": "a phone number"}


def timeline_now() -> datetime:
    """Now, to the second. The timeline's moments are kept as its form shows and edits them, so entries of
    one second are ordered by their sequence (a call logged now comes after a status change written a
    moment earlier), never by a fraction of a second the form cannot carry."""
    return timezone.now().replace(microsecond=0)


def type_name(kind: str) -> str:
    """A type's label inside a sentence: "call", "WhatsApp message" (a name with capitals keeps them)."""
    label = str(Activity.Type(kind).label)
    return label if any(letter.isupper() for letter in label[1:]) else label.lower()


def automatic_type_refusal(kind: str) -> str:
    """Why a person may not log an entry of an automatic type (the form's and the API's message)."""
    loggable = [type_name(logged) for logged in LOGGED_TYPES]
    return (
        f"{Activity.Type(kind).label} entries are written by Clientbook when the change happens; "
        f"log a {', '.join(loggable[:-1])} or {loggable[-1]}."
    )


def only_for(name: str) -> str:
    """Why a field is refused on a type that does not use it: "Only calls and meetings have a duration."."""
    types = [f"{type_name(kind)}s" for kind in TYPES_OF_FIELD[name]]
    listed = types[0] if len(types) == 1 else f"{', '.join(types[:-1])} and {types[-1]}"
    return f"Only {listed} have {FIELD_NOUNS[name]}."


def derive(activity: Activity, before: Any) -> None:
    """An entry's moment is kept to the second (see ``timeline_now``); one logged on a converted lead is
    its customer's too, as the lead's earlier entries became."""
    if isinstance(activity.occurred_at, datetime):
        activity.occurred_at = activity.occurred_at.replace(microsecond=0)
    if activity.customer_id is None and activity.lead_id is not None:
        # Read from the table: the caller's lead may predate its conversion.
        customer = Customer.objects.filter(converted_leads=activity.lead_id).first()
        if customer is not None:
            activity.customer = customer


def before_insert(activity: Activity, user: Any) -> None:
    """The author is whoever logs the entry; no form or API body names one."""
    activity.author = user


def validate(activity: Activity) -> None:
    """A person logs only the types nobody else writes, with the fields that type has.

    A value in a field the type does not use is refused (the form clears the fields it hid, so only
    the API and imports meet this); a call needs its direction; the contact is one of the customer's.
    """
    if activity.automatic:
        return
    errors: dict[str, str] = {}
    if activity.type in AUTOMATIC_TYPES:
        errors["type"] = automatic_type_refusal(activity.type)
    for name, types in TYPES_OF_FIELD.items():
        if getattr(activity, name) not in (None, "") and activity.type not in types:
            errors[name] = only_for(name)
    if activity.type == Activity.Type.CALL and not activity.direction:
        errors["direction"] = CALL_NEEDS_DIRECTION
    if activity.customer_id is None and activity.lead_id is None:
        errors["customer"] = "Name the customer (or the lead) the entry is about."
    if activity.outcome == Activity.Outcome.MISSED and not is_missed_call(activity):
        errors.setdefault("outcome", ONLY_INBOUND_CALLS_MISSED)
    if activity.contact is not None and activity.contact.organization_id != activity.customer_id:
        errors["contact"] = "The contact is not one of this customer's people."
    if errors:
        raise ValidationError(errors)


def is_missed_call(activity: Activity) -> bool:
    """An inbound call logged with the outcome "Missed": the Calls tab offers "Call back" and "Log outcome"."""
    return (
        activity.type == Activity.Type.CALL
        and activity.direction == Activity.Direction.INBOUND
        and activity.outcome == Activity.Outcome.MISSED
    )


def may_write(user: Any, activity: Activity) -> bool:
    """A logged entry is changed or deleted by its author or an administrator; an automatic one by nobody."""
    if activity.automatic:
        return False
    return is_admin(user) or (activity.author_id is not None and activity.author_id == user.pk)


def record(
    *,
    customer: Customer | None = None,
    lead: Any = None,
    type: str,
    title: str,
    user: Any = None,
    description: str = "",
    occurred_at: datetime | None = None,
    **links: Any,
) -> Activity:
    """An automatic entry, written by the service that makes the change, inside that change's transaction.

    It is not a user's write (no role may refuse it, nobody edits it) and the change it records has
    its own audit event, so it is saved directly; ``links``: the contact, deal or note it concerns.
    An entry of a lead names ``lead``; one naming both (a conversion) is on both timelines.
    """
    activity = Activity(
        customer=customer,
        lead=lead,
        type=type,
        title=title if len(title) <= TITLE_LENGTH else title[: TITLE_LENGTH - 1] + "…",
        description=description,
        occurred_at=occurred_at.replace(microsecond=0) if occurred_at else timeline_now(),
        author=user if getattr(user, "is_authenticated", False) else None,
        automatic=True,
        **links,
    )
    writes.refresh_search_document(spec_for(activity), activity)
    activity.save(force_insert=True)
    follow_activity(activity, None, True)
    # The caller may be about to save this very row (a status change writes its entry first).
    if customer is not None and (customer.last_activity_at is None or customer.last_activity_at < activity.occurred_at):
        customer.last_activity_at = activity.occurred_at
    return activity


def follow_activity(activity: Activity, user: Any, created: bool = False) -> None:
    """``last_activity_at`` of the customer follows its newest live entry (indexed; a list column and filter).

    A new entry can only move it forward, checked in one UPDATE; a change of time, a delete or a
    restore reads the newest entry again. A lead's entry without a customer moves nothing.
    """
    if activity.customer_id is None:
        return
    if created and activity.deleted_at is None:
        moved = (
            Customer.all_objects.filter(pk=activity.customer_id)
            .filter(Q(last_activity_at__isnull=True) | Q(last_activity_at__lt=activity.occurred_at))
            .update(last_activity_at=activity.occurred_at)
        )
        if moved or Customer.all_objects.filter(pk=activity.customer_id, last_activity_at__isnull=False).exists():
            return
    newest = Activity.objects.filter(customer_id=activity.customer_id).aggregate(newest=Max("occurred_at"))["newest"]
    Customer.all_objects.filter(pk=activity.customer_id).update(last_activity_at=newest)


def forget_activity(activity: Activity, user: Any) -> None:
    follow_activity(activity, user)


def note_written(note: Any, user: Any, created: bool) -> None:
    """A new note is an entry of the timeline, which shows the note's text as it is now."""
    if created:
        record(customer=note.customer, type=Activity.Type.NOTE, title=note.excerpt, user=user, note=note)


def note_deleted(note: Any, user: Any) -> None:
    """The note's entry goes to the trash with it and comes back with it."""
    _follow_note(note, deleted_at=note.deleted_at)


def note_restored(note: Any, user: Any) -> None:
    _follow_note(note, deleted_at=None)


def _follow_note(note: Any, *, deleted_at: datetime | None) -> None:
    entries = Activity.all_objects.filter(note=note)
    entries.update(deleted_at=deleted_at)
    for entry in entries[:1]:
        follow_activity(entry, None)
