"""Customer services: validation by the libraries, status rules, soft delete, labels."""

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from clientbook.customers import services
from clientbook.customers.factories import CustomerFactory, LabelFactory, OrganizationFactory
from clientbook.customers.models import Customer, Label

pytestmark = pytest.mark.django_db


def errors_of(excinfo: pytest.ExceptionInfo[ValidationError]) -> dict[str, Any]:
    return excinfo.value.message_dict


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("email", "ada@"),
        ("phone", "12"),
        ("alt_phone", "not a phone"),
        ("phone", "+1 202 555 0143 " * 12),
        ("country", "XX"),
        ("website", "htp:/nowhere"),
        ("birthday", timezone.localdate() + timedelta(days=1)),
        ("balance", Decimal("10.123")),
        ("balance", Decimal("1234567890123.00")),
        ("currency", "XYZ"),
        ("status", "asleep"),
        ("kind", "robot"),
        ("gender", "x"),
    ],
)
def test_invalid_field_is_refused_and_named(field: str, value: Any) -> None:
    with pytest.raises(ValidationError) as excinfo:
        services.create_customer(user=None, first_name="Ada", last_name="Lovelace", **{field: value})
    assert field in errors_of(excinfo)
    assert not Customer.all_objects.exists()


def test_valid_customer_is_normalised() -> None:
    customer = services.create_customer(
        user=None,
        first_name="Ada",
        last_name="Lovelace",
        email="ada@example.com",
        phone="(202) 555-0143",
        country="GB",
        website="https://example.com",
        balance=Decimal("12.50"),
    )
    customer.refresh_from_db()
    assert customer.phone.as_e164 == "+12025550143"
    assert customer.phone.as_international == "+1 202-555-0143"
    assert customer.country.name == "United Kingdom"
    assert customer.balance == Decimal("12.50")
    assert customer.version == 1


def test_person_needs_a_name_and_organization_a_company() -> None:
    with pytest.raises(ValidationError) as excinfo:
        services.create_customer(user=None, kind=Customer.Kind.PERSON)
    assert "last_name" in errors_of(excinfo)
    with pytest.raises(ValidationError) as excinfo:
        services.create_customer(user=None, kind=Customer.Kind.ORGANIZATION, first_name="Ada")
    assert "company_name" in errors_of(excinfo)


def test_only_people_belong_to_organizations() -> None:
    company = OrganizationFactory()
    person = CustomerFactory(organization=company)
    assert person.organization == company
    with pytest.raises(ValidationError) as excinfo:
        services.update_customer(user=None, customer=company, organization=person)
    assert "organization" in errors_of(excinfo)


def test_unknown_field_is_refused() -> None:
    with pytest.raises(ValidationError) as excinfo:
        services.create_customer(user=None, first_name="Ada", code="CUST9999999")
    assert "code" in errors_of(excinfo)


class TestStatusRules:
    def test_blocking_requires_a_reason(self) -> None:
        customer = CustomerFactory()
        with pytest.raises(ValidationError) as excinfo:
            services.block_customer(user=None, customer=customer, reason="  ")
        assert "block_reason" in errors_of(excinfo)
        customer.refresh_from_db()
        assert customer.status == Customer.Status.ACTIVE

    def test_unblock_returns_to_the_status_before_the_block(self) -> None:
        customer = CustomerFactory(status=Customer.Status.PROSPECT)
        customer = services.block_customer(user=None, customer=customer, reason="Chargeback")
        assert (customer.status, customer.block_reason) == ("blocked", "Chargeback")
        customer = services.unblock_customer(user=None, customer=customer)
        assert customer.status == Customer.Status.PROSPECT
        assert customer.block_reason == ""

    def test_unblocking_an_unblocked_customer_is_refused(self) -> None:
        with pytest.raises(ValidationError):
            services.unblock_customer(user=None, customer=CustomerFactory())

    def test_deactivate_and_activate(self) -> None:
        customer = services.deactivate_customer(user=None, customer=CustomerFactory())
        assert customer.status == Customer.Status.INACTIVE
        customer = services.activate_customer(user=None, customer=customer)
        assert customer.status == Customer.Status.ACTIVE
        assert customer.version == 3

    def test_unknown_status_is_refused(self) -> None:
        with pytest.raises(ValidationError):
            services.change_status(user=None, customer=CustomerFactory(), status="asleep")

    def test_created_blocked_needs_reason_and_unblocks_to_active(self) -> None:
        with pytest.raises(ValidationError):
            services.create_customer(user=None, first_name="Ada", status=Customer.Status.BLOCKED)
        customer = services.create_customer(
            user=None, first_name="Ada", status=Customer.Status.BLOCKED, block_reason="Fraud"
        )
        assert services.unblock_customer(user=None, customer=customer).status == Customer.Status.ACTIVE


