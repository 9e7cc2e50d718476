"""The kit's history for a model other than customers: the History tab, as of an event, revert."""

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.test import Client

from clientbook.contacts.factories import ContactFactory
from clientbook.contacts.models import Contact
from clientbook.core.kit import writes
from clientbook.core.kit.history_views import EVENTS_PER_PAGE
from clientbook.core.models import AuditEvent
from clientbook.core.records import audit
from clientbook.customers import services as customer_services
from clientbook.customers.factories import LabelFactory, OrganizationFactory

pytestmark = pytest.mark.django_db

ClientFor = Callable[[str | None], Client]
HTMX = {"HX-Request": "true"}


def history_url(contact: Contact) -> str:
    return f"/contacts/{contact.pk}/history/"


def as_of_url(contact: Contact, event: AuditEvent) -> str:
    return f"/contacts/{contact.pk}/history/{event.pk}/"


def revert_url(contact: Contact, event: AuditEvent) -> str:
    return f"/contacts/{contact.pk}/history/{event.pk}/revert/"


def first_event(contact: Contact) -> AuditEvent:
    event = audit.events_for(contact).last()
    assert event is not None and event.action == AuditEvent.Action.CREATE
    return event


def test_the_history_page_lists_a_contacts_changes_newest_first(client_for: ClientFor, users: dict[str, Any]) -> None:
    contact = ContactFactory(job_title="Buyer")
    writes.update(contact, user=users["sales"], values={"job_title": "Director"})

    response = client_for("support").get(history_url(contact))

    assert response.status_code == 200
    html = response.content.decode()
    # The record's page with its History tab open.
    assert "<html" in html and 'data-testid="tab-history"' in html and 'aria-current="page"' in html
    assert html.index('data-action="update"') < html.index('data-action="create"')
    assert "Buyer" in html and "Director" in html and users["sales"].username in html
    assert f'href="{as_of_url(contact, first_event(contact))}"' in html


def test_the_tab_opens_the_record_page_and_older_gives_entries(client_for: ClientFor, users: dict[str, Any]) -> None:
    contact = ContactFactory(job_title="Title 0")
    for number in range(1, EVENTS_PER_PAGE + 5):
        writes.update(contact, user=users["sales"], values={"job_title": f"Title {number}"})
    client = client_for("sales")

    # The tab's link loads the record's page, whose panel htmx picks (hx-select="#record-tab").
    panel = client.get(history_url(contact), headers=HTMX).content.decode()
    assert 'id="record-tab"' in panel and 'data-testid="history"' in panel
    assert panel.count('data-testid="history-entry"') == EVENTS_PER_PAGE
    assert 'data-testid="history-more"' in panel and "?page=2" in panel

    older = client.get(history_url(contact) + "?page=2", headers=HTMX).content.decode()
    assert "<html" not in older and 'data-testid="history"' not in older
    assert older.count('data-testid="history-entry"') == 5
    assert 'data-action="create"' in older and 'data-testid="history-more"' not in older


def test_the_as_of_page_shows_then_now_and_only_the_differences(client_for: ClientFor, users: dict[str, Any]) -> None:
    contact = ContactFactory(job_title="Buyer", department="Sales")
    first = first_event(contact)
    writes.update(contact, user=users["sales"], values={"job_title": "Director"})
    client = client_for("support")

    html = client.get(as_of_url(contact, first)).content.decode()
    assert 'data-field="job_title" class="table-warning" data-differs' in html
    assert 'data-field="department">' in html  # the unchanged fields are shown too
    assert "1 field differs from now." in html
    assert 'data-testid="revert-field"' not in html  # only administrators may revert

    differences = client.get(as_of_url(contact, first) + "?show=differences").content.decode()
    assert 'data-field="job_title"' in differences and 'data-field="department"' not in differences

    admin_html = client_for("admin").get(as_of_url(contact, first)).content.decode()
    assert 'data-testid="revert-field"' in admin_html and 'data-testid="revert-all"' in admin_html


def test_as_of_an_event_of_another_record_is_not_found(client_for: ClientFor) -> None:
    contact, other = ContactFactory(), ContactFactory()
    assert client_for("admin").get(as_of_url(contact, first_event(other))).status_code == 404


