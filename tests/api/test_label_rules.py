"""The label-name rules through the API: huge, invisible and look-alike names, and the cap on new labels
per write, refused as 422 naming the field (the rules themselves: tests/customers/test_label_names.py)."""

from typing import Any

import pytest

from clientbook.core.records import bulk
from clientbook.customers import bulk as customer_bulk
from clientbook.customers.factories import CustomerFactory, LabelFactory
from clientbook.customers.forms import LabelForm
from clientbook.customers.models import Label
from tests.api.conftest import Caller, error_fields
from tests.customers.test_label_names import HUGE_NAME, INVISIBLE

pytestmark = pytest.mark.django_db


def test_api_label_writes_with_a_huge_name_are_422(call: Caller) -> None:
    vip = LabelFactory(name="VIP")
    CustomerFactory(labels=[vip])

    created = call("sales", "POST", "/api/v1/labels", body={"name": HUGE_NAME})
    renamed = call("sales", "PATCH", f"/api/v1/labels/{vip.pk}", body={"name": HUGE_NAME})
    customer = call("sales", "POST", "/api/v1/customers", body={"last_name": "Ng", "labels": [HUGE_NAME]})
    bulk_add = call(
        "sales", "POST", "/api/v1/customers/bulk", body={"action": "add_labels", "labels": [HUGE_NAME], "filter": {}}
    )
    bulk_remove = call(
        "sales", "POST", "/api/v1/customers/bulk", body={"action": "remove_labels", "labels": [HUGE_NAME], "filter": {}}
    )

    assert (created.status_code, error_fields(created)) == (422, {"name"})
    assert (renamed.status_code, error_fields(renamed)) == (422, {"name"})
    for response in (customer, bulk_add, bulk_remove):
        assert (response.status_code, error_fields(response)) == (422, {"labels"})
    assert list(Label.objects.values_list("name", flat=True)) == ["VIP"]


@pytest.mark.parametrize("name", INVISIBLE)
def test_the_label_form_and_the_api_refuse_the_same_invisible_names(call: Caller, name: str) -> None:
    form = LabelForm({"name": name, "colour": "primary"})
    response = call("sales", "POST", "/api/v1/labels", body={"name": name})

    assert not form.is_valid() and list(form.errors) == ["name"]
    assert (response.status_code, error_fields(response)) == (422, {"name"})
    assert not Label.objects.exists()


def test_an_invisible_name_among_a_customers_labels_is_refused_on_labels(call: Caller) -> None:
    response = call("sales", "POST", "/api/v1/customers", body={"last_name": "Ng", "labels": ["Gold", "\u200b"]})

    assert (response.status_code, error_fields(response)) == (422, {"labels"})
    assert not Label.objects.exists()


def test_an_api_customer_write_naming_2000_new_labels_is_refused_on_labels(call: Caller) -> None:
    body = {"last_name": "Ng", "labels": [f"Tag {number}" for number in range(2_000)]}

    response = call("sales", "POST", "/api/v1/customers", body=body)

    assert (response.status_code, error_fields(response)) == (422, {"labels"})
    assert "at most 20 new labels" in response.json()["errors"][0]["message"]
    assert not Label.objects.exists()


def test_an_api_patch_naming_too_many_new_labels_changes_nothing(call: Caller) -> None:
    customer = CustomerFactory()
    body = {"city": "Banjul", "labels": [f"Tag {number}" for number in range(21)]}

    response = call("sales", "PATCH", f"/api/v1/customers/{customer.code}", body=body)

    assert (response.status_code, error_fields(response)) == (422, {"labels"})
    customer.refresh_from_db()
    assert customer.city != "Banjul" and customer.version == 1
    assert not Label.objects.exists()


def test_bulk_add_labels_creates_no_labels(call: Caller, users: dict[str, Any]) -> None:
    customer = CustomerFactory()
    names = [f"Tag {number}" for number in range(2_000)]

    response = call(
        "sales",
        "POST",
        "/api/v1/customers/bulk",
        body={"action": "add_labels", "labels": names, "codes": [customer.code]},
    )

    assert (response.status_code, error_fields(response)) == (422, {"labels"})
    message = response.json()["errors"][0]["message"]
    assert message.startswith("Unknown label(s): Tag 0, Tag 1,") and message.endswith("and 1,990 more.")
    assert not Label.objects.exists()
    operation = customer_bulk.add_labels(
        user=users["sales"], selection=bulk.Selection.of_keys([customer.code]), labels=[LabelFactory(name="VIP")]
    )
    assert operation.row_count == 1


def test_a_huge_label_search_matches_nothing_instead_of_failing(call: Caller) -> None:
    LabelFactory(name="Gold")

    response = call("support", "GET", "/api/v1/labels", query={"q": HUGE_NAME})

    assert response.status_code == 200
    assert response.json()["items"] == []
