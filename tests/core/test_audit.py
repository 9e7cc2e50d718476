"""The audit trail: one event per change, in the change's transaction, append-only, readable."""

from typing import Any

import pytest
from django.db import DatabaseError, connection, transaction

from clientbook.core.context import RequestContext, reset_context, set_context
from clientbook.core.models import AuditEvent, AuditTrailIsAppendOnly
from clientbook.core.records import audit
from clientbook.customers import services
from clientbook.customers.factories import CustomerFactory, LabelFactory

pytestmark = pytest.mark.django_db


def events(action: str | None = None) -> list[AuditEvent]:
    queryset = AuditEvent.objects.order_by("id")
    return list(queryset.filter(action=action) if action else queryset)


def test_create_records_every_set_field_with_names_for_relations(users: dict[str, Any]) -> None:
    vip = LabelFactory(name="VIP")
    customer = services.create_customer(
        user=users["sales"], first_name="Ada", last_name="Lovelace", officer=users["admin"], labels=[vip]
    )
    event = events(AuditEvent.Action.CREATE)[-1]
    assert (event.object_type, event.object_code, event.object_id) == (
        "customers.customer",
        customer.code,
        str(customer.pk),
    )
    assert event.actor == users["sales"]
    assert event.actor_kind == AuditEvent.ActorKind.USER
    assert event.changes["first_name"] == {"before": None, "after": "Ada"}
    assert event.changes["labels"] == {"before": None, "after": ["VIP"]}
    assert event.changes["officer"] == {"before": None, "after": users["admin"].username}
    assert event.state is not None and event.state["last_name"] == "Lovelace"


def test_update_records_only_changed_fields_with_before_and_after(users: dict[str, Any]) -> None:
    customer = CustomerFactory(first_name="Ada", city="London")
    services.update_customer(user=users["sales"], customer=customer, first_name="Augusta", city="London")
    event = events(AuditEvent.Action.UPDATE)[-1]
    assert event.changes == {"first_name": {"before": "Ada", "after": "Augusta"}}


def test_an_update_that_changes_nothing_records_nothing(users: dict[str, Any]) -> None:
    customer = CustomerFactory(first_name="Ada")
    before = AuditEvent.objects.count()
    services.update_customer(user=users["sales"], customer=customer, first_name="Ada")
    assert AuditEvent.objects.count() == before


def test_status_changes_and_deletes_are_their_own_actions(users: dict[str, Any]) -> None:
    customer = CustomerFactory()
    services.block_customer(user=users["sales"], customer=customer, reason="Fraud")
    status_event = events(AuditEvent.Action.STATUS_CHANGE)[-1]
    assert status_event.changes["status"] == {"before": "active", "after": "blocked"}
    assert status_event.changes["block_reason"] == {"before": "", "after": "Fraud"}
    services.delete_customer(user=users["sales"], customer=customer)
    assert events(AuditEvent.Action.DELETE)[-1].object_code == customer.code


def test_label_changes_are_audited(users: dict[str, Any]) -> None:
    label = services.create_label(user=users["sales"], name="Gold")
    services.update_label(user=users["sales"], label=label, name="Platinum")
    services.delete_label(user=users["sales"], label=label)
    label_events = AuditEvent.objects.filter(object_type="customers.label").order_by("id")
    assert [event.action for event in label_events] == ["create", "update", "delete"]
    assert label_events[1].changes == {"name": {"before": "Gold", "after": "Platinum"}}


def test_a_rolled_back_change_leaves_no_event(users: dict[str, Any]) -> None:
    customer = CustomerFactory(first_name="Ada")
    before = AuditEvent.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        services.update_customer(user=users["sales"], customer=customer, first_name="Eve")
        raise RuntimeError("the caller's transaction fails after the change")
    assert AuditEvent.objects.count() == before
    customer.refresh_from_db()
    assert customer.first_name == "Ada"


def test_a_refused_change_leaves_no_event(users: dict[str, Any]) -> None:
    customer = CustomerFactory()
    before = AuditEvent.objects.count()
    with pytest.raises(Exception):  # noqa: B017  any refusal
        services.update_customer(user=users["sales"], customer=customer, email="not-an-email")
    assert AuditEvent.objects.count() == before


def test_request_context_says_from_where() -> None:
    token = set_context(RequestContext(ip="203.0.113.9", user_agent="pytest-agent", request_id="req-1"))
    try:
        CustomerFactory()
    finally:
        reset_context(token)
    event = events(AuditEvent.Action.CREATE)[-1]
    assert (event.ip, event.user_agent, event.request_id) == ("203.0.113.9", "pytest-agent", "req-1")
    assert (event.actor, event.actor_kind, event.actor_display) == (None, "system", "system")


def test_commands_and_tasks_sign_their_events() -> None:
    with audit.acting_as("command:seed_demo"):
        CustomerFactory()
    assert events(AuditEvent.Action.CREATE)[-1].actor_display == "command:seed_demo"


def test_operations_group_their_events(users: dict[str, Any]) -> None:
    first, second = CustomerFactory(), CustomerFactory()
    with audit.operation("bulk status") as operation_id:
        services.deactivate_customer(user=users["sales"], customer=first)
        services.deactivate_customer(user=users["sales"], customer=second)
    grouped = AuditEvent.objects.filter(operation_id=operation_id)
    assert {event.object_code for event in grouped} == {first.code, second.code}


class TestAppendOnly:
    def test_the_orm_refuses_changes_and_deletes(self) -> None:
        CustomerFactory()
        event = AuditEvent.objects.first()
        assert event is not None
        event.action = AuditEvent.Action.DELETE
        with pytest.raises(AuditTrailIsAppendOnly):
            event.save()
        with pytest.raises(AuditTrailIsAppendOnly):
            event.delete()
        with pytest.raises(AuditTrailIsAppendOnly):
            AuditEvent.objects.filter(pk=event.pk).update(action="delete")
        with pytest.raises(AuditTrailIsAppendOnly):
            AuditEvent.objects.all().delete()
        assert AuditEvent.objects.get(pk=event.pk).action == AuditEvent.Action.CREATE

    def test_the_database_refuses_changes_from_raw_sql(self) -> None:
        CustomerFactory()
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("UPDATE core_auditevent SET action = 'delete'")
        assert not AuditEvent.objects.filter(action="delete").exists()
