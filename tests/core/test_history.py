"""Time travel: a record as of any event, readable history, and reverting one field or the whole record."""

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from clientbook.accounts import services as account_services
from clientbook.core.models import AuditEvent
from clientbook.core.records import audit, history
from clientbook.customers import services
from clientbook.customers.factories import CustomerFactory, LabelFactory, OrganizationFactory
from clientbook.customers.models import Customer

pytestmark = pytest.mark.django_db

ClientFor = Callable[[str | None], Client]


def latest_event(customer: Customer) -> AuditEvent:
    event = audit.events_for(customer).first()
    assert event is not None
    return event


def revert_count() -> int:
    return AuditEvent.objects.filter(action=AuditEvent.Action.REVERT).count()


# --- As of ----------------------------------------------------------------------------------------


def test_state_as_of_each_moment(users: dict[str, Any]) -> None:
    customer = CustomerFactory(first_name="Ada", city="London")
    created = latest_event(customer)
    services.update_customer(user=users["sales"], customer=customer, city="Paris")
    moved = latest_event(customer)

    assert audit.state_as_of(customer, created.at)["city"] == "London"  # type: ignore[index]
    assert audit.state_as_of(customer, moved.at)["city"] == "Paris"  # type: ignore[index]
    assert audit.state_as_of(customer, created.at - timedelta(seconds=1)) is None


def test_compare_marks_the_fields_that_differ_in_readable_form(users: dict[str, Any]) -> None:
    vip = LabelFactory(name="VIP")
    officer = users["sales"]
    officer.first_name, officer.last_name = "Sally", "Seller"
    officer.save()
    customer = CustomerFactory(city="London", labels=[vip], officer=officer, gender="")
    first = latest_event(customer)
    customer = services.update_customer(user=officer, customer=customer, city="Paris", labels=[], gender="female")

    rows = {
        row.name: row
        for row in history.compare(
            audit.spec_for(Customer),
            history.recorded_state(first),
            audit.snapshot(customer),
            history.ValueFormatter(Customer),
        )
    }
    assert (rows["city"].then, rows["city"].now, rows["city"].differs) == ("London", "Paris", True)
    assert (rows["labels"].then, rows["labels"].now) == ("VIP", "—")
    assert (rows["gender"].then, rows["gender"].now) == ("—", "Female")
    assert rows["officer"].then == "Sally Seller" and not rows["officer"].differs
    assert rows["country"].then == "United States of America"
    assert not rows["code"].revertable and not rows["status_before_block"].revertable
    assert {name for name, row in rows.items() if row.differs} == {"city", "labels", "gender"}


def test_history_changes_read_as_names_labels_and_choices(users: dict[str, Any]) -> None:
    users["admin"].first_name, users["admin"].last_name = "Ann", "Admin"
    users["admin"].save()
    customer = CustomerFactory(marital_status="")
    services.update_customer(
        user=users["sales"],
        customer=customer,
        officer=users["admin"],
        marital_status="married",
        labels=[LabelFactory(name="Gold")],
    )
    changes = {
        change.name: change
        for change in history.describe_changes(latest_event(customer), history.ValueFormatter(Customer))
    }
    assert (changes["officer"].label, changes["officer"].before, changes["officer"].after) == (
        "Relationship officer",
        "—",
        "Ann Admin",
    )
    assert (changes["marital_status"].label, changes["marital_status"].after) == ("Marital status", "Married")
    assert changes["labels"].after == "Gold"


# --- Revert ---------------------------------------------------------------------------------------


def test_revert_one_field_leaves_the_others(users: dict[str, Any]) -> None:
    customer = CustomerFactory(city="London", industry="Mining")
    first = latest_event(customer)
    services.update_customer(user=users["sales"], customer=customer, city="Paris", industry="Banking")

    reverted = services.revert_customer(user=users["admin"], customer=customer, event=first, fields=["city"])

    assert (reverted.city, reverted.industry) == ("London", "Banking")
    customer.refresh_from_db()
    assert customer.city == "London"


