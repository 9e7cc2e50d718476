"""Undo after a delete: the toast's Undo (showToast detail or a message on the next page) restores."""

import json
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from clientbook.core.kit import views as kit_views
from clientbook.core.models import AuditEvent
from clientbook.core.records import audit
from clientbook.customers import services
from clientbook.customers.factories import CustomerFactory, LabelFactory
from clientbook.customers.models import Customer, Label

pytestmark = pytest.mark.django_db

ClientFor = Callable[[str | None], Client]
MODAL = {"HX-Request": "true", "HX-Target": "modal-content"}
LIST_URL = "/customers/"


@pytest.fixture
def customer() -> Customer:
    return CustomerFactory(first_name="Binta", last_name="Singhateh")


def delete_url(customer: Customer) -> str:
    return reverse("customers:customer_delete", kwargs={"code": customer.code})


def restore_url(customer: Customer) -> str:
    return reverse("customers:customer_restore", kwargs={"code": customer.code})


def undo_forms(html: str) -> list[str]:
    """The actions of the Undo forms in the page's toasts."""
    toasts = html[html.index('id="toasts"') :]
    return re.findall(r'<form class="toast-action[^"]*" method="post" action="([^"]+)" hx-post="\1"', toasts)


def test_delete_from_the_customer_page_lands_on_the_list_with_an_undo(
    client_for: ClientFor, customer: Customer
) -> None:
    client = client_for("sales")
    response = client.post(delete_url(customer), {"version": customer.version}, follow=True)
    html = response.content.decode()
    assert response.redirect_chain == [(LIST_URL, 303)]
    assert f"Customer {customer.code} (Binta Singhateh) deleted." in html
    assert undo_forms(html) == [restore_url(customer)]
    assert "data-undo" in html and 'data-testid="toast-undo"' in html


def test_delete_in_the_modal_carries_the_undo_to_the_list(client_for: ClientFor, customer: Customer) -> None:
    client = client_for("admin")
    headers = {**MODAL, "HX-Current-URL": f"http://testserver{customer.get_absolute_url()}"}
    response = client.post(delete_url(customer), headers=headers)
    assert response.status_code == 204 and response["HX-Redirect"] == LIST_URL
    assert undo_forms(client.get(LIST_URL).content.decode()) == [restore_url(customer)]


def test_delete_from_the_list_toasts_with_undo_and_refreshes(client_for: ClientFor, customer: Customer) -> None:
    headers = {**MODAL, "HX-Current-URL": f"http://testserver{LIST_URL}?q=binta"}
    response = client_for("sales").post(delete_url(customer), headers=headers)
    assert response.status_code == 204
    triggers = json.loads(response["HX-Trigger"])
    assert triggers["refreshList"] is True
    assert triggers["showToast"] == {
        "message": f"Customer {customer.code} (Binta Singhateh) deleted.",
        "level": "success",
        "undo": {"url": restore_url(customer), "label": "Undo"},
    }


def test_undo_without_javascript_restores_and_opens_the_customer(
    client_for: ClientFor, users: dict[str, Any], customer: Customer
) -> None:
    services.delete_customer(user=users["sales"], customer=customer)
    response = client_for("sales").post(restore_url(customer))
    assert response.status_code == 303 and response["Location"] == customer.get_absolute_url()
    assert not Customer.all_objects.get(pk=customer.pk).is_deleted
    event = audit.events_for(customer).first()
    assert event.action == AuditEvent.Action.RESTORE and event.actor == users["sales"]


def test_undo_on_the_list_restores_and_refreshes_it(
    client_for: ClientFor, users: dict[str, Any], customer: Customer
) -> None:
    services.delete_customer(user=users["sales"], customer=customer)
    headers = {"HX-Request": "true", "HX-Current-URL": f"http://testserver{LIST_URL}"}
    response = client_for("sales").post(restore_url(customer), headers=headers)
    assert response.status_code == 204
    triggers = json.loads(response["HX-Trigger"])
    assert triggers["refreshList"] is True
    assert triggers["showToast"]["message"] == f"Customer {customer.code} (Binta Singhateh) restored."
    assert Customer.objects.filter(pk=customer.pk).exists()


