"""A note's rules: the author, at most three pinned, author-or-admin writes, order and search."""

import json
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from clientbook.core.kit import writes
from clientbook.core.kit.tabs import child_tab_url
from clientbook.customers.factories import CustomerFactory
from clientbook.notes.factories import NoteFactory
from clientbook.notes.models import Note
from clientbook.notes.services import TOO_MANY_PINNED
from clientbook.notes.specs import NOTES

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


def test_the_author_is_the_acting_user(users: dict[str, Any]) -> None:
    note = writes.create(NOTES, user=users["sales"], values={"customer": CustomerFactory(), "body": "Hi"})
    assert note.author == users["sales"]
    with pytest.raises(ValidationError) as refused:
        writes.update(note, user=users["sales"], values={"author": users["admin"]})
    assert refused.value.message_dict == {"author": ["This field cannot be written."]}


def test_a_customer_has_at_most_three_pinned_notes() -> None:
    customer = CustomerFactory()
    pinned = [NoteFactory(customer=customer, pinned=True) for _ in range(3)]
    NoteFactory(pinned=True)  # another customer's pin does not count

    with pytest.raises(ValidationError) as refused:
        NoteFactory(customer=customer, pinned=True)
    assert refused.value.message_dict == {"pinned": [TOO_MANY_PINNED]}

    writes.delete(pinned[0], user=None)
    fourth = NoteFactory(customer=customer, pinned=True)
    with pytest.raises(ValidationError, match="at most three pinned"):
        writes.restore(pinned[0], user=None)
    writes.update(fourth, user=None, values={"pinned": False})
    writes.restore(pinned[0], user=None)


def test_pinned_notes_come_first_then_the_newest() -> None:
    customer = CustomerFactory()
    old, pinned, new = (NoteFactory(customer=customer, body=body) for body in ("old", "pinned", "new"))
    writes.update(pinned, user=None, values={"pinned": True})
    assert list(Note.objects.filter(customer=customer)) == [pinned, new, old]


def test_only_the_author_or_an_administrator_edits_and_deletes(make_user: Any, users: dict[str, Any]) -> None:
    author, colleague = users["sales"], make_user("sales", username="colleague")
    note = NoteFactory(author=author, body="Mine")
    with pytest.raises(PermissionDenied, match="author or an administrator"):
        writes.update(note, user=colleague, values={"body": "Theirs"})
    with pytest.raises(PermissionDenied):
        writes.delete(note, user=colleague)
    writes.update(note, user=author, values={"body": "Still mine"})
    writes.update(note, user=users["admin"], values={"body": "Tidied"})
    writes.delete(note, user=author)


def test_the_tab_shows_the_rendered_note_and_its_buttons_only_to_its_author(
    client: Any, users: dict[str, Any], make_user: Any
) -> None:
    note = NoteFactory(author=users["sales"], body="Call **Ada** <script>x</script>")
    url = child_tab_url(NOTES, note.customer)

    client.force_login(users["sales"])
    own = client.get(url).content.decode()
    client.force_login(make_user("sales", username="colleague"))
    other = client.get(url).content.decode()
    edit_url = f"/notes/{note.pk}/edit/"
    refused = client.get(edit_url)

    assert "Call <strong>Ada</strong> &lt;script&gt;" in own and 'data-testid="edit"' in own
    assert 'data-testid="action-pin"' in own and 'data-testid="delete"' in own
    assert "<strong>Ada</strong>" in other and 'data-testid="edit"' not in other
    assert 'data-testid="action-pin"' not in other and 'data-testid="delete"' not in other
    assert refused.status_code == 403 and "author or an administrator" in refused.content.decode()


def test_pin_and_unpin_answer_with_a_toast(client: Any, users: dict[str, Any]) -> None:
    customer = CustomerFactory()
    for _ in range(3):
        NoteFactory(customer=customer, pinned=True)
    note = NoteFactory(customer=customer, author=users["sales"], body="Fourth")
    client.force_login(users["sales"])

    refused = client.post(f"/notes/{note.pk}/do/pin/", {"version": note.version}, headers=HTMX)
    writes.update(Note.objects.filter(pinned=True).first(), user=None, values={"pinned": False})
    pinned = client.post(f"/notes/{note.pk}/do/pin/", {"version": note.version}, headers=HTMX)
    unpinned = client.post(f"/notes/{note.pk}/do/unpin/", {"version": note.version + 1}, headers=HTMX)

    assert TOO_MANY_PINNED in json.loads(refused["HX-Trigger"])["showToast"]["message"]
    assert "Note “Fourth” pinned." in json.loads(pinned["HX-Trigger"])["showToast"]["message"]
    assert "unpinned" in json.loads(unpinned["HX-Trigger"])["showToast"]["message"]


def test_a_note_is_found_by_its_text(client_for: Any) -> None:
    NoteFactory(body="The **invoice** goes to the Leeds office")
    NoteFactory(body="Nothing to see")
    page = client_for("support").get("/notes/", {"q": "leeds"}).content.decode()
    assert "The invoice goes to the Leeds office" in page and "Nothing to see" not in page


def test_a_note_over_ten_thousand_characters_is_refused_by_field() -> None:
    with pytest.raises(ValidationError) as refused:
        NoteFactory(body="x" * 10_001)
    assert list(refused.value.message_dict) == ["body"]


def test_a_note_is_named_by_its_first_line_without_markdown() -> None:
    assert Note(body="\n# Call **Ada** about [the terms](https://example.com)\nmore").excerpt == (
        "Call Ada about the terms"
    )
    assert Note(body="- keep snake_case_names").excerpt == "keep snake_case_names"
    assert len(Note(body="word " * 40).excerpt) == 60