def test_revert_whole_record_restores_relations(users: dict[str, Any]) -> None:
    vip, gold = LabelFactory(name="VIP"), LabelFactory(name="Gold")
    acme = OrganizationFactory(company_name="Acme")
    customer = CustomerFactory(city="London", labels=[vip], officer=users["sales"], organization=acme)
    first = latest_event(customer)
    services.update_customer(
        user=users["sales"], customer=customer, city="Paris", labels=[gold], officer=users["admin"], organization=None
    )

    services.revert_customer(user=users["admin"], customer=customer, event=first, fields=None)

    customer.refresh_from_db()
    assert customer.city == "London"
    assert [label.name for label in customer.labels.all()] == ["VIP"]
    assert customer.officer == users["sales"]
    assert customer.organization == acme
    assert "vip" in customer.search_document  # the search document follows the revert


def test_revert_is_audited_as_revert_with_before_and_after(users: dict[str, Any]) -> None:
    customer = CustomerFactory(city="London")
    first = latest_event(customer)
    services.update_customer(user=users["sales"], customer=customer, city="Paris")

    services.revert_customer(user=users["admin"], customer=customer, event=first, fields=["city"])

    event = latest_event(customer)
    assert event.action == AuditEvent.Action.REVERT
    assert event.actor == users["admin"]
    assert event.changes == {"city": {"before": "Paris", "after": "London"}}
    assert event.state is not None and event.state["city"] == "London"


def test_reverting_the_status_brings_back_its_block_reason(users: dict[str, Any]) -> None:
    customer = CustomerFactory()
    customer = services.block_customer(user=users["sales"], customer=customer, reason="Fraud check")
    blocked = latest_event(customer)
    services.unblock_customer(user=users["sales"], customer=customer)

    services.revert_customer(user=users["admin"], customer=customer, event=blocked, fields=["status"])

    customer.refresh_from_db()
    assert (customer.status, customer.block_reason) == ("blocked", "Fraud check")


def test_revert_refused_when_a_recorded_value_breaks_a_rule_now(users: dict[str, Any]) -> None:
    customer = CustomerFactory(email="ada@example.com")
    # An event recorded before today's email rule existed (an address the old rules let in).
    with_old_email = audit.record(
        AuditEvent.Action.UPDATE,
        customer,
        changes={"email": {"before": "ada@example.com", "after": "ada at example"}},
        state={**audit.snapshot(customer), "email": "ada at example"},
    )
    before = revert_count()

    with pytest.raises(ValidationError) as refused:
        services.revert_customer(user=users["admin"], customer=customer, event=with_old_email, fields=["email"])

    assert set(refused.value.message_dict) == {"email"}
    customer.refresh_from_db()
    assert customer.email == "ada@example.com"
    assert revert_count() == before


def test_revert_refused_when_the_officer_was_deactivated(users: dict[str, Any]) -> None:
    customer = CustomerFactory(officer=users["sales"])
    first = latest_event(customer)
    services.update_customer(user=users["admin"], customer=customer, officer=users["admin"])
    account_services.deactivate_user(actor=users["admin"], user=users["sales"])

    with pytest.raises(ValidationError) as refused:
        services.revert_customer(user=users["admin"], customer=customer, event=first, fields=None)

    assert refused.value.message_dict == {"officer": [f"User “{users['sales'].username}” is deactivated."]}
    customer.refresh_from_db()
    assert customer.officer == users["admin"]


def test_revert_refused_when_a_label_or_organization_was_deleted(users: dict[str, Any]) -> None:
    vip = LabelFactory(name="VIP")
    acme = OrganizationFactory(company_name="Acme")
    customer = CustomerFactory(labels=[vip], organization=acme)
    first = latest_event(customer)
    services.update_customer(user=users["sales"], customer=customer, labels=[], organization=None)
    services.delete_label(user=users["sales"], label=vip)
    services.delete_customer(user=users["sales"], customer=acme)

    with pytest.raises(ValidationError) as refused:
        services.revert_customer(user=users["admin"], customer=customer, event=first, fields=None)

    assert refused.value.message_dict == {
        "labels": ["Label “VIP” no longer exists."],
        "organization": [f"Customer “{acme.code}” no longer exists."],
    }


