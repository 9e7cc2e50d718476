"""Filter limits through the API: huge code bounds and overlong text filters in the list, the bulk
``filter`` and the export ``filters`` answer 422 naming the field, where they used to fail with a
500 (Python's limit of 4,300 digits per int; SQLite's LIKE pattern and expression depth limits)."""

import pytest

from clientbook.core.models import AuditEvent
from clientbook.customers.factories import CustomerFactory, LabelFactory
from tests.api.conftest import Caller, error_fields
from tests.customers.test_filter_limits import HUGE_CODE, TOO_LONG

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("field", ["code_min", "code_max"])
def test_the_list_names_the_parameter(call: Caller, field: str) -> None:
    CustomerFactory()

    response = call("support", "GET", "/api/v1/customers", query={field: HUGE_CODE})

    assert (response.status_code, error_fields(response)) == (422, {field})
    assert response.json()["errors"][0]["message"] == TOO_LONG


@pytest.mark.parametrize("field", ["code_min", "code_max"])
def test_a_bulk_filter_names_the_filter(call: Caller, field: str) -> None:
    CustomerFactory()
    LabelFactory(name="VIP")
    body = {"action": "add_labels", "labels": ["VIP"], "filter": {field: HUGE_CODE}}

    response = call("sales", "POST", "/api/v1/customers/bulk", body=body)

    assert (response.status_code, error_fields(response)) == (422, {f"filter.{field}"})


def test_export_filters_name_the_filter(call: Caller) -> None:
    CustomerFactory()
    body = {"model": "customers", "format": "csv", "fields": ["code"], "filters": {"code_min": f"CUST{HUGE_CODE}"}}

    response = call("support", "POST", "/api/v1/exports", body=body)

    assert (response.status_code, error_fields(response)) == (422, {"filters.code_min"})
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).exists()


@pytest.mark.parametrize("value", ["1" * 50_001, "ab " * 2_000])
@pytest.mark.parametrize("field", ["q", "name", "address"])
def test_overlong_text_filters_are_422_naming_them(call: Caller, field: str, value: str) -> None:
    CustomerFactory(street="1 High Street")
    LabelFactory(name="VIP")

    listed = call("support", "GET", "/api/v1/customers", query={field: value})
    bulk = call(
        "sales",
        "POST",
        "/api/v1/customers/bulk",
        body={"action": "add_labels", "labels": ["VIP"], "filter": {field: value}},
    )

    assert (listed.status_code, error_fields(listed)) == (422, {field})
    assert (bulk.status_code, error_fields(bulk)) == (422, {f"filter.{field}"})
