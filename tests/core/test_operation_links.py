"""A bulk operation's page (with its Undo) is linked from the audit log and from each changed customer's History."""

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from clientbook.core.models import AuditEvent, BulkOperation
from clientbook.core.records import audit, bulk
from clientbook.customers.bulk import change_status
from clientbook.customers.factories import CustomerFactory
from clientbook.customers.models import Customer

pytestmark = pytest.mark.django_db


@pytest.fixture
def operation(users: dict[str, Any]) -> BulkOperation:
    customers = [CustomerFactory(), CustomerFactory()]
    return change_status(
        user=users["sales"],
        selection=bulk.Selection.of_keys(customer.code for customer in customers),
        status=Customer.Status.INACTIVE,
    )


def operation_url(operation: BulkOperation) -> str:
    return reverse("operations:operation_detail", args=[operation.id])


def test_the_audit_log_links_events_of_an_operation(
    client_for: Callable[[str | None], Client], operation: BulkOperation
) -> None:
    body = client_for("admin").get(reverse("audit:event_list")).content.decode()
    assert body.count(f'href="{operation_url(operation)}" title=') == 2  # one per changed customer
    other = AuditEvent.objects.filter(operation_id__isnull=True).count()
    assert other, "the customers' creations are events of no operation"


def test_an_operation_id_without_an_operation_is_not_linked(
    client_for: Callable[[str | None], Client], users: dict[str, Any]
) -> None:
    """An import that wrote nothing leaves an event with an operation id but no operation page."""
    with audit.operation("import:customers"):
        audit.record(AuditEvent.Action.IMPORT, user=users["admin"], object_label="Customers: empty.csv")
    body = client_for("admin").get(reverse("audit:event_list")).content.decode()
    assert 'data-testid="operation-link"' not in body


def test_the_history_of_a_changed_customer_links_its_operation(
    client_for: Callable[[str | None], Client], operation: BulkOperation
) -> None:
    customer = Customer.objects.order_by("pk").first()
    assert customer is not None
    url = reverse("customers:customer_history", kwargs={"code": customer.code})
    body = client_for("sales").get(url).content.decode()
    assert f'href="{operation_url(operation)}"' in body
    # Support may read the history but not change customers, so not open the operation's page either.
    assert f'href="{operation_url(operation)}"' not in client_for("support").get(url).content.decode()
    assert client_for("sales").get(operation_url(operation)).status_code == 200