def test_revert_refuses_unchanged_unknown_and_foreign_fields(users: dict[str, Any]) -> None:
    customer, other = CustomerFactory(city="London"), CustomerFactory()
    first = latest_event(customer)
    with pytest.raises(ValidationError) as nothing:
        services.revert_customer(user=users["admin"], customer=customer, event=first, fields=None)
    assert "nothing to revert" in nothing.value.messages[0]
    with pytest.raises(ValidationError) as bad_fields:
        services.revert_customer(user=users["admin"], customer=customer, event=first, fields=["city", "code", "nope"])
    assert set(bad_fields.value.message_dict) == {"city", "code", "nope"}
    with pytest.raises(ValidationError):
        services.revert_customer(user=users["admin"], customer=customer, event=latest_event(other), fields=None)


@pytest.mark.parametrize("role", ["sales", "support"])
def test_only_admins_may_revert(users: dict[str, Any], role: str) -> None:
    customer = CustomerFactory(city="London")
    first = latest_event(customer)
    services.update_customer(user=users["sales"], customer=customer, city="Paris")
    with pytest.raises(PermissionDenied):
        services.revert_customer(user=users[role], customer=customer, event=first, fields=["city"])


# --- Pages ----------------------------------------------------------------------------------------


def history_url(customer: Customer) -> str:
    return reverse("customers:customer_history", kwargs={"code": customer.code})


def as_of_url(event: AuditEvent) -> str:
    return reverse("customers:customer_as_of", kwargs={"code": event.object_code, "event_id": event.pk})


def revert_url(event: AuditEvent) -> str:
    return reverse("customers:customer_revert", kwargs={"code": event.object_code, "event_id": event.pk})


def test_history_page_lists_changes_newest_first(client_for: ClientFor, users: dict[str, Any]) -> None:
    customer = CustomerFactory(city="London")
    services.update_customer(user=users["sales"], customer=customer, city="Paris")
    services.change_status(user=users["sales"], customer=customer, status="inactive")

    response = client_for("support").get(history_url(customer))

    assert response.status_code == 200
    html = response.content.decode()
    assert (
        html.index('data-action="status_change"')
        < html.index('data-action="update"')
        < html.index('data-action="create"')
    )
    assert "<html" in html  # a whole page without JavaScript
    assert "London" in html and "Paris" in html and users["sales"].username in html


def test_history_tab_and_older_pages(client_for: ClientFor, users: dict[str, Any]) -> None:
    customer = CustomerFactory(city="City 0")
    for number in range(1, 25):
        services.update_customer(user=users["sales"], customer=customer, city=f"City {number}")
    client = client_for("sales")

    # The tab is the customer's page with its history open; htmx picks the panel from it.
    panel = client.get(history_url(customer), headers={"HX-Request": "true"}).content.decode()
    assert 'id="record-tab"' in panel and 'data-testid="history"' in panel
    assert panel.count('data-testid="history-entry"') == 20
    assert "City 24" in panel and "?page=2" in panel

    older = client.get(history_url(customer) + "?page=2", headers={"HX-Request": "true"}).content.decode()
    assert 'data-testid="history"' not in older
    assert older.count('data-testid="history-entry"') == 5
    assert 'data-action="create"' in older


def test_history_of_a_deleted_customer_is_for_admins(client_for: ClientFor, users: dict[str, Any]) -> None:
    customer = CustomerFactory()
    services.delete_customer(user=users["sales"], customer=customer)

    assert client_for("sales").get(history_url(customer)).status_code == 404
    response = client_for("admin").get(history_url(customer))
    assert response.status_code == 200
    assert 'data-testid="history-deleted"' in response.content.decode()
    delete_event = latest_event(customer)
    assert client_for("admin").get(as_of_url(delete_event)).status_code == 200


