"""Soft delete, restore and purge of customers and labels through the services (core.trash underneath)."""

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from clientbook.contacts.factories import ContactFactory
from clientbook.contacts.models import Contact
from clientbook.core.kit import writes
from clientbook.core.models import AuditEvent
from clientbook.core.records import audit, trash
from clientbook.customers import selectors, services
from clientbook.customers.factories import CustomerFactory, LabelFactory, OrganizationFactory
from clientbook.customers.models import Customer, Label

pytestmark = pytest.mark.django_db


def found_by_search(user: Any, query: str) -> list[str]:
    return [customer.code for customer in selectors.search_customers(selectors.customer_queryset(user), query)]


def actions_of(obj: Any) -> list[str]:
    return list(audit.events_for(obj).order_by("at", "id").values_list("action", flat=True))


@pytest.fixture
def linked(make_user: Callable[..., Any]) -> dict[str, Any]:
    """A person with labels, an officer and an organization that has another person too."""
    officer = make_user("sales", username="olivia", first_name="Olivia", last_name="Officer")
    vip, gold = LabelFactory(name="VIP"), LabelFactory(name="Gold")
    organization = OrganizationFactory(company_name="Globex Corporation")
    person = CustomerFactory(
        first_name="Binta", last_name="Zebulon", organization=organization, officer=officer, labels=[vip, gold]
    )
    colleague = CustomerFactory(first_name="Awa", last_name="Colleague", organization=organization)
    return {
        "officer": officer,
        "labels": [gold, vip],
        "organization": organization,
        "person": person,
        "colleague": colleague,
    }


def test_restore_brings_a_person_back_with_every_link(users: dict[str, Any], linked: dict[str, Any]) -> None:
    person, sales = linked["person"], users["sales"]
    services.delete_customer(user=sales, customer=person)
    assert not Customer.objects.filter(pk=person.pk).exists()
    assert found_by_search(sales, "zebulon") == []

    restored = services.restore_customer(user=sales, customer=person)

    stored = Customer.objects.get(pk=person.pk)
    assert stored.deleted_at is None and stored.code == person.code
    assert list(stored.labels.order_by("name")) == linked["labels"]
    assert stored.officer == linked["officer"] and stored.organization == linked["organization"]
    assert stored.version == restored.version == person.version + 2
    assert found_by_search(sales, "zebulon") == [person.code]  # back in the FTS5 / trigram index
    assert actions_of(person)[-2:] == [AuditEvent.Action.DELETE, AuditEvent.Action.RESTORE]
    restore_event = audit.events_for(person).first()
    assert restore_event.actor == sales and restore_event.state["labels"] == ["Gold", "VIP"]


def test_restoring_an_organization_brings_back_its_people(users: dict[str, Any], linked: dict[str, Any]) -> None:
    organization = linked["organization"]
    services.delete_customer(user=users["admin"], customer=organization)
    assert Customer.objects.get(pk=linked["person"].pk).organization_id == organization.pk  # the link is kept
    assert Customer.objects.filter(organization=organization).count() == 2

    services.restore_customer(user=users["admin"], customer=organization)

    restored = Customer.objects.get(pk=organization.pk)
    assert set(restored.members.values_list("code", flat=True)) == {linked["person"].code, linked["colleague"].code}
    assert organization.code in found_by_search(users["admin"], "globex")


def test_restore_of_a_live_customer_is_refused(users: dict[str, Any]) -> None:
    customer = CustomerFactory()
    with pytest.raises(ValidationError, match="is not deleted"):
        services.restore_customer(user=users["sales"], customer=customer)


def test_deleting_twice_is_refused_and_writes_one_event(users: dict[str, Any]) -> None:
    customer = CustomerFactory()
    services.delete_customer(user=users["sales"], customer=customer)
    with pytest.raises(ValidationError, match="already deleted"):
        services.delete_customer(user=users["sales"], customer=customer)
    assert actions_of(customer).count(AuditEvent.Action.DELETE) == 1


@pytest.mark.parametrize("role", ["support", "accounting"])
def test_readers_may_not_restore(users: dict[str, Any], role: str) -> None:
    customer = CustomerFactory()
    services.delete_customer(user=None, customer=customer)
    with pytest.raises(PermissionDenied):
        services.restore_customer(user=users[role], customer=customer)
    assert Customer.all_objects.get(pk=customer.pk).is_deleted


def test_purge_is_for_administrators_and_audited(users: dict[str, Any], linked: dict[str, Any]) -> None:
    person = linked["person"]
    services.delete_customer(user=users["sales"], customer=person)
    with pytest.raises(PermissionDenied, match="Only administrators"):
        services.purge_customer(user=users["sales"], customer=person)
    assert Customer.all_objects.filter(pk=person.pk).exists()

    services.purge_customer(user=users["admin"], customer=person)

    assert not Customer.all_objects.filter(pk=person.pk).exists()
    assert Label.objects.filter(name="VIP").exists()  # only the links went
    events = actions_of(person)
    assert events[0] == AuditEvent.Action.CREATE and events[-1] == AuditEvent.Action.PURGE
    purge_event = audit.events_for(person).first()
    assert purge_event.actor == users["admin"] and purge_event.object_code == person.code
    assert purge_event.extra["deleted_at"]


def test_a_purged_code_is_never_reused(users: dict[str, Any]) -> None:
    first = CustomerFactory()
    services.purge_customer(user=users["admin"], customer=first)
    second = CustomerFactory()
    assert second.code != first.code and second.code > first.code


