"""The customer write rules through the API: a PATCH that changes nothing keeps the version and ETag,
names must show, descriptions have a limit (the rules themselves: tests/customers/test_write_rules.py)."""

import pytest

from clientbook.core.models import AuditEvent
from clientbook.customers.factories import CustomerFactory, LabelFactory
from clientbook.customers.models import Customer
from tests.api.conftest import Caller, error_fields

pytestmark = pytest.mark.django_db

URL = "/api/v1/customers"


def test_a_patch_that_changes_nothing_keeps_version_etag_and_trail(call: Caller) -> None:
    customer = CustomerFactory(city="Banjul", labels=[LabelFactory(name="VIP")])
    url = f"{URL}/{customer.code}"
    read = call("sales", "GET", url)
    # Counted for customers alone: each call of ``call`` records the creation of its token.
    events = AuditEvent.objects.filter(object_type="customers.customer").count()

    response = call("sales", "PATCH", url, body={"city": "Banjul", "labels": ["vip"]})

    assert response.status_code == 200, response.content
    assert response["ETag"] == read["ETag"]
    assert response.json()["version"] == 1
    assert response.json()["updated_at"] == read.json()["updated_at"]
    assert AuditEvent.objects.filter(object_type="customers.customer").count() == events


def test_a_patch_that_changes_something_moves_the_etag(call: Caller) -> None:
    customer = CustomerFactory(city="Banjul")
    url = f"{URL}/{customer.code}"
    read = call("sales", "GET", url)

    response = call("sales", "PATCH", url, body={"city": "Lagos"})

    assert response.status_code == 200
    assert response["ETag"] != read["ETag"]
    assert response.json()["version"] == 2


@pytest.mark.parametrize("value", ["   ", "\u200b", "\u200b\u200d", "\ufeff", "\u3164"])
@pytest.mark.parametrize("field", ["first_name", "last_name"])
def test_a_person_name_of_invisible_characters_is_422(call: Caller, field: str, value: str) -> None:
    body = {"first_name": "Ada", "last_name": "Lovelace", field: value}

    response = call("sales", "POST", URL, body=body)

    assert response.status_code == 422, response.content
    assert error_fields(response) == {field}
    assert not Customer.all_objects.exists()


@pytest.mark.parametrize("value", ["   ", "\u200b"])
def test_an_organization_name_of_invisible_characters_is_422(call: Caller, value: str) -> None:
    response = call("sales", "POST", URL, body={"kind": "organization", "company_name": value})

    assert (response.status_code, error_fields(response)) == (422, {"company_name"})


def test_a_patch_to_an_invisible_name_is_422(call: Caller) -> None:
    customer = CustomerFactory(first_name="Ada")

    response = call("sales", "PATCH", f"{URL}/{customer.code}", body={"first_name": "\u200b\u200b"})

    assert (response.status_code, error_fields(response)) == (422, {"first_name"})
    assert Customer.objects.get(pk=customer.pk).first_name == "Ada"


def test_a_description_past_the_limit_is_422(call: Caller) -> None:
    response = call("sales", "POST", URL, body={"last_name": "Ng", "description": "d" * 2_400_000})

    assert (response.status_code, error_fields(response)) == (422, {"description"})
    assert "at most 10,000 characters" in response.json()["errors"][0]["message"]
    assert not Customer.all_objects.exists()
