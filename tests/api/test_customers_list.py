"""``GET /api/v1/customers``: the list page's search, filters, sort and paging, through the API."""

from typing import Any

import pytest

from clientbook.api.pagination import query_dict
from clientbook.core.listing.pipeline import get_spec, run_list
from clientbook.customers.factories import CustomerFactory
from clientbook.customers.models import Customer
from tests.api.conftest import Book, Caller, error_fields, names

pytestmark = pytest.mark.django_db

URL = "/api/v1/customers"
ALL = {"Acme Insurance", "José Álvarez", "Binta Singhateh", "Chen Wei", "Dana Prospect"}


def test_list_returns_the_envelope_and_whole_records(call: Caller, book: Book) -> None:
    response = call("support", "GET", URL)

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"items", "count", "page", "page_size", "count_is_estimate"}
    assert (body["count"], body["page"], body["page_size"], body["count_is_estimate"]) == (5, 1, 20, False)
    assert set(names(response)) == ALL
    jose = next(item for item in body["items"] if item["code"] == book.code("José"))
    assert jose["phone"] == "+19409863836"
    assert jose["country"] == "US"
    assert jose["balance"] == "100.00"
    assert jose["officer"] == "sales-user"
    assert jose["organization"] == book.code("Acme")
    assert jose["labels"] == ["VIP"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ([("q", "jose")], {"José Álvarez"}),
        ([("q", "940-986-3836")], {"José Álvarez"}),
        ([("q", "denton"), ("kind", "person")], {"José Álvarez"}),
        ([("code_min", "{Binta}")], {"Binta Singhateh", "Chen Wei", "Dana Prospect"}),
        ([("code_max", "{José}")], {"Acme Insurance", "José Álvarez"}),
        ([("name", "singhateh")], {"Binta Singhateh"}),
        ([("phone", "+44 20 7946 0958")], {"Binta Singhateh"}),
        ([("address", "elm")], {"José Álvarez"}),
        ([("country", "GB")], {"Binta Singhateh"}),
        ([("balance_min", "1000")], {"Acme Insurance"}),
        ([("balance_max", "0")], {"Binta Singhateh", "Chen Wei"}),
        ([("status", "inactive"), ("status", "blocked")], {"Binta Singhateh", "Chen Wei"}),
        ([("label", "VIP")], {"José Álvarez", "Binta Singhateh"}),
        ([("label", "Late payer"), ("label", "Corporate")], {"Binta Singhateh", "Acme Insurance"}),
        ([("officer", "sales-user")], {"Acme Insurance", "José Álvarez"}),
        ([("organization", "{Acme}")], {"José Álvarez"}),
        ([("kind", "organization")], {"Acme Insurance"}),
        ([("created_after", "2024-01-01")], {"Binta Singhateh", "Chen Wei", "Dana Prospect"}),
        ([("created_before", "2023-12-31")], {"Acme Insurance", "José Álvarez"}),
        ([("updated_after", "2025-01-01")], {"Chen Wei", "Dana Prospect"}),
        ([("updated_before", "2024-02-20")], {"Acme Insurance", "Binta Singhateh"}),
        ([("q", "vip"), ("country", "US")], {"José Álvarez"}),
    ],
)
def test_each_filter(call: Caller, book: Book, query: list[tuple[str, str]], expected: set[str]) -> None:
    response = call("accounting", "GET", URL, query=[(name, book.fill(value)) for name, value in query])

    assert response.status_code == 200, response.content
    assert set(names(response)) == expected
    assert response.json()["count"] == len(expected)


def test_every_filter_of_the_list_page_is_a_documented_api_parameter(call: Caller) -> None:
    schema = call(None, "GET", "/api/v1/openapi.json").json()
    documented = {parameter["name"] for parameter in schema["paths"][URL]["get"]["parameters"]}

    filters = set(get_spec("customers").filterset.base_filters)
    assert documented == filters | {"sort", "page", "page_size", "include_deleted"}


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        (None, ["Acme Insurance", "Binta Singhateh", "Chen Wei", "Dana Prospect", "José Álvarez"]),
        ("-name", ["José Álvarez", "Dana Prospect", "Chen Wei", "Binta Singhateh", "Acme Insurance"]),
        ("balance", ["Binta Singhateh", "Chen Wei", "José Álvarez", "Dana Prospect", "Acme Insurance"]),
        ("-created_at", ["Dana Prospect", "Chen Wei", "Binta Singhateh", "José Álvarez", "Acme Insurance"]),
        ("code", ["Acme Insurance", "José Álvarez", "Binta Singhateh", "Chen Wei", "Dana Prospect"]),
    ],
)
def test_sort(call: Caller, book: Book, sort: str | None, expected: list[str]) -> None:
    response = call("sales", "GET", URL, query={"sort": sort} if sort else {})

    assert response.status_code == 200
    assert names(response) == expected


