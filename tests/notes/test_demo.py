"""The demo's notes: on every third organization, by its officer, the first one pinned."""

from typing import Any

import pytest

from clientbook.customers.demo import DemoOffice
from clientbook.customers.factories import OrganizationFactory
from clientbook.notes import demo
from clientbook.notes.models import Note

pytestmark = pytest.mark.django_db


def test_the_demo_notes_are_the_officers_and_the_same_every_run(users: dict[str, Any]) -> None:
    organizations = tuple(OrganizationFactory(officer=users["sales"]) for _ in range(6))

    written = demo.load_notes(DemoOffice(seed=7, organizations=organizations))
    first = [(note.customer_id, note.body, note.pinned) for note in Note.objects.order_by("pk")]
    Note.all_objects.all().delete()
    demo.load_notes(DemoOffice(seed=7, organizations=organizations))

    notes = list(Note.objects.order_by("pk"))
    assert written == len(notes) >= 2
    assert [(note.customer_id, note.body, note.pinned) for note in notes] == first
    assert {note.customer for note in notes} == {organizations[0], organizations[3]}
    assert {note.author for note in notes} == {users["sales"]}
    assert sum(note.pinned for note in notes) == 2
