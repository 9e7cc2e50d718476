"""Automatic timeline entries: written by the service that makes the change, in its transaction, one row each."""

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from clientbook.activities.models import Activity
from clientbook.activities.services import record
from clientbook.activities.specs import ACTIVITIES
from clientbook.core.kit import writes
from clientbook.customers import services as customers
from clientbook.customers.factories import CustomerFactory
from clientbook.customers.models import Customer
from clientbook.notes.factories import NoteFactory

pytestmark = pytest.mark.django_db


def test_a_block_is_an_entry_with_its_reason(users: dict[str, Any]) -> None:
    customer = CustomerFactory(status=Customer.Status.ACTIVE)
    customers.block_customer(user=users["sales"], customer=customer, reason="Unpaid invoices since May")

    entry = Activity.objects.get(customer=customer)
    assert (entry.type, entry.title, entry.automatic) == ("status_change", "Status: Active → Blocked", True)
    assert entry.description == "Reason: Unpaid invoices since May"
    assert entry.author == users["sales"]
    customer.refresh_from_db()
    assert customer.last_activity_at == entry.occurred_at


def test_two_changes_at_the_same_instant_are_two_entries_in_order(users: dict[str, Any]) -> None:
    customer = CustomerFactory(status=Customer.Status.ACTIVE)
    customers.deactivate_customer(user=users["sales"], customer=customer)
    customers.activate_customer(user=users["sales"], customer=customer)
    Activity.objects.filter(customer=customer).update(occurred_at=timezone.now())

    titles = list(Activity.objects.filter(customer=customer).values_list("title", flat=True))
    assert titles == ["Status: Inactive → Active", "Status: Active → Inactive"]


def test_a_refused_change_leaves_no_entry(users: dict[str, Any]) -> None:
    customer = CustomerFactory(status=Customer.Status.ACTIVE)
    with pytest.raises(ValidationError):
        customers.change_status(user=users["sales"], customer=customer, status=Customer.Status.BLOCKED, reason="")
    assert not Activity.objects.filter(customer=customer).exists()


def test_the_entry_rolls_back_with_the_change(users: dict[str, Any]) -> None:
    customer = CustomerFactory(status=Customer.Status.ACTIVE)
    with pytest.raises(RuntimeError), transaction.atomic():
        customers.deactivate_customer(user=users["sales"], customer=customer)
        raise RuntimeError("the caller's transaction fails after the change")
    assert not Activity.objects.filter(customer=customer).exists()
    customer.refresh_from_db()
    assert (customer.status, customer.last_activity_at) == ("active", None)


def test_an_edit_that_keeps_the_status_writes_no_entry(users: dict[str, Any]) -> None:
    customer = CustomerFactory()
    customers.update_customer(user=users["sales"], customer=customer, city="Lagos")
    assert not Activity.objects.filter(customer=customer).exists()


def test_a_note_is_an_entry_that_follows_the_note_to_the_trash(users: dict[str, Any]) -> None:
    note = NoteFactory(author=users["sales"], body="**Renewal** in March")
    entry = Activity.objects.get(note=note)
    assert (entry.type, entry.title, entry.author) == ("note", "Renewal in March", users["sales"])

    writes.delete(note, user=users["sales"])
    assert not Activity.objects.filter(note=note).exists()
    writes.restore(note, user=users["sales"])
    assert Activity.objects.filter(note=note).exists()


def test_last_activity_at_follows_the_newest_entry(users: dict[str, Any]) -> None:
    customer = CustomerFactory()
    now = timezone.now().replace(microsecond=0)  # the timeline keeps moments to the second
    older = writes.create(
        ACTIVITIES,
        user=users["sales"],
        values={
            "customer": customer,
            "type": "call",
            "direction": "out",
            "title": "First call",
            "occurred_at": now - timedelta(days=3),
        },
    )
    newer = record(customer=customer, type="system", title="Synced", occurred_at=now - timedelta(days=1))
    customer.refresh_from_db()
    assert customer.last_activity_at == newer.occurred_at

    # An entry logged late for an earlier time does not move it back.
    writes.create(
        ACTIVITIES,
        user=users["sales"],
        values={"customer": customer, "type": "email", "title": "Old mail", "occurred_at": now - timedelta(days=9)},
    )
    customer.refresh_from_db()
    assert customer.last_activity_at == newer.occurred_at

    Activity.objects.filter(pk=newer.pk).update(deleted_at=now)  # only the kit deletes; here the entry vanishes
    writes.delete(older, user=users["sales"])
    customer.refresh_from_db()
    assert customer.last_activity_at == now - timedelta(days=9)


def test_nobody_edits_an_automatic_entry(users: dict[str, Any]) -> None:
    from django.core.exceptions import PermissionDenied

    entry = record(customer=CustomerFactory(), type="system", title="Synced", user=users["admin"])
    with pytest.raises(PermissionDenied):
        writes.update(entry, user=users["admin"], values={"title": "Changed"})
    with pytest.raises(PermissionDenied):
        writes.delete(entry, user=users["admin"])


def test_an_entry_logged_in_the_second_of_an_automatic_one_comes_after_it(users: dict[str, Any]) -> None:
    """The form sends its moment to the second; the status change written a fraction earlier in that
    second must not sort above the call logged after it."""
    customer = CustomerFactory(status="active")
    moment = timezone.now().replace(microsecond=900_000)
    change = record(customer=customer, type="status_change", title="Status: Active → Inactive", occurred_at=moment)
    call = writes.create(
        ACTIVITIES,
        user=users["sales"],
        values={
            "customer": customer,
            "type": "call",
            "direction": "out",
            "title": "Renewal call",
            "occurred_at": moment.replace(microsecond=0),
        },
    )
    assert list(Activity.objects.filter(customer=customer)) == [call, change]
    assert change.occurred_at == call.occurred_at == moment.replace(microsecond=0)
