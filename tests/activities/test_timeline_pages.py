"""The timeline as pages show it: a customer's Activities tab and an entry's page."""

import re
from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from clientbook.activities.factories import ActivityFactory
from clientbook.activities.services import record
from clientbook.activities.specs import ACTIVITIES
from clientbook.core.kit import writes
from clientbook.core.kit.tabs import child_tab_url
from clientbook.customers import services as customers
from clientbook.customers.factories import CustomerFactory
from clientbook.notes.factories import NoteFactory

pytestmark = pytest.mark.django_db


def entries(page: str) -> list[str]:
    """The entries' ids in the order the page shows them."""
    return re.findall(r'data-row="(\d+)" data-testid="activity"', page)


def test_the_tab_shows_the_newest_first_with_a_calls_badges(client_for: Any, users: dict[str, Any]) -> None:
    customer = CustomerFactory()
    now = timezone.now()
    older = ActivityFactory(customer=customer, author=users["sales"], occurred_at=now - timedelta(days=2))
    call = ActivityFactory(
        customer=customer,
        author=users["sales"],
        type="call",
        direction="out",
        phone="+2348031234567",
        duration_minutes=95,
        outcome="positive",
        description="Agreed the **renewal**. <script>alert(1)</script>",
        occurred_at=now - timedelta(hours=3),
    )

    page = client_for("sales").get(child_tab_url(ACTIVITIES, customer)).content.decode()

    assert entries(page) == [str(call.pk), str(older.pk)]
    assert 'href="tel:+2348031234567"' in page
    assert "1 h 35 min" in page and "Outbound" in page and "Positive" in page
    assert "<strong>renewal</strong>" in page and "<script>alert" not in page
    assert f'<time datetime="{timezone.localtime(call.occurred_at).isoformat()}' in page
    assert "3\xa0hours ago" in page


def test_automatic_entries_look_apart_and_have_no_buttons(client_for: Any, users: dict[str, Any]) -> None:
    customer = CustomerFactory(status="active")
    customers.block_customer(user=users["sales"], customer=customer, reason="Unpaid invoices")

    page = client_for("admin").get(child_tab_url(ACTIVITIES, customer)).content.decode()

    assert "timeline-automatic" in page and "Automatic" in page
    assert 'data-testid="edit"' not in page and 'data-testid="delete"' not in page


def test_a_notes_entry_shows_the_note_as_it_is_now(client_for: Any, users: dict[str, Any]) -> None:
    note = NoteFactory(author=users["sales"], body="Call back *Monday*")
    writes.update(note, user=users["sales"], values={"body": "Call back *Tuesday*"})

    page = client_for("support").get(child_tab_url(ACTIVITIES, note.customer)).content.decode()

    assert "Call back <em>Tuesday</em>" in page
    assert reverse("notes:note_detail", kwargs={"pk": note.pk}) in page


def test_only_the_author_and_admins_see_an_entrys_buttons(client_for: Any, users: dict[str, Any]) -> None:
    entry = ActivityFactory(author=users["sales"])
    url = child_tab_url(ACTIVITIES, entry.customer)

    assert 'data-testid="edit"' in client_for("sales").get(url).content.decode()
    assert 'data-testid="edit"' in client_for("admin").get(url).content.decode()
    assert 'data-testid="edit"' not in client_for("support").get(url).content.decode()


def test_an_entrys_page_renders_it(client_for: Any, users: dict[str, Any]) -> None:
    entry = record(
        customer=CustomerFactory(), type="system", title="Synced", description="From *the ledger*", user=users["admin"]
    )

    page = client_for("support").get(reverse("activities:activity_detail", kwargs={"pk": entry.pk})).content.decode()

    assert 'data-testid="activity-detail"' in page and "From <em>the ledger</em>" in page
    assert "Automatic" in page
