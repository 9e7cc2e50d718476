"""Saving over a newer version: the edit form shows what changed meanwhile and can re-apply; status
actions, deletes and labels refuse a stale version too (the service decides, under its row lock)."""

import json
import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from clientbook.customers import services
from clientbook.customers.factories import CustomerFactory, LabelFactory
from clientbook.customers.models import Customer, Label
from tests.customers.test_views import form_data

pytestmark = pytest.mark.django_db

ClientFor = Callable[[str | None], Client]
MODAL = {"HX-Request": "true", "HX-Target": "modal-content"}


@pytest.fixture
def customer() -> Customer:
    return CustomerFactory(
        first_name="Binta",
        last_name="Singhateh",
        email="binta@example.com",
        city="Banjul",
        country="GM",
        balance=Decimal("10.00"),
    )


@pytest.fixture
def fatou(make_user: Callable[..., Any]) -> Any:
    return make_user("sales", username="fatou", first_name="Fatou", last_name="Jallow")


def edit_url(customer: Customer) -> str:
    return reverse("customers:customer_edit", kwargs={"code": customer.code})


def conflict_rows(html: str) -> dict[str, list[str]]:
    """Each row of the conflict table: field name → the texts of its cells."""
    rows = {}
    for name, body in re.findall(r'<tr data-conflict-field="(\w+)">(.*?)</tr>', html, re.S):
        cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", body, re.S)
        rows[name] = [re.sub(r"<[^>]+>", "", cell).strip() for cell in cells]
    return rows


def input_value(html: str, name: str) -> str:
    match = re.search(rf'<input[^>]*name="{name}"[^>]*value="([^"]*)"', html)
    assert match, f"no input {name}"
    return match.group(1)


def test_stale_save_shows_their_change_and_keeps_mine(client_for: ClientFor, customer: Customer, fatou: Any) -> None:
    mine = form_data(customer, email="mine@example.com")  # the form as opened at version 1, edited
    services.update_customer(user=fatou, customer=customer, city="Serrekunda")

    response = client_for("sales").post(edit_url(customer), mine)

    html = response.content.decode()
    assert response.status_code == 409
    assert 'data-testid="conflict"' in html and "Fatou Jallow changed this record" in html
    assert conflict_rows(html) == {
        "city": ["City", "Banjul", "Serrekunda", "not changed by you — their value is in the form"]
    }
    # The form is at the current version, with their city and my email.
    assert input_value(html, "version") == "2"
    assert input_value(html, "city") == "Serrekunda" and input_value(html, "email") == "mine@example.com"
    stored = Customer.objects.get(pk=customer.pk)
    assert stored.email == "binta@example.com" and stored.version == 2

    # Re-applying (the form as shown, at the new version) saves mine and keeps theirs.
    again = form_data(stored, email="mine@example.com")
    assert again["version"] == 2
    response = client_for("sales").post(edit_url(customer), again)
    assert response.status_code == 303
    stored.refresh_from_db()
    assert (stored.city, stored.email, stored.version) == ("Serrekunda", "mine@example.com", 3)


def test_a_field_both_changed_keeps_mine_in_the_form(client_for: ClientFor, customer: Customer, fatou: Any) -> None:
    mine = form_data(customer, city="Bakau", balance="12.5")
    services.update_customer(user=fatou, customer=customer, city="Serrekunda", balance=Decimal("12.50"))

    response = client_for("sales").post(edit_url(customer), mine)

    html = response.content.decode()
    rows = conflict_rows(html)
    assert rows["city"] == ["City", "Banjul", "Serrekunda", "Bakau in the form"]
    assert rows["balance"] == ["Balance", "10.00", "12.50", "the same"]
    assert input_value(html, "city") == "Bakau"


def test_stale_save_in_the_modal_answers_the_fragment(client_for: ClientFor, customer: Customer, fatou: Any) -> None:
    mine = form_data(customer, email="mine@example.com")
    services.update_customer(user=fatou, customer=customer, city="Serrekunda")
    response = client_for("sales").post(edit_url(customer), mine, headers=MODAL)
    html = response.content.decode()
    assert response.status_code == 409
    assert "<html" not in html and 'class="modal-header"' in html and 'data-testid="reapply"' in html


