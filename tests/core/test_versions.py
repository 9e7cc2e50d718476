"""Versions against lost updates: a write based on an old version is refused under the row lock."""

from typing import Any

import pytest

from clientbook.core.models import AuditEvent
from clientbook.core.records import audit, versions
from clientbook.core.records.versions import StaleVersion
from clientbook.customers import services
from clientbook.customers.factories import CustomerFactory, LabelFactory
from clientbook.customers.models import Customer, Label

pytestmark = pytest.mark.django_db


def test_every_event_of_a_versioned_record_keeps_its_version(users: dict[str, Any]) -> None:
    customer = CustomerFactory()
    services.update_customer(user=users["sales"], customer=customer, city="Banjul")
    services.delete_customer(user=users["sales"], customer=customer)
    services.restore_customer(user=users["sales"], customer=customer)
    recorded = list(audit.events_for(customer).order_by("at", "id").values_list("action", "extra__version"))
    assert recorded == [
        (AuditEvent.Action.CREATE, 1),
        (AuditEvent.Action.UPDATE, 2),
        (AuditEvent.Action.DELETE, 3),
        (AuditEvent.Action.RESTORE, 4),
    ]


def test_update_at_the_current_version_succeeds(users: dict[str, Any]) -> None:
    customer = CustomerFactory()
    updated = services.update_customer(user=users["sales"], customer=customer, city="Mine", expected_version=1)
    assert updated.version == 2 and updated.city == "Mine"


def test_stale_update_is_refused_with_the_fields_changed_since(users: dict[str, Any], make_user: Any) -> None:
    customer = CustomerFactory(city="Banjul", email="before@example.com")
    other = make_user("sales", username="fatou")
    services.update_customer(user=other, customer=customer, city="Serrekunda")
    services.update_customer(user=other, customer=customer, email="after@example.com")

    with pytest.raises(StaleVersion) as excinfo:
        services.update_customer(user=users["sales"], customer=customer, city="Mine", expected_version=1)

    stale = excinfo.value
    assert stale.current_version == 3 and stale.expected_version == 1
    assert stale.changed_fields == {
        "city": {"before": "Banjul", "after": "Serrekunda"},
        "email": {"before": "before@example.com", "after": "after@example.com"},
    }
    assert stale.base_state is not None and stale.base_state["city"] == "Banjul"
    assert stale.actors == ["fatou"]
    stored = Customer.objects.get(pk=customer.pk)
    assert stored.city == "Serrekunda" and stored.version == 3
    assert audit.events_for(customer).count() == 3  # the refused write left no event


def test_a_change_that_was_undone_meanwhile_is_not_reported(users: dict[str, Any]) -> None:
    customer = CustomerFactory(city="Banjul")
    services.update_customer(user=None, customer=customer, city="Elsewhere")
    services.update_customer(user=None, customer=customer, city="Banjul")
    with pytest.raises(StaleVersion) as excinfo:
        services.update_customer(user=users["sales"], customer=customer, city="Mine", expected_version=1)
    assert excinfo.value.changed_fields == {} and excinfo.value.current_version == 3


def test_without_an_expected_version_the_last_write_wins(users: dict[str, Any]) -> None:
    customer = CustomerFactory(city="Banjul")
    services.update_customer(user=None, customer=customer, city="Theirs")
    services.update_customer(user=users["sales"], customer=customer, city="Mine")
    assert Customer.objects.get(pk=customer.pk).city == "Mine"


def test_stale_status_change_and_delete_are_refused(users: dict[str, Any]) -> None:
    customer = CustomerFactory()
    services.change_status(user=None, customer=customer, status=Customer.Status.CHURNED)
    with pytest.raises(StaleVersion) as excinfo:
        services.change_status(
            user=users["sales"], customer=customer, status=Customer.Status.INACTIVE, expected_version=1
        )
    assert excinfo.value.changed_fields["status"] == {"before": "active", "after": "churned"}
    with pytest.raises(StaleVersion):
        services.delete_customer(user=users["sales"], customer=customer, expected_version=1)
    assert not Customer.all_objects.get(pk=customer.pk).is_deleted
    services.delete_customer(user=users["sales"], customer=customer, expected_version=2)
    assert Customer.all_objects.get(pk=customer.pk).is_deleted


def test_stale_label_update_and_delete_are_refused(users: dict[str, Any]) -> None:
    label = LabelFactory(name="VIP")
    services.update_label(user=None, label=label, name="Gold")
    with pytest.raises(StaleVersion) as excinfo:
        services.update_label(user=users["sales"], label=label, colour="danger", expected_version=1)
    assert excinfo.value.changed_fields == {"name": {"before": "VIP", "after": "Gold"}}
    with pytest.raises(StaleVersion):
        services.delete_label(user=users["sales"], label=label, expected_version=1)
    services.delete_label(user=users["sales"], label=label, expected_version=2)
    assert Label.all_objects.get(pk=label.pk).is_deleted


def test_stale_balance_adjustment_is_refused(users: dict[str, Any]) -> None:
    customer = CustomerFactory()
    services.adjust_balance(user=None, customer=customer, amount=5)  # type: ignore[arg-type]
    with pytest.raises(StaleVersion):
        services.adjust_balance(user=users["sales"], customer=customer, amount=5, expected_version=1)  # type: ignore[arg-type]


def test_changes_are_merged_from_events_when_the_base_state_is_unknown() -> None:
    customer = CustomerFactory(city="Banjul")
    services.update_customer(user=None, customer=customer, city="Bakau")
    services.update_customer(user=None, customer=customer, city="Brikama")
    customer.refresh_from_db()
    # Version 0 was never recorded: the refusal falls back to the changes of the later events.
    stale = versions.stale(customer, 1)
    assert stale.changed_fields["city"] == {"before": "Banjul", "after": "Brikama"}
    merged = versions.stale(customer, 0)
    assert merged.base_state is None
    assert merged.changed_fields["city"] == {"before": None, "after": "Brikama"}