def test_an_administrator_reverts_one_field_audited_as_a_revert(client_for: ClientFor, users: dict[str, Any]) -> None:
    contact = ContactFactory(job_title="Buyer", department="Sales")
    first = first_event(contact)
    writes.update(contact, user=users["sales"], values={"job_title": "Director", "department": "Board"})
    client = client_for("admin")

    response = client.post(revert_url(contact, first), {"field": "job_title"})

    assert response.status_code == 303 and response["Location"] == f"/contacts/{contact.pk}/"
    contact.refresh_from_db()
    assert (contact.job_title, contact.department) == ("Buyer", "Board")
    revert = audit.events_for(contact).first()
    assert revert is not None and revert.action == AuditEvent.Action.REVERT and revert.actor == users["admin"]
    assert set(revert.changes) == {"job_title"}
    [message] = [str(message) for message in get_messages(response.wsgi_request)]
    assert message.startswith(f"Reverted job title of {contact.name} to the state of ")


def test_an_administrator_reverts_all_fields(client_for: ClientFor, users: dict[str, Any]) -> None:
    contact = ContactFactory(job_title="Buyer", department="Sales")
    first = first_event(contact)
    writes.update(contact, user=users["sales"], values={"job_title": "Director", "department": "Board"})

    assert client_for("admin").post(revert_url(contact, first), {"all": "1"}).status_code == 303
    contact.refresh_from_db()
    assert (contact.job_title, contact.department) == ("Buyer", "Sales")


@pytest.mark.parametrize("role", ["sales", "support"])
def test_a_non_administrator_may_not_revert(client_for: ClientFor, users: dict[str, Any], role: str) -> None:
    contact = ContactFactory(job_title="Buyer")
    first = first_event(contact)
    writes.update(contact, user=users["sales"], values={"job_title": "Director"})

    assert client_for(role).post(revert_url(contact, first), {"field": "job_title"}).status_code == 403
    contact.refresh_from_db()
    assert contact.job_title == "Director"


def test_a_refused_revert_names_the_field(client_for: ClientFor, users: dict[str, Any]) -> None:
    before, after = OrganizationFactory(), OrganizationFactory()
    contact = ContactFactory(organization=before)
    first = first_event(contact)
    writes.update(contact, user=users["sales"], values={"organization": after})
    customer_services.delete_customer(user=users["sales"], customer=before)

    response = client_for("admin").post(revert_url(contact, first), {"field": "organization"})

    assert response.status_code == 422
    html = response.content.decode()
    assert 'data-testid="revert-errors"' in html and "Organization: " in html
    contact.refresh_from_db()
    assert contact.organization == after


def test_revert_needs_a_choice(client_for: ClientFor, users: dict[str, Any]) -> None:
    contact = ContactFactory(job_title="Buyer")
    first = first_event(contact)
    writes.update(contact, user=users["sales"], values={"job_title": "Director"})

    response = client_for("admin").post(revert_url(contact, first), {})

    assert response.status_code == 422 and "Choose a field to revert" in response.content.decode()


def test_the_history_of_a_deleted_record_is_for_administrators(client_for: ClientFor, users: dict[str, Any]) -> None:
    contact = ContactFactory()
    writes.delete(contact, user=users["sales"])

    assert client_for("sales").get(history_url(contact)).status_code == 404
    html = client_for("admin").get(history_url(contact)).content.decode()
    assert 'data-testid="history-deleted"' in html and "This contact is deleted." in html


def test_a_labels_history_and_as_of_page(client_for: ClientFor, users: dict[str, Any]) -> None:
    label = LabelFactory(name="VIP")
    created = audit.events_for(label).get()
    writes.update(label, user=users["sales"], values={"name": "Gold"})
    client = client_for("support")

    assert 'data-action="update"' in client.get(f"/labels/{label.pk}/history/").content.decode()
    html = client.get(f"/labels/{label.pk}/history/{created.pk}/").content.decode()
    assert 'data-field="name" class="table-warning" data-differs' in html and "VIP" in html and "Gold" in html
