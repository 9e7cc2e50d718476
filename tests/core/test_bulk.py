"""Bulk changes are one operation: one transaction or batches under one id, audited, undoable."""

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet

from clientbook.core.listing.pipeline import run_list
from clientbook.core.models import AuditEvent, BulkOperation
from clientbook.core.records import audit, bulk
from clientbook.customers import bulk as customer_bulk
from clientbook.customers import services
from clientbook.customers.factories import CustomerFactory, LabelFactory
from clientbook.customers.models import Customer, Label
from clientbook.customers.specs import CUSTOMER_LIST

pytestmark = pytest.mark.django_db


def codes_of(customers: list[Customer]) -> bulk.Selection:
    return bulk.Selection.of_keys(customer.code for customer in customers)


def states(customers: list[Customer]) -> dict[str, dict[str, Any]]:
    return {customer.code: audit.snapshot(Customer.objects.get(pk=customer.pk)) for customer in customers}


def set_status(user: Any, customers: list[Customer], status: str, **options: Any) -> BulkOperation:
    return customer_bulk.change_status(user=user, selection=codes_of(customers), status=status, **options)


def operation_events(operation: BulkOperation) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(operation_id=operation.id).order_by("id")


@pytest.fixture
def book() -> list[Customer]:
    vip = LabelFactory(name="VIP")
    return [
        CustomerFactory(first_name="Ada", labels=[vip]),
        CustomerFactory(first_name="Binta", status=Customer.Status.INACTIVE),
        CustomerFactory(first_name="Chen", status=Customer.Status.BLOCKED, block_reason="Fraud check"),
        CustomerFactory(first_name="Dana", status=Customer.Status.PROSPECT),
        CustomerFactory(first_name="Emeka"),
    ]


# --- Running ----------------------------------------------------------------------------------


def test_a_small_selection_changes_in_one_operation_whose_events_carry_its_id(
    users: dict[str, Any], book: list[Customer]
) -> None:
    operation = customer_bulk.change_status(
        user=users["sales"], selection=codes_of(book[:3]), status=Customer.Status.CHURNED
    )

    assert {customer.status for customer in Customer.objects.filter(pk__in=[c.pk for c in book[:3]])} == {"churned"}
    assert Customer.objects.get(pk=book[3].pk).status == Customer.Status.PROSPECT
    stored = BulkOperation.objects.get(pk=operation.id)
    assert (stored.state, stored.selected_count, stored.row_count) == (BulkOperation.State.DONE, 3, 3)
    assert (stored.user, stored.name) == (users["sales"], "customers.change_status")
    assert stored.object_type == "customers.customer"
    assert stored.finished_at is not None
    events = list(operation_events(operation))
    assert sorted(event.object_code for event in events) == sorted(customer.code for customer in book[:3])
    assert {event.action for event in events} == {AuditEvent.Action.STATUS_CHANGE}
    assert {event.actor for event in events} == {users["sales"]}


def test_one_transaction_a_refused_row_leaves_nothing_changed_and_no_trace(
    users: dict[str, Any], book: list[Customer]
) -> None:
    # A row the rules now refuse (stored before a rule existed): its service raises.
    Customer.objects.filter(pk=book[2].pk).update(email="not an address")
    events_before = AuditEvent.objects.count()

    with pytest.raises(bulk.BulkStopped) as stopped:
        set_status(users["sales"], book, Customer.Status.CHURNED)

    assert stopped.value.row == book[2].code
    assert book[2].code in stopped.value.message and "Nothing was changed" in stopped.value.message
    assert stopped.value.operation is None
    assert not Customer.objects.filter(status=Customer.Status.CHURNED).exists()
    assert AuditEvent.objects.count() == events_before
    assert not BulkOperation.objects.exists()


def test_batches_share_one_operation_id(users: dict[str, Any], book: list[Customer]) -> None:
    operation = customer_bulk.change_status(
        user=users["sales"], selection=codes_of(book), status=Customer.Status.CHURNED, batch_size=2
    )

    events = list(operation_events(operation))
    assert len(events) == 5
    assert {event.operation_id for event in events} == {operation.id}
    stored = BulkOperation.objects.get(pk=operation.id)
    assert (stored.state, stored.row_count) == (BulkOperation.State.DONE, 5)


