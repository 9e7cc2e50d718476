"""Bulk changes of customers (from the list page and the API), each one operation of ``core.bulk``.

Every row goes through the same service as a single change (``change_status``, ``update_customer``),
so the block rules, validation, search document and audit event are those of a one-row edit. A row
that already is as asked is left alone: it is not written, not audited, and not counted as changed.
"""

from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError

from clientbook.core.listing.pipeline import ListSpec, get_spec
from clientbook.core.models import BulkOperation
from clientbook.core.records import bulk
from clientbook.customers import services
from clientbook.customers.models import Customer, Label

CHANGE_STATUS = "customers.change_status"
ADD_LABELS = "customers.add_labels"
REMOVE_LABELS = "customers.remove_labels"


def _customers() -> ListSpec:
    # Looked up when a change runs: the spec names this module's actions, so it cannot be imported here.
    return get_spec("customers")


# The bulk actions as the spec declares them: ``run(user, selection, values)``, values by field name.


def run_status(user: Any, selection: bulk.Selection, values: Mapping[str, Any]) -> BulkOperation:
    if not values.get("status"):
        raise ValidationError({"status": "Choose a status."})
    return change_status(user=user, selection=selection, status=values["status"], reason=values.get("reason") or "")


def run_add_labels(user: Any, selection: bulk.Selection, values: Mapping[str, Any]) -> BulkOperation:
    return add_labels(user=user, selection=selection, labels=list(values.get("labels") or ()))


def run_remove_labels(user: Any, selection: bulk.Selection, values: Mapping[str, Any]) -> BulkOperation:
    return remove_labels(user=user, selection=selection, labels=list(values.get("labels") or ()))


def change_status(
    *, user: Any, selection: bulk.Selection, status: str, reason: str = "", batch_size: int = bulk.BATCH_SIZE
) -> BulkOperation:
    """Give every selected customer ``status``; blocking needs one ``reason``, given to all."""
    if status not in Customer.Status.values:
        raise ValidationError({"status": f"Unknown status “{status}”."})
    reason = reason.strip()
    if status == Customer.Status.BLOCKED and not reason:
        raise ValidationError({"reason": "Blocking customers requires a reason."})
    if status != Customer.Status.BLOCKED:
        reason = ""

    def change(customer: Customer) -> bool:
        if customer.status == status and customer.block_reason == reason:
            return False
        services.change_status(user=user, customer=customer, status=status, reason=reason)
        return True

    label = Customer.Status(status).label
    return bulk.run(
        spec=_customers(),
        user=user,
        selection=selection,
        name=CHANGE_STATUS,
        description=f"Status → {label}" + (f" ({reason})" if reason else ""),
        change=change,
        batch_size=batch_size,
    )


def add_labels(
    *, user: Any, selection: bulk.Selection, labels: Sequence[Label], batch_size: int = bulk.BATCH_SIZE
) -> BulkOperation:
    """Give every selected customer each of ``labels`` (labels it has stay)."""
    wanted = _required(labels)

    def change(customer: Customer) -> bool:
        current = list(customer.labels.all())
        missing = [label for label in wanted if label not in current]
        if not missing:
            return False
        services.update_customer(user=user, customer=customer, labels=[*current, *missing])
        return True

    return bulk.run(
        spec=_customers(),
        user=user,
        selection=selection,
        name=ADD_LABELS,
        description=f"Add labels: {_names(wanted)}",
        change=change,
        batch_size=batch_size,
    )


def remove_labels(
    *, user: Any, selection: bulk.Selection, labels: Sequence[Label], batch_size: int = bulk.BATCH_SIZE
) -> BulkOperation:
    """Take each of ``labels`` off every selected customer (other labels stay)."""
    unwanted = _required(labels)

    def change(customer: Customer) -> bool:
        current = list(customer.labels.all())
        kept = [label for label in current if label not in unwanted]
        if len(kept) == len(current):
            return False
        services.update_customer(user=user, customer=customer, labels=kept)
        return True

    return bulk.run(
        spec=_customers(),
        user=user,
        selection=selection,
        name=REMOVE_LABELS,
        description=f"Remove labels: {_names(unwanted)}",
        change=change,
        batch_size=batch_size,
    )


def _required(labels: Sequence[Label]) -> list[Label]:
    chosen = list(dict.fromkeys(labels))
    if not chosen:
        raise ValidationError({"labels": "Choose at least one label."})
    return chosen


def _names(labels: Sequence[Label]) -> str:
    return ", ".join(label.name for label in labels)