def test_soft_delete_hides_but_keeps_the_record() -> None:
    customer = CustomerFactory()
    services.delete_customer(user=None, customer=customer)
    assert not Customer.objects.filter(pk=customer.pk).exists()
    kept = Customer.all_objects.get(pk=customer.pk)
    assert kept.deleted_at is not None
    assert kept.code == customer.code


def test_labels_are_assigned_and_found_by_name() -> None:
    vip = LabelFactory(name="VIP")
    customer = CustomerFactory(labels=[vip])
    assert list(customer.labels.all()) == [vip]
    assert "vip" in customer.search_document
    assert services.labels_by_name(["vip", "New one"], create_missing=True)[0] == vip
    assert Label.objects.filter(name="New one").exists()
    with pytest.raises(ValidationError) as excinfo:
        services.labels_by_name(["Unknown"], create_missing=False)
    assert "labels" in errors_of(excinfo)


def test_label_names_are_unique_case_insensitively() -> None:
    LabelFactory(name="VIP")
    with pytest.raises(ValidationError) as excinfo:
        services.create_label(user=None, name="vip")
    assert "name" in errors_of(excinfo)


def test_deleted_label_name_can_be_used_again_and_leaves_customers() -> None:
    vip = LabelFactory(name="VIP")
    customer = CustomerFactory(
        first_name="Ada", last_name="Lovelace", email="ada@example.com", city="London", labels=[vip]
    )
    services.delete_label(user=None, label=vip)
    customer.refresh_from_db()
    assert list(customer.labels.all()) == []
    assert "vip" not in customer.search_document
    assert services.create_label(user=None, name="VIP").pk != vip.pk


def test_renaming_a_label_updates_search_documents() -> None:
    label = LabelFactory(name="Gold")
    customer = CustomerFactory(
        first_name="Ada", last_name="Lovelace", email="ada@example.com", city="London", labels=[label]
    )
    services.update_label(user=None, label=label, name="Platinum")
    customer.refresh_from_db()
    assert "platinum" in customer.search_document
    assert "gold" not in customer.search_document


@pytest.mark.parametrize("role", ["support", "accounting"])
def test_read_only_roles_cannot_write(users: dict[str, Any], role: str) -> None:
    user = users[role]
    with pytest.raises(PermissionDenied):
        services.create_customer(user=user, first_name="Ada")
    customer = CustomerFactory()
    with pytest.raises(PermissionDenied):
        services.update_customer(user=user, customer=customer, first_name="Eve")
    with pytest.raises(PermissionDenied):
        services.delete_customer(user=user, customer=customer)
    with pytest.raises(PermissionDenied):
        services.create_label(user=user, name="X")


@pytest.mark.parametrize("role", ["admin", "sales"])
def test_writing_roles_can_write(users: dict[str, Any], role: str) -> None:
    customer = services.create_customer(user=users[role], first_name="Ada")
    services.update_customer(user=users[role], customer=customer, first_name="Eve")
    services.delete_customer(user=users[role], customer=customer)


def test_a_person_of_a_deleted_organization_can_still_be_edited_and_keeps_the_link() -> None:
    company = OrganizationFactory()
    person = CustomerFactory(organization=company)
    services.delete_customer(user=None, customer=company)
    person = services.update_customer(user=None, customer=person, city="Lagos")
    assert Customer.objects.get(pk=person.pk).organization_id == company.pk
