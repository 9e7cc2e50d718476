"""The Trash page: deleted customers and labels with who deleted them, Restore, Purge for admins."""

import json
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import reverse

from clientbook.core.models import AuditEvent
from clientbook.core.records import audit
from clientbook.customers import services
from clientbook.customers.factories import CustomerFactory, LabelFactory
from clientbook.customers.models import Customer, Label

pytestmark = pytest.mark.django_db

ClientFor = Callable[[str | None], Client]
TRASH = "/trash/"
MODAL = {"HX-Request": "true", "HX-Target": "modal-content"}


@pytest.fixture
def deleted(users: dict[str, Any], make_user: Callable[..., Any]) -> Customer:
    deleter = make_user("sales", username="fatou", first_name="Fatou", last_name="Jallow")
    customer = CustomerFactory(first_name="Binta", last_name="Singhateh")
    services.delete_customer(user=deleter, customer=customer)
    return customer


def restore_url(obj: Any, key: str = "customers.customer") -> str:
    return reverse("trash:restore", kwargs={"key": key, "pk": obj.pk})


def purge_url(obj: Any, key: str = "customers.customer") -> str:
    return reverse("trash:purge", kwargs={"key": key, "pk": obj.pk})


def rows(html: str) -> list[str]:
    return re.findall(r'<tr data-trash-item="([^"]+)">', html)


def test_sales_see_deleted_customers_with_who_and_when(client_for: ClientFor, deleted: Customer) -> None:
    CustomerFactory(first_name="Still", last_name="Here")
    html = client_for("sales").get(TRASH).content.decode()
    assert rows(html) == [deleted.code]
    assert "Binta Singhateh" in html and "Fatou Jallow" in html and "Still" not in html
    assert restore_url(deleted) in html
    assert purge_url(deleted) not in html and 'data-testid="trash-history"' not in html
    counts = re.findall(r'data-testid="trash-count">(\d+)<', html)
    assert counts[0] == "1" and set(counts[1:]) == {"0"}  # Customers, then every other model's tab


def test_admins_also_see_purge_and_the_history(client_for: ClientFor, deleted: Customer) -> None:
    html = client_for("admin").get(TRASH).content.decode()
    assert purge_url(deleted) in html
    assert reverse("customers:customer_history", kwargs={"code": deleted.code}) in html


def test_the_labels_tab(client_for: ClientFor, users: dict[str, Any]) -> None:
    gone = LabelFactory(name="Old VIP")
    LabelFactory(name="Live")
    services.delete_label(user=users["admin"], label=gone)
    html = client_for("sales").get(TRASH, {"type": "customers.label"}).content.decode()
    assert rows(html) == ["Old VIP"] and "admin-user" in html
    assert restore_url(gone, "customers.label") in html


def test_empty_trash(client_for: ClientFor) -> None:
    html = client_for("sales").get(TRASH).content.decode()
    assert 'data-testid="empty-state"' in html and "No deleted customers." in html


@pytest.mark.parametrize("query", [{"type": "auth.user"}, {"type": "nothing"}])
def test_a_model_outside_the_trash_is_404(client_for: ClientFor, query: dict[str, str]) -> None:
    assert client_for("admin").get(TRASH, query).status_code == 404


def test_pages_of_deleted_rows(client_for: ClientFor) -> None:
    for customer in CustomerFactory.create_batch(27):
        services.delete_customer(user=None, customer=customer)
    client = client_for("sales")
    first = client.get(TRASH).content.decode()
    second = client.get(TRASH, {"type": "customers.customer", "page": "2"}).content.decode()
    assert len(rows(first)) == 25 and len(rows(second)) == 2 and not set(rows(first)) & set(rows(second))
    assert "1–25 of 27" in first
    assert client.get(TRASH, {"page": "banana"}).status_code == 200


def test_readers_may_not_open_the_trash(client_for: ClientFor, deleted: Customer) -> None:
    client = client_for("accounting")
    assert client.get(TRASH).status_code == 403
    assert client.post(restore_url(deleted)).status_code == 403
    assert Customer.all_objects.get(pk=deleted.pk).is_deleted