def test_without_a_version_the_last_save_wins(client_for: ClientFor, customer: Customer, fatou: Any) -> None:
    mine = form_data(customer, email="mine@example.com")
    del mine["version"]
    services.update_customer(user=fatou, customer=customer, city="Serrekunda")
    assert client_for("sales").post(edit_url(customer), mine).status_code == 303
    assert Customer.objects.get(pk=customer.pk).email == "mine@example.com"


def test_a_stale_status_click_is_refused_with_what_changed(
    client_for: ClientFor, customer: Customer, fatou: Any
) -> None:
    services.change_status(user=fatou, customer=customer, status=Customer.Status.CHURNED)
    client = client_for("sales")
    url = reverse("customers:customer_status", kwargs={"code": customer.code})

    response = client.post(url, {"status": "inactive", "version": 1}, follow=True)

    assert Customer.objects.get(pk=customer.pk).status == Customer.Status.CHURNED
    assert response.redirect_chain[-1][0] == customer.get_absolute_url()
    notice = "Not saved. Fatou Jallow changed this customer meanwhile: Status is now Churned."
    assert notice in response.content.decode()
    assert client.post(url, {"status": "inactive", "version": 2}).status_code == 303
    assert Customer.objects.get(pk=customer.pk).status == Customer.Status.INACTIVE


def test_the_customer_page_posts_its_version_with_status_actions(client_for: ClientFor, customer: Customer) -> None:
    html = client_for("sales").get(customer.get_absolute_url()).content.decode()
    form = re.search(r'<form id="status-form".*?</form>', html, re.S)
    assert form and '<input type="hidden" name="version" value="1">' in form.group(0)


def test_a_stale_delete_asks_again(client_for: ClientFor, customer: Customer, fatou: Any) -> None:
    services.update_customer(user=fatou, customer=customer, city="Serrekunda")
    url = reverse("customers:customer_delete", kwargs={"code": customer.code})

    response = client_for("sales").post(url, {"version": 1})

    html = response.content.decode()
    assert response.status_code == 409
    assert "Fatou Jallow changed this customer meanwhile: City is now Serrekunda. Nothing was deleted" in html
    assert '<input type="hidden" name="version" value="2">' in html
    assert not Customer.all_objects.get(pk=customer.pk).is_deleted
    assert client_for("sales").post(url, {"version": 2}).status_code == 303
    assert Customer.all_objects.get(pk=customer.pk).is_deleted


def test_a_stale_label_edit_shows_the_change_and_re_applies(client_for: ClientFor, fatou: Any) -> None:
    label = LabelFactory(name="VIP", colour=Label.Colour.BLUE)
    services.update_label(user=fatou, label=label, name="Gold")
    url = reverse("labels:label_edit", kwargs={"pk": label.pk})
    client = client_for("sales")

    response = client.post(url, {"name": "VIP", "colour": "danger", "version": 1}, headers=MODAL)

    html = response.content.decode()
    assert response.status_code == 409
    # The kit's conflict screen: their rename stays in the form (this user did not change the name).
    assert "Fatou Jallow changed this record while you were editing it. Nothing was saved." in html
    assert '<tr data-conflict-field="name">' in html
    assert input_value(html, "version") == "2" and input_value(html, "name") == "Gold"
    response = client.post(url, {"name": "VIP", "colour": "danger", "version": 2}, headers=MODAL)
    assert response.status_code == 204
    label.refresh_from_db()
    assert (label.name, label.colour, label.version) == ("VIP", "danger", 3)


def test_a_stale_label_delete_asks_again(client_for: ClientFor, fatou: Any) -> None:
    label = LabelFactory(name="VIP")
    services.update_label(user=fatou, label=label, colour="danger")
    url = reverse("labels:label_delete", kwargs={"pk": label.pk})
    response = client_for("sales").post(url, {"version": 1}, headers=MODAL)
    assert response.status_code == 409 and "Colour is now Red" in response.content.decode()
    assert not Label.all_objects.get(pk=label.pk).is_deleted
    response = client_for("sales").post(url, {"version": 2}, headers=MODAL)
    assert response.status_code == 204
    assert json.loads(response["HX-Trigger"])["showToast"]["undo"] == {
        "url": reverse("labels:label_restore", kwargs={"pk": label.pk}),
        "label": "Undo",
    }