def test_rows_already_as_asked_are_not_written_recorded_or_counted(users: dict[str, Any], book: list[Customer]) -> None:
    versions = {customer.pk: Customer.objects.get(pk=customer.pk).version for customer in book}

    operation = set_status(users["sales"], book, Customer.Status.ACTIVE)

    assert (operation.selected_count, operation.row_count) == (5, 3)
    assert sorted(event.object_code for event in operation_events(operation)) == sorted(
        customer.code for customer in book[1:4]
    )
    for untouched in (book[0], book[4]):
        assert Customer.objects.get(pk=untouched.pk).version == versions[untouched.pk]


def test_blocking_in_bulk_needs_a_reason_given_to_every_row(users: dict[str, Any], book: list[Customer]) -> None:
    with pytest.raises(ValidationError) as refused:
        set_status(users["sales"], book, Customer.Status.BLOCKED)
    assert "reason" in refused.value.message_dict
    assert not BulkOperation.objects.exists()

    customer_bulk.change_status(
        user=users["sales"], selection=codes_of(book[:2]), status=Customer.Status.BLOCKED, reason="Audit hold"
    )

    ada = Customer.objects.get(pk=book[0].pk)
    assert (ada.status, ada.block_reason, ada.status_before_block) == ("blocked", "Audit hold", "active")


def test_label_assignment_adds_and_removes_only_the_chosen_labels(users: dict[str, Any], book: list[Customer]) -> None:
    late, vip = LabelFactory(name="Late payer"), Label.objects.get(name="VIP")

    customer_bulk.add_labels(user=users["sales"], selection=codes_of(book[:2]), labels=[late])
    assert [label.name for label in Customer.objects.get(pk=book[0].pk).labels.all()] == ["Late payer", "VIP"]
    assert [label.name for label in Customer.objects.get(pk=book[1].pk).labels.all()] == ["Late payer"]
    assert "late payer" in Customer.objects.get(pk=book[1].pk).search_document

    operation = customer_bulk.remove_labels(user=users["sales"], selection=codes_of(book[:3]), labels=[vip])
    assert [label.name for label in Customer.objects.get(pk=book[0].pk).labels.all()] == ["Late payer"]
    assert operation.row_count == 1


# --- Selection ----------------------------------------------------------------------------------


def test_all_matching_is_exactly_what_the_list_shows(users: dict[str, Any], book: list[Customer]) -> None:
    CustomerFactory(first_name="Adaeze", status=Customer.Status.INACTIVE)
    params = {"q": "ada", "status": ["active", "inactive"]}
    listed = sorted(
        run_list(CUSTOMER_LIST, users["sales"], params, page_size=100).queryset.values_list("pk", flat=True)
    )
    assert len(listed) == 2

    keys = bulk.resolve(CUSTOMER_LIST, users["sales"], bulk.Selection.matching(params))
    operation = customer_bulk.change_status(
        user=users["sales"], selection=bulk.Selection.matching(params), status=Customer.Status.CHURNED
    )

    assert sorted(keys) == listed
    assert sorted(Customer.objects.filter(status=Customer.Status.CHURNED).values_list("pk", flat=True)) == listed
    assert operation.row_count == 2


def test_unknown_or_deleted_codes_are_named_and_nothing_runs(users: dict[str, Any], book: list[Customer]) -> None:
    services.delete_customer(user=users["sales"], customer=book[1])
    selection = bulk.Selection.of_keys([book[0].code, book[1].code, "CUST9999999"])

    with pytest.raises(ValidationError) as refused:
        customer_bulk.change_status(user=users["sales"], selection=selection, status=Customer.Status.CHURNED)

    message = refused.value.message_dict[bulk.SELECTION_FIELD][0]
    assert book[1].code in message and "CUST9999999" in message and book[0].code not in message
    assert not Customer.objects.filter(status=Customer.Status.CHURNED).exists()


def test_empty_and_oversized_selections_are_refused(users: dict[str, Any], book: list[Customer]) -> None:
    with pytest.raises(ValidationError):
        bulk.resolve(CUSTOMER_LIST, users["sales"], bulk.Selection.of_keys([]))
    with pytest.raises(ValidationError):
        bulk.resolve(CUSTOMER_LIST, users["sales"], bulk.Selection.matching({"q": "nobody-matches-this"}))
    with pytest.raises(ValidationError) as too_many:
        bulk.resolve(CUSTOMER_LIST, users["sales"], bulk.Selection.matching({}), max_rows=4)
    assert "5 customers are selected" in too_many.value.message_dict[bulk.SELECTION_FIELD][0]