def test_as_of_page_shows_then_and_now(client_for: ClientFor, users: dict[str, Any]) -> None:
    customer = CustomerFactory(city="London")
    first = latest_event(customer)
    services.update_customer(user=users["sales"], customer=customer, city="Paris")

    html = client_for("support").get(as_of_url(first)).content.decode()

    assert 'data-field="city" class="table-warning" data-differs' in html
    assert "London" in html and "Paris" in html
    assert 'data-testid="revert-field"' not in html  # only admins may revert
    admin_html = client_for("admin").get(as_of_url(first)).content.decode()
    assert 'data-testid="revert-field"' in admin_html and 'data-testid="revert-all"' in admin_html


def test_as_of_an_event_of_another_customer_is_not_found(client_for: ClientFor) -> None:
    customer, other = CustomerFactory(), CustomerFactory()
    url = reverse("customers:customer_as_of", kwargs={"code": customer.code, "event_id": latest_event(other).pk})
    assert client_for("admin").get(url).status_code == 404


def test_revert_one_field_from_the_page(client_for: ClientFor, users: dict[str, Any]) -> None:
    customer = CustomerFactory(city="London", industry="Mining")
    first = latest_event(customer)
    services.update_customer(user=users["sales"], customer=customer, city="Paris", industry="Banking")

    response = client_for("admin").post(revert_url(first), {"field": "city"})

    assert response.status_code == 303 and response["Location"] == customer.get_absolute_url()
    customer.refresh_from_db()
    assert (customer.city, customer.industry) == ("London", "Banking")


def test_revert_all_from_the_page(client_for: ClientFor, users: dict[str, Any]) -> None:
    customer = CustomerFactory(city="London", industry="Mining")
    first = latest_event(customer)
    services.update_customer(user=users["sales"], customer=customer, city="Paris", industry="Banking")

    assert client_for("admin").post(revert_url(first), {"all": "1"}).status_code == 303
    customer.refresh_from_db()
    assert (customer.city, customer.industry) == ("London", "Mining")


def test_a_refused_revert_names_the_field_on_the_page(client_for: ClientFor, users: dict[str, Any]) -> None:
    customer = CustomerFactory(officer=users["sales"])
    first = latest_event(customer)
    services.update_customer(user=users["admin"], customer=customer, officer=users["admin"])
    account_services.deactivate_user(actor=users["admin"], user=users["sales"])

    response = client_for("admin").post(revert_url(first), {"field": "officer"})

    assert response.status_code == 422
    html = response.content.decode()
    assert "Relationship officer: User “sales-user” is deactivated." in html


def test_revert_needs_a_choice(client_for: ClientFor, users: dict[str, Any]) -> None:
    customer = CustomerFactory(city="London")
    first = latest_event(customer)
    services.update_customer(user=users["sales"], customer=customer, city="Paris")
    response = client_for("admin").post(revert_url(first), {})
    assert response.status_code == 422
    customer.refresh_from_db()
    assert customer.city == "Paris"


@pytest.mark.parametrize("role", ["sales", "support"])
def test_revert_page_refuses_non_admins(client_for: ClientFor, users: dict[str, Any], role: str) -> None:
    customer = CustomerFactory(city="London")
    first = latest_event(customer)
    services.update_customer(user=users["sales"], customer=customer, city="Paris")
    assert client_for(role).post(revert_url(first), {"field": "city"}).status_code == 403
    customer.refresh_from_db()
    assert customer.city == "Paris"


def test_history_pages_find_a_code_typed_in_lower_case(client_for: ClientFor, users: dict[str, Any]) -> None:
    customer = CustomerFactory(city="London")
    first = latest_event(customer)
    services.update_customer(user=users["sales"], customer=customer, city="Paris")
    code = f" {customer.code.lower()} "
    client = client_for("admin")

    assert client.get(reverse("customers:customer_history", kwargs={"code": code})).status_code == 200
    assert (
        client.get(reverse("customers:customer_as_of", kwargs={"code": code, "event_id": first.pk})).status_code == 200
    )
    response = client.post(
        reverse("customers:customer_revert", kwargs={"code": code, "event_id": first.pk}), {"field": "city"}
    )

    assert response.status_code == 303 and response["Location"] == customer.get_absolute_url()
    [message] = [str(message) for message in get_messages(response.wsgi_request)]
    assert message.startswith(f"Reverted city of {customer.code} to the state of ")