def test_support_sees_the_trash_of_tickets_only(client_for: ClientFor, deleted: Customer) -> None:
    """Support restores the tickets it deletes; the customers' trash stays closed to it."""
    client = client_for("support")
    page = client.get(TRASH)
    assert page.status_code == 200
    assert "Binta Singhateh" not in page.content.decode()
    assert client.post(restore_url(deleted)).status_code == 403
    assert Customer.all_objects.get(pk=deleted.pk).is_deleted


def test_anonymous_visitors_go_to_the_login(client_for: ClientFor, deleted: Customer) -> None:
    response = client_for(None).get(TRASH)
    assert response.status_code == 302 and urlsplit(response["Location"]).path == reverse("accounts:login")
    response = client_for(None).post(restore_url(deleted), headers={"HX-Request": "true"})
    assert urlsplit(response["HX-Redirect"]).path == reverse("accounts:login")


def test_sidebar_shows_the_trash_to_those_who_may_restore(client_for: ClientFor) -> None:
    for role, shown in (("admin", True), ("sales", True), ("support", True), ("accounting", False)):
        html = client_for(role).get("/customers/").content.decode()
        assert ('data-testid="nav-trash"' in html) is shown, role


def test_restore_from_the_trash(client_for: ClientFor, users: dict[str, Any], deleted: Customer) -> None:
    response = client_for("sales").post(restore_url(deleted), follow=True)
    assert response.redirect_chain == [(f"{TRASH}?type=customers.customer", 303)]
    assert "Customer “Binta Singhateh” restored." in response.content.decode()
    assert Customer.objects.filter(pk=deleted.pk).exists()
    event = audit.events_for(deleted).first()
    assert event.action == AuditEvent.Action.RESTORE and event.actor == users["sales"]


def test_restore_with_htmx_refreshes_the_trash(client_for: ClientFor, deleted: Customer) -> None:
    response = client_for("sales").post(restore_url(deleted), headers={"HX-Request": "true"})
    triggers = json.loads(response["HX-Trigger"])
    assert response.status_code == 204 and triggers["refreshList"] is True
    assert triggers["showToast"]["message"] == "Customer “Binta Singhateh” restored."


def test_a_refused_restore_explains_why(client_for: ClientFor, users: dict[str, Any]) -> None:
    old = LabelFactory(name="VIP")
    services.delete_label(user=None, label=old)
    LabelFactory(name="VIP")
    response = client_for("sales").post(restore_url(old, "customers.label"), follow=True)
    html = response.content.decode()
    assert "Label “VIP” was not restored: Another label is now called “VIP”." in html
    assert Label.all_objects.get(pk=old.pk).is_deleted


def test_live_records_are_not_in_the_trash(client_for: ClientFor) -> None:
    live = CustomerFactory()
    client = client_for("admin")
    assert client.post(restore_url(live)).status_code == 404
    assert client.get(purge_url(live)).status_code == 404
    assert client.post(purge_url(live)).status_code == 404
    assert Customer.objects.filter(pk=live.pk).exists()


def test_purge_asks_for_confirmation(client_for: ClientFor, deleted: Customer) -> None:
    client = client_for("admin")
    page = client.get(purge_url(deleted)).content.decode()
    modal = client.get(purge_url(deleted), headers=MODAL).content.decode()
    assert "<html" in page and "cannot be undone" in page and 'data-testid="confirm-purge"' in page
    assert f"the code {deleted.code} is never given to anyone else" in page
    assert "<html" not in modal and f'hx-post="{purge_url(deleted)}"' in modal
    assert Customer.all_objects.filter(pk=deleted.pk).exists()


def test_purge_by_an_admin(client_for: ClientFor, users: dict[str, Any], deleted: Customer) -> None:
    response = client_for("admin").post(purge_url(deleted), headers=MODAL)
    triggers = json.loads(response["HX-Trigger"])
    assert response.status_code == 204 and triggers["closeModal"] and triggers["refreshList"]
    assert triggers["showToast"]["message"] == "Customer “Binta Singhateh” purged for good."
    assert not Customer.all_objects.filter(pk=deleted.pk).exists()
    event = audit.events_for(deleted).first()
    assert event.action == AuditEvent.Action.PURGE and event.actor == users["admin"]


def test_sales_may_not_purge(client_for: ClientFor, deleted: Customer) -> None:
    client = client_for("sales")
    assert client.get(purge_url(deleted)).status_code == 403
    assert client.post(purge_url(deleted)).status_code == 403
    assert Customer.all_objects.filter(pk=deleted.pk).exists()