def test_a_role_without_change_permission_changes_nothing(users: dict[str, Any], book: list[Customer]) -> None:
    with pytest.raises(PermissionDenied):
        set_status(users["support"], book, Customer.Status.CHURNED)
    assert not Customer.objects.filter(status=Customer.Status.CHURNED).exists()


def test_permission_is_checked_for_every_row(
    users: dict[str, Any], book: list[Customer], monkeypatch: pytest.MonkeyPatch
) -> None:
    """``restrict`` decides per row; a selection holding one row the user may not change is refused whole."""
    hidden = book[3]

    def restrict_without_one(user: Any, action: str, queryset: QuerySet) -> QuerySet:
        return queryset.exclude(pk=hidden.pk) if action == "change" else queryset

    monkeypatch.setattr(bulk, "restrict", restrict_without_one)

    with pytest.raises(PermissionDenied) as refused:
        set_status(users["sales"], book, Customer.Status.CHURNED)

    assert hidden.code in str(refused.value) and book[0].code not in str(refused.value)
    assert not Customer.objects.filter(status=Customer.Status.CHURNED).exists()


# --- Undo ---------------------------------------------------------------------------------------


def test_undo_puts_every_row_back_exactly(users: dict[str, Any], book: list[Customer]) -> None:
    Customer.objects.filter(pk=book[2].pk).update(status_before_block=Customer.Status.INACTIVE)
    before = states(book)
    operation = set_status(users["sales"], book, Customer.Status.ACTIVE)
    assert states(book) != before

    undo_operation = bulk.undo(user=users["admin"], operation=operation)

    assert states(book) == before
    chen = Customer.objects.get(pk=book[2].pk)
    assert (chen.status, chen.block_reason, chen.status_before_block) == ("blocked", "Fraud check", "inactive")
    original = BulkOperation.objects.get(pk=operation.id)
    assert (original.state, original.undone_by) == (BulkOperation.State.UNDONE, users["admin"])
    assert original.undone_at is not None
    assert undo_operation.undoes_id == operation.id and undo_operation.row_count == 3
    reverts = AuditEvent.objects.filter(operation_id=undo_operation.id, action=AuditEvent.Action.REVERT)
    assert sorted(reverts.values_list("object_code", flat=True)) == sorted(c.code for c in book[1:4])
    marker = AuditEvent.objects.get(action=AuditEvent.Action.UNDO_OPERATION)
    assert marker.operation_id == undo_operation.id
    assert (marker.object_type, marker.object_id) == ("core.bulkoperation", str(operation.id))
    assert marker.extra["operation"] == str(operation.id) and marker.actor == users["admin"]


def test_undo_of_label_changes_keeps_labels_given_before(users: dict[str, Any], book: list[Customer]) -> None:
    vip, late = Label.objects.get(name="VIP"), LabelFactory(name="Late payer")
    services.update_customer(user=users["sales"], customer=book[1], labels=[late])
    before = states(book)

    added = customer_bulk.add_labels(user=users["sales"], selection=codes_of(book), labels=[vip, late])
    bulk.undo(user=users["sales"], operation=added)
    assert states(book) == before

    removed = customer_bulk.remove_labels(user=users["sales"], selection=codes_of(book), labels=[vip, late])
    assert not Customer.labels.through.objects.exists()
    bulk.undo(user=users["sales"], operation=removed)
    assert states(book) == before


def test_undo_in_batches_uses_one_new_operation_id(users: dict[str, Any], book: list[Customer]) -> None:
    before = states(book)
    operation = customer_bulk.change_status(
        user=users["sales"], selection=codes_of(book), status=Customer.Status.CHURNED, batch_size=2
    )

    undo_operation = bulk.undo(user=users["sales"], operation=operation, batch_size=2)

    assert states(book) == before
    assert operation_events(undo_operation).exclude(action=AuditEvent.Action.UNDO_OPERATION).count() == 5
    assert BulkOperation.objects.get(pk=undo_operation.id).state == BulkOperation.State.DONE


