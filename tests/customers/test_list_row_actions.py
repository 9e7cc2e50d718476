"""The customer list's row actions: a delete button per row for who may delete, opening the confirmation."""

import re
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from clientbook.customers.factories import CustomerFactory
from clientbook.customers.models import Customer

pytestmark = pytest.mark.django_db

ClientFor = Callable[[str | None], Client]
LIST_URL = "/customers/"
RESULTS = {"HX-Request": "true", "HX-Target": "results", "HX-Current-URL": f"http://testserver{LIST_URL}"}


@pytest.fixture
def customer() -> Customer:
    return CustomerFactory(first_name="Binta", last_name="Singhateh")


def delete_links(html: str) -> list[str]:
    """The href of each row's delete button, checked to be the same link htmx opens in the modal."""
    links = re.findall(r'<a class="btn btn-sm row-action row-action-delete" href="([^"]+)" hx-get="\1"', html)
    return links


@pytest.mark.parametrize("role", ["admin", "sales"])
def test_who_may_delete_gets_a_delete_button_on_each_row(client_for: ClientFor, customer: Customer, role: str) -> None:
    other = CustomerFactory(first_name="Awa", last_name="Bojang")
    html = client_for(role).get(LIST_URL).content.decode()

    delete_url = reverse("customers:customer_delete", kwargs={"code": customer.code})
    assert sorted(delete_links(html)) == sorted(
        [delete_url, reverse("customers:customer_delete", kwargs={"code": other.code})]
    )
    assert f'aria-label="Delete Binta Singhateh ({customer.code})"' in html
    assert 'hx-target="#modal-content" hx-swap="innerHTML"' in html
    # The cell keeps a click beside the button from opening the row; the heading names the column.
    assert html.count('<td class="row-actions" data-column="actions" data-no-row-click>') == 2
    assert '<span class="visually-hidden">Actions</span>' in html


@pytest.mark.parametrize("role", ["support", "accounting"])
def test_who_may_not_delete_gets_no_actions_column(client_for: ClientFor, customer: Customer, role: str) -> None:
    html = client_for(role).get(LIST_URL).content.decode()
    assert customer.code in html
    assert delete_links(html) == []
    assert "row-actions" not in html and 'data-testid="row-delete"' not in html


def test_the_results_fragment_keeps_the_buttons(client_for: ClientFor, customer: Customer) -> None:
    """After a delete the list reloads only its results; the buttons must come back with them."""
    response = client_for("sales").get(LIST_URL, headers=RESULTS)
    html = response.content.decode()
    assert 'id="list-form"' not in html  # only the fragment
    assert delete_links(html) == [reverse("customers:customer_delete", kwargs={"code": customer.code})]


def test_the_button_opens_the_confirmation_in_the_modal(client_for: ClientFor, customer: Customer) -> None:
    html = client_for("sales").get(LIST_URL).content.decode()
    [url] = delete_links(html)
    modal = {"HX-Request": "true", "HX-Target": "modal-content", "HX-Current-URL": f"http://testserver{LIST_URL}"}

    response = client_for("sales").get(url, headers=modal)

    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith('<div class="modal-header">')
    assert 'data-testid="confirm-delete"' in body and f'name="version" value="{customer.version}"' in body


def test_support_is_refused_the_confirmation_even_by_url(client_for: ClientFor, customer: Customer) -> None:
    url = reverse("customers:customer_delete", kwargs={"code": customer.code})
    assert client_for("support").get(url).status_code == 403
    assert client_for("support").post(url, {"version": customer.version}).status_code == 403
    assert Customer.objects.filter(pk=customer.pk).exists()
