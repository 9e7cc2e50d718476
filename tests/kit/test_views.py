"""The kit's generic pages, through Contacts: the conflict screen, history as of an event and revert."""

import pytest

from clientbook.contacts.factories import ContactFactory
from clientbook.core.kit import writes
from clientbook.core.models import AuditEvent
from clientbook.core.records import audit
from clientbook.customers import services as customer_services

pytestmark = pytest.mark.django_db


def test_a_stale_edit_shows_the_conflict_and_saves_nothing(client_for):
    contact = ContactFactory(job_title="Buyer")
    writes.update(contact, user=None, values={"job_title": "Director"})
    response = client_for("sales").post(
        f"/contacts/{contact.pk}/edit/",
        {"organization": contact.organization.code, "last_name": contact.last_name, "job_title": "CFO", "version": 1},
    )
    assert response.status_code == 409 and 'data-testid="conflict"' in response.content.decode()
    contact.refresh_from_db()
    assert contact.job_title == "Director"


def test_history_as_of_an_event_and_revert_by_an_administrator(client_for):
    contact = ContactFactory(job_title="Buyer")
    created = audit.events_for(contact).get()
    writes.update(contact, user=None, values={"job_title": "Director"})
    page = client_for("support").get(f"/contacts/{contact.pk}/history/{created.pk}/").content.decode()
    assert 'data-testid="as-of-table"' in page and "Director" in page and 'data-testid="revert-all"' not in page
    revert_url = f"/contacts/{contact.pk}/history/{created.pk}/revert/"
    assert client_for("sales").post(revert_url, {"all": "1"}).status_code == 403
    assert client_for("admin").post(revert_url, {"all": "1"}).status_code == 303
    contact.refresh_from_db()
    assert (contact.job_title, contact.version) == ("Buyer", 3)
    assert audit.events_for(contact).first().action == AuditEvent.Action.REVERT


def test_the_contacts_of_a_deleted_organization_leave_the_list_with_it(client_for):
    contact = ContactFactory(last_name="Touray")
    customer_services.delete_customer(user=None, customer=contact.organization)
    assert "Touray" not in client_for("sales").get("/contacts/").content.decode()


def test_the_search_box_names_what_the_search_finds(client_for):
    page = client_for("sales").get("/contacts/").content.decode()
    assert 'placeholder="Search contacts: first name, last name, email, job title, department, phone…"' in page
    assert "label…" not in page