def test_undo_is_refused_naming_rows_changed_since(users: dict[str, Any], book: list[Customer]) -> None:
    operation = set_status(users["sales"], book, Customer.Status.CHURNED)
    services.update_customer(user=users["admin"], customer=book[3], city="Lagos")
    after = states(book)

    with pytest.raises(bulk.UndoRefused) as refused:
        bulk.undo(user=users["sales"], operation=operation)

    assert [row.key for row in refused.value.rows] == [book[3].code]
    assert users["admin"].username in refused.value.rows[0].reason
    assert "1 customer changed after this operation" in refused.value.message
    assert states(book) == after
    assert BulkOperation.objects.get(pk=operation.id).state == BulkOperation.State.DONE
    assert BulkOperation.objects.count() == 1


def test_undo_is_refused_for_a_row_deleted_since(users: dict[str, Any], book: list[Customer]) -> None:
    operation = set_status(users["sales"], book, Customer.Status.CHURNED)
    services.delete_customer(user=users["sales"], customer=book[0])

    with pytest.raises(bulk.UndoRefused) as refused:
        bulk.undo(user=users["sales"], operation=operation)

    assert [row.key for row in refused.value.rows] == [book[0].code]
    assert "deleted" in refused.value.rows[0].reason


def test_undo_is_refused_when_a_value_no_longer_resolves(users: dict[str, Any], book: list[Customer]) -> None:
    vip = Label.objects.get(name="VIP")
    operation = customer_bulk.remove_labels(user=users["sales"], selection=codes_of(book), labels=[vip])
    services.delete_label(user=users["sales"], label=vip)

    with pytest.raises(bulk.UndoRefused) as refused:
        bulk.undo(user=users["sales"], operation=operation)

    assert [row.key for row in refused.value.rows] == [book[0].code]
    assert "VIP" in refused.value.rows[0].reason and "Nothing was undone" in refused.value.message
    assert BulkOperation.objects.count() == 1


def test_an_operation_is_undone_once_and_an_undo_is_not_undone(users: dict[str, Any], book: list[Customer]) -> None:
    operation = set_status(users["sales"], book, Customer.Status.CHURNED)
    undo_operation = bulk.undo(user=users["sales"], operation=operation)

    with pytest.raises(bulk.UndoRefused, match="already undone by sales-user"):
        bulk.undo(user=users["sales"], operation=BulkOperation.objects.get(pk=operation.id))
    with pytest.raises(bulk.UndoRefused, match="cannot itself be undone"):
        bulk.undo(user=users["sales"], operation=undo_operation)


def test_undo_needs_the_right_to_change_the_rows(users: dict[str, Any], book: list[Customer]) -> None:
    operation = set_status(users["sales"], book, Customer.Status.CHURNED)

    with pytest.raises(PermissionDenied):
        bulk.undo(user=users["support"], operation=operation)
    assert Customer.objects.filter(status=Customer.Status.CHURNED).count() == 5


# --- Batches commit on their own ----------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_refused_row_in_a_later_batch_keeps_the_committed_batches_under_a_failed_operation(
    users: dict[str, Any],
) -> None:
    book = [CustomerFactory() for _ in range(5)]
    Customer.objects.filter(pk=book[3].pk).update(email="not an address")

    with pytest.raises(bulk.BulkStopped) as stopped:
        customer_bulk.change_status(
            user=users["sales"], selection=codes_of(book), status=Customer.Status.CHURNED, batch_size=2
        )

    operation = stopped.value.operation
    assert operation is not None and stopped.value.row == book[3].code
    assert "The 2 customers changed before it stay changed" in stopped.value.message
    stored = BulkOperation.objects.get(pk=operation.id)
    assert (stored.state, stored.row_count) == (BulkOperation.State.FAILED, 2)
    assert book[3].code in stored.error
    churned = sorted(Customer.objects.filter(status=Customer.Status.CHURNED).values_list("pk", flat=True))
    assert churned == [book[0].pk, book[1].pk]
    assert operation_events(stored).count() == 2

    bulk.undo(user=users["sales"], operation=stored)
    assert not Customer.objects.filter(status=Customer.Status.CHURNED).exists()