def test_paging_walks_every_customer_once(call: Caller, book: Book) -> None:
    seen: list[str] = []
    for page in (1, 2, 3):
        body = call("sales", "GET", URL, query={"page": page, "page_size": 2, "sort": "code"}).json()
        assert (body["count"], body["page"], body["page_size"]) == (5, page, 2)
        seen.extend(item["code"] for item in body["items"])

    assert seen == sorted(customer.code for customer in book.customers.values())


def test_a_page_past_the_last_is_empty_not_an_error(call: Caller, book: Book) -> None:
    response = call("sales", "GET", URL, query={"page": 4, "page_size": 2})

    assert response.status_code == 200
    assert response.json() == {"items": [], "count": 5, "page": 4, "page_size": 2, "count_is_estimate": False}


def test_deleted_customers_leave_the_list(call: Caller, book: Book) -> None:
    Customer.objects.filter(pk=book.customers["Chen"].pk).update(deleted_at=book.customers["Chen"].created_at)

    response = call("sales", "GET", URL, query={"q": "chen"})

    assert response.json()["count"] == 0


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"page_size": "101"}, "page_size"),
        ({"page_size": "0"}, "page_size"),
        ({"page": "0"}, "page"),
        ({"page": "two"}, "page"),
        ({"sort": "shoe_size"}, "sort"),
        ({"status": "asleep"}, "status"),
        ({"kind": "robot"}, "kind"),
        ({"balance_min": "lots"}, "balance_min"),
        ({"balance_max": "1.234"}, "balance_max"),
        ({"created_after": "yesterday"}, "created_after"),
        ({"updated_before": "2024-13-01"}, "updated_before"),
        ({"country": "XX"}, "country"),
        ({"officer": "nobody"}, "officer"),
        ({"organization": "CUST9999999"}, "organization"),
        ({"label": "No such label"}, "label"),
        ({"code_min": "ABC"}, "code_min"),
        ({"phone": "call me"}, "phone"),
    ],
)
def test_invalid_query_is_a_422_naming_the_parameter(
    call: Caller, book: Book, query: dict[str, str], field: str
) -> None:
    response = call("sales", "GET", URL, query=query)

    assert response.status_code == 422, response.content
    assert field in error_fields(response)


@pytest.mark.parametrize("role", ["admin", "sales", "support", "accounting"])
def test_every_role_may_list(call: Caller, book: Book, role: str) -> None:
    assert call(role, "GET", URL).status_code == 200


def test_anonymous_may_not_list(call: Caller, book: Book) -> None:
    response = call(None, "GET", URL)

    assert response.status_code == 401
    error_fields(response)
    assert "items" not in response.json()


def test_api_and_list_pipeline_agree(call: Caller, book: Book, users: dict[str, Any]) -> None:
    """The API runs the list pipeline: a query gives the same rows, in the same order, as the page's."""
    query = {"q": "example", "sort": "-balance"}
    result = run_list(get_spec("customers"), users["sales"], query_dict(query), page_size=20)

    response = call("sales", "GET", URL, query=query)

    assert [item["code"] for item in response.json()["items"]] == [c.code for c in result.page.object_list]
    assert (response.json()["count"], response.json()["count_is_estimate"]) == (result.count, result.count_is_estimate)


def test_the_list_truncates_a_long_description_and_the_record_has_it_whole(call: Caller, users: Any) -> None:
    whole = "Met at the Denton fair. " * 400
    customer = CustomerFactory(last_name="Notes", description=whole)
    CustomerFactory(last_name="Short", description="Brief.")

    items = {item["last_name"]: item for item in call("support", "GET", URL).json()["items"]}

    assert items["Notes"]["description"] == whole[:200] + "…"
    assert items["Short"]["description"] == "Brief."
    assert call("support", "GET", f"{URL}/{customer.code}").json()["description"] == whole
    schema = call(None, "GET", "/api/v1/openapi.json").json()["components"]["schemas"]
    assert "200 characters" in schema["CustomerListItemOut"]["properties"]["description"]["description"]
