"""API: dates and moments are ISO 8601 text; a number is not read as a Unix time."""

from typing import Any

import pytest

from clientbook.customers.factories import CustomerFactory
from tests.api.conftest import Book, Caller, error_fields

pytestmark = pytest.mark.django_db

URL = "/api/v1/customers"


@pytest.mark.parametrize("value", [0, 1700000000, 1.5, "0", "20240102", "2024-01-02T00:00:00", True, "2024-1-2"])
@pytest.mark.parametrize("field", ["activated_on", "birthday", "account_opened_on"])
def test_a_date_field_takes_iso_text_only(call: Caller, users: dict[str, Any], field: str, value: Any) -> None:
    response = call("sales", "POST", URL, body={"last_name": "Jallow", field: value})

    assert response.status_code == 422, response.content
    assert error_fields(response) == {field}


def test_an_iso_date_is_stored(call: Caller, users: dict[str, Any]) -> None:
    response = call("sales", "POST", URL, body={"last_name": "Jallow", "activated_on": "2024-03-01"})

    assert response.status_code == 201
    assert response.json()["activated_on"] == "2024-03-01"


def test_a_patch_refuses_a_number_as_a_date(call: Caller, users: dict[str, Any]) -> None:
    customer = CustomerFactory(last_name="Jallow")
    response = call("sales", "PATCH", f"{URL}/{customer.code}", body={"activated_on": 0})

    assert response.status_code == 422 and error_fields(response) == {"activated_on"}
    customer.refresh_from_db()
    assert customer.activated_on is None


@pytest.mark.parametrize(
    ("path", "name"),
    [(URL, "created_after"), (URL, "updated_before"), ("/api/v1/audit", "at_after"), ("/api/v1/audit", "at_before")],
)
def test_list_filters_take_iso_dates_only(call: Caller, book: Book, path: str, name: str) -> None:
    assert call("admin", "GET", path, query={name: "0"}).status_code == 422
    assert call("admin", "GET", path, query={name: "2024-01-01"}).status_code == 200


def test_a_moment_is_iso_text(call: Caller, book: Book) -> None:
    url = f"{URL}/{book.code('Binta')}/as-of"
    response = call("admin", "GET", url, query={"at": "1700000000"})
    assert response.status_code == 422 and error_fields(response) == {"at"}
    assert call("admin", "GET", url, query={"at": "2030-01-01T00:00:00Z"}).status_code == 200