def test_purging_an_organization_unlinks_its_people_with_an_audited_update(
    users: dict[str, Any], linked: dict[str, Any]
) -> None:
    organization, person = linked["organization"], linked["person"]
    services.delete_customer(user=users["admin"], customer=organization)
    services.purge_customer(user=users["admin"], customer=organization)
    person.refresh_from_db()
    assert person.organization_id is None and person.version == 2
    update = audit.events_for(person).first()
    assert update.action == AuditEvent.Action.UPDATE
    assert update.changes == {"organization": {"before": organization.code, "after": None}}


def test_purging_an_organization_purges_its_contacts_each_audited(users: dict[str, Any]) -> None:
    organization = OrganizationFactory(company_name="Initech")
    buyer, former = ContactFactory(organization=organization), ContactFactory(organization=organization)
    writes.delete(former, user=users["admin"])

    services.purge_customer(user=users["admin"], customer=organization)

    assert not Contact.all_objects.filter(pk__in=[buyer.pk, former.pk]).exists()
    assert actions_of(buyer)[-1] == actions_of(former)[-1] == AuditEvent.Action.PURGE
    assert actions_of(organization)[-1] == AuditEvent.Action.PURGE


def test_purging_an_organization_is_refused_whole_for_a_non_administrator(users: dict[str, Any]) -> None:
    organization = OrganizationFactory()
    contact = ContactFactory(organization=organization)
    with pytest.raises(PermissionDenied):
        services.purge_customer(user=users["sales"], customer=organization)
    assert Contact.objects.filter(pk=contact.pk).exists() and actions_of(contact) == [AuditEvent.Action.CREATE]


def test_label_delete_and_restore_round_trip(users: dict[str, Any], linked: dict[str, Any]) -> None:
    vip = Label.objects.get(name="VIP")
    person = linked["person"]
    services.delete_label(user=users["sales"], label=vip)
    assert "vip" not in Customer.objects.get(pk=person.pk).search_document
    assert [label.name for label in Customer.objects.get(pk=person.pk).labels.all()] == ["Gold"]

    services.restore_label(user=users["sales"], label=vip)

    stored = Customer.objects.get(pk=person.pk)
    assert [label.name for label in stored.labels.order_by("name")] == ["Gold", "VIP"]
    assert "vip" in stored.search_document
    assert actions_of(vip)[-1] == AuditEvent.Action.RESTORE


def test_label_restore_is_refused_while_its_name_is_taken(users: dict[str, Any]) -> None:
    old = LabelFactory(name="VIP")
    services.delete_label(user=users["sales"], label=old)
    LabelFactory(name="vip")
    with pytest.raises(ValidationError) as excinfo:
        services.restore_label(user=users["sales"], label=old)
    assert "Another label is now called “vip”" in excinfo.value.message_dict["name"][0]
    assert Label.all_objects.get(pk=old.pk).is_deleted
    assert actions_of(old)[-1] == AuditEvent.Action.DELETE


def test_label_purge(users: dict[str, Any], linked: dict[str, Any]) -> None:
    vip = Label.objects.get(name="VIP")
    with pytest.raises(PermissionDenied):
        services.purge_label(user=users["sales"], label=vip)
    services.purge_label(user=users["admin"], label=vip)
    assert not Label.all_objects.filter(pk=vip.pk).exists()
    stored = Customer.objects.get(pk=linked["person"].pk)
    assert "vip" not in stored.search_document and [label.name for label in stored.labels.all()] == ["Gold"]
    assert actions_of(vip)[-1] == AuditEvent.Action.PURGE


def test_trash_lists_deleted_rows_with_who_deleted_them(users: dict[str, Any]) -> None:
    kept, gone = CustomerFactory(), CustomerFactory(first_name="Gone")
    services.delete_customer(user=users["sales"], customer=gone)
    spec = trash.spec_for_key("customers.customer")
    assert spec is not None
    [item] = trash.items(spec, trash.deleted_rows(spec, users["admin"]))
    assert item.obj == gone and item.code == gone.code and item.deleted_by == "sales-user"
    assert kept not in trash.deleted_rows(spec, users["admin"])
    assert not trash.deleted_rows(spec, users["support"]).exists()
    # The customers' own models first, then those of the apps built on them.
    assert [spec.key for spec in trash.specs_for(users["sales"])][:3] == [
        "customers.customer",
        "customers.label",
        "contacts.contact",
    ]
    assert trash.specs_for(users["accounting"]) == []


def test_adjust_balance_adds_and_audits(users: dict[str, Any]) -> None:
    customer = CustomerFactory(balance=Decimal("100.00"))
    services.adjust_balance(user=users["sales"], customer=customer, amount=Decimal("-12.50"))
    customer.refresh_from_db()
    assert customer.balance == Decimal("87.50") and customer.version == 2
    assert audit.events_for(customer).first().changes == {"balance": {"before": "100.00", "after": "87.50"}}


@pytest.mark.parametrize(
    ("amount", "message"),
    [("1.234", "at most 2 decimal places"), ("0", "must not be zero"), ("abc", "Enter an amount")],
)
def test_adjust_balance_refuses_bad_amounts(users: dict[str, Any], amount: str, message: str) -> None:
    customer = CustomerFactory()
    with pytest.raises(ValidationError, match=message):
        services.adjust_balance(user=users["sales"], customer=customer, amount=amount)  # type: ignore[arg-type]


def test_adjust_balance_refuses_an_overflow(users: dict[str, Any]) -> None:
    customer = CustomerFactory(balance=Decimal("999999999999.00"))
    with pytest.raises(ValidationError) as excinfo:
        services.adjust_balance(user=users["sales"], customer=customer, amount=Decimal("1.00"))
    assert "balance" in excinfo.value.message_dict
    customer.refresh_from_db()
    assert customer.balance == Decimal("999999999999.00") and customer.version == 1
