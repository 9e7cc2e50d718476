"""A note's rules; the kit's write skeleton (clientbook.core.kit.writes) does the rest."""

from typing import Any

from django.core.exceptions import ValidationError

from clientbook.activities import services as activities
from clientbook.core.kit import writes
from clientbook.core.permissions import is_admin
from clientbook.customers.models import Customer
from clientbook.notes.models import Note

MAX_PINNED = 3
TOO_MANY_PINNED = "A customer has at most three pinned notes; unpin one first."


def before_insert(note: Note, user: Any) -> None:
    """The author is whoever writes the note; no form or API body names one."""
    note.author = user


def validate(note: Note) -> None:
    if not note.pinned or not note.customer_id:
        return
    # The customer's row is locked so that two notes pinned at once cannot both be the fourth.
    Customer.all_objects.select_for_update().filter(pk=note.customer_id).first()
    others = Note.objects.filter(customer_id=note.customer_id, pinned=True).exclude(pk=note.pk)
    if others.count() >= MAX_PINNED:
        raise ValidationError({"pinned": TOO_MANY_PINNED})


def may_write(user: Any, note: Note) -> bool:
    """A note is changed, deleted, restored and pinned by its author or an administrator."""
    return is_admin(user) or (note.author_id is not None and note.author_id == user.pk)


def after_save(note: Note, user: Any, created: bool) -> None:
    activities.note_written(note, user, created)


def after_delete(note: Note, user: Any) -> None:
    activities.note_deleted(note, user)


def after_restore(note: Note, user: Any) -> None:
    activities.note_restored(note, user)


def pin(user: Any, note: Note, expected_version: int | None = None) -> str:
    writes.update(note, user=user, values={"pinned": True}, expected_version=expected_version)
    return f"Note “{note.excerpt}” pinned."


def unpin(user: Any, note: Note, expected_version: int | None = None) -> str:
    writes.update(note, user=user, values={"pinned": False}, expected_version=expected_version)
    return f"Note “{note.excerpt}” unpinned."