def test_undo_on_another_page_stays_there_and_refreshes_it(
    client_for: ClientFor, users: dict[str, Any], customer: Customer
) -> None:
    services.delete_customer(user=users["sales"], customer=customer)
    headers = {"HX-Request": "true", "HX-Current-URL": "http://testserver/labels/"}
    response = client_for("admin").post(restore_url(customer), headers=headers)
    assert response.status_code == 204 and "HX-Redirect" not in response
    assert json.loads(response["HX-Trigger"])["refreshList"] is True


def test_undo_twice_is_refused_with_a_message(client_for: ClientFor, customer: Customer) -> None:
    client = client_for("sales")
    response = client.post(restore_url(customer), headers={"HX-Request": "true"})
    assert response.status_code == 204
    toast = json.loads(response["HX-Trigger"])["showToast"]
    assert toast["level"] == "danger" and "is not deleted" in toast["message"]
    response = client.post(restore_url(customer), follow=True)
    assert "was not restored" in response.content.decode()


@pytest.mark.parametrize("role", ["support", "accounting"])
def test_readers_cannot_undo(client_for: ClientFor, role: str, customer: Customer) -> None:
    services.delete_customer(user=None, customer=customer)
    assert client_for(role).post(restore_url(customer)).status_code == 403
    assert Customer.all_objects.get(pk=customer.pk).is_deleted


def test_undo_of_an_unknown_code_is_404(client_for: ClientFor) -> None:
    assert client_for("sales").post("/customers/CUST9999999/restore/").status_code == 404


def test_label_delete_toasts_with_undo_which_restores(client_for: ClientFor) -> None:
    vip = LabelFactory(name="VIP")
    carrier = CustomerFactory(labels=[vip])
    client = client_for("sales")
    response = client.post(reverse("labels:label_delete", kwargs={"pk": vip.pk}), headers=MODAL)
    undo = json.loads(response["HX-Trigger"])["showToast"]["undo"]
    assert undo["url"] == reverse("labels:label_restore", kwargs={"pk": vip.pk})

    response = client.post(undo["url"], headers={"HX-Request": "true"})

    assert json.loads(response["HX-Trigger"])["showToast"]["message"] == "Label “VIP” restored."
    assert list(Customer.objects.get(pk=carrier.pk).labels.all()) == [vip]


def test_label_undo_is_refused_while_the_name_is_taken(client_for: ClientFor) -> None:
    vip = LabelFactory(name="VIP")
    services.delete_label(user=None, label=vip)
    LabelFactory(name="VIP")
    response = client_for("sales").post(
        reverse("labels:label_restore", kwargs={"pk": vip.pk}), headers={"HX-Request": "true"}
    )
    toast = json.loads(response["HX-Trigger"])["showToast"]
    assert toast["level"] == "danger" and "Another label is now called “VIP”" in toast["message"]
    assert Label.all_objects.get(pk=vip.pk).is_deleted


def test_a_delete_that_lost_the_race_to_another_delete_says_so(
    client_for: ClientFor, customer: Customer, monkeypatch: pytest.MonkeyPatch
) -> None:
    read_before = Customer.objects.get(pk=customer.pk)
    services.delete_customer(user=None, customer=customer)
    # The page read the customer just before someone else deleted it.
    monkeypatch.setattr(kit_views, "get_record", lambda spec, request, value, **options: read_before)
    response = client_for("sales").post(delete_url(customer), follow=True)
    assert response.redirect_chain == [(LIST_URL, 303)]
    assert "is already deleted" in response.content.decode()
    assert audit.events_for(customer).filter(action=AuditEvent.Action.DELETE).count() == 1
