"""A record page's tabs: one per child spec in order, each the child's list fixed to the record, at its own URL."""

from typing import Any

import pytest

from clientbook.activities.factories import ActivityFactory
from clientbook.contacts.factories import ContactFactory
from clientbook.core.kit.tabs import child_tab_url
from clientbook.customers.factories import CustomerFactory, OrganizationFactory
from clientbook.notes.factories import NoteFactory
from clientbook.notes.specs import NOTES

pytestmark = pytest.mark.django_db

RESULTS = {"HX-Request": "true", "HX-Target": "results"}


def tab_keys(html: str) -> list[str]:
    import re

    bar = html[html.index('id="record-tabs"') : html.index("</ul>", html.index('id="record-tabs"'))]
    return re.findall(r'data-testid="([a-z-]+)-tab"', bar)


def test_the_tabs_come_in_their_order_and_only_where_they_apply(client_for: Any) -> None:
    organization, person = OrganizationFactory(), CustomerFactory()
    client = client_for("sales")
    assert tab_keys(client.get(organization.get_absolute_url()).content.decode()) == [
        "details",
        "activities",
        "calls",
        "notes",
        "contacts",
        "deals",
        "tickets",
        # Sales may view vehicles, not access cards or the gate's events (the facility's own tabs).
        "vehicles",
        "history",
    ]
    assert "contacts" not in tab_keys(client.get(person.get_absolute_url()).content.decode())
    assert client.get(f"/customers/{person.code}/contacts/").status_code == 404


def test_a_tab_lists_only_the_records_rows_with_search_and_paging(client_for: Any, users: dict[str, Any]) -> None:
    customer, other = CustomerFactory(), CustomerFactory()
    for number in range(25):
        NoteFactory(customer=customer, body=f"Visit number {number}", author=users["sales"])
    NoteFactory(customer=other, body="Visit elsewhere", author=users["sales"])
    client = client_for("support")
    url = child_tab_url(NOTES, customer)
    assert url == f"/customers/{customer.code}/notes/"

    page = client.get(url).content.decode()
    assert "<html" in page and 'aria-current="page"' in page and "1–20 of 25" in page
    assert "Visit elsewhere" not in page
    # The record's key is a hidden field of the list's form (for exports), never in its links.
    assert f'<input type="hidden" name="customer" value="{customer.code}">' in page
    assert f"customer={customer.code}" in page.split('data-testid="export-button"')[0].rsplit("<a", 1)[1]

    results = client.get(url, {"q": "number 7"}, headers=RESULTS)
    html = results.content.decode()
    assert "<html" not in html and html.count('data-testid="note"') == 1
    assert results["HX-Push-Url"] == f"{url}?q=number+7"
    second = client.get(url, {"page": "2"}, headers=RESULTS).content.decode()
    assert second.count('data-testid="note"') == 5


def test_a_bad_filter_in_a_tab_is_named_not_a_server_error(client_for: Any) -> None:
    customer = CustomerFactory()
    response = client_for("sales").get(f"/customers/{customer.code}/activities/", {"occurred_after": "soon"})
    assert response.status_code == 200
    assert 'data-testid="filter-errors"' in response.content.decode()


def test_chips_keep_the_search_and_mark_the_choice(client_for: Any, users: dict[str, Any]) -> None:
    customer = CustomerFactory()
    ActivityFactory(
        customer=customer, type="call", direction="out", title="Call about the renewal", author=users["sales"]
    )
    ActivityFactory(customer=customer, type="email", title="Mail about the renewal", author=users["sales"])
    url = f"/customers/{customer.code}/activities/"
    html = client_for("sales").get(url, {"q": "renewal", "group": "notes"}).content.decode()
    chips = html[html.index('data-testid="chips"') :].split("</nav>")[0]
    assert chips.count('data-testid="chip"') == 5
    assert 'href="?q=renewal"' not in chips and f'href="{url}?q=renewal"' in chips  # "All" keeps the search
    assert 'aria-current="true" data-testid="chip">Notes' in chips
    assert "Call about the renewal" not in html.split('data-testid="chips"')[1]


def test_the_header_shows_what_children_give(client_for: Any) -> None:
    organization = OrganizationFactory()
    ContactFactory(organization=organization, first_name="Awa", last_name="Bojang", is_primary=True)
    sales, support = client_for("sales"), client_for("support")
    html = sales.get(organization.get_absolute_url()).content.decode()
    assert 'data-testid="fact-primary-contact">Awa Bojang' in html
    assert 'data-testid="log-activity"' in html and 'data-testid="add-note"' in html
    read_only = support.get(organization.get_absolute_url()).content.decode()
    assert 'data-testid="log-activity"' not in read_only and 'data-testid="add-note"' not in read_only
