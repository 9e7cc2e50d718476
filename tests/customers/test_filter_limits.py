"""Limits of the customer filters, wherever they are read (list page, bulk selection, export dialog):
code bounds are checked by length before their digits become a number, and text filters have a
length limit, since every word becomes a condition."""

from typing import Any

import pytest
from django.http import QueryDict
from django.urls import reverse

from clientbook.core.listing.pipeline import InvalidListQuery, filtered_queryset
from clientbook.core.records import bulk
from clientbook.customers.factories import CustomerFactory
from clientbook.customers.filters import SEARCH_TEXT_MAX_LENGTH, CustomerFilterSet
from clientbook.customers.models import Customer
from clientbook.customers.specs import CUSTOMER_LIST

pytestmark = pytest.mark.django_db

# Past Python's limit on converting digits to an int (4,300).
HUGE_CODE = "9" * 5_000
TOO_LONG = "A customer code has at most 12 digits after CUST; this one has 5,000 characters."


def filterset(**params: str) -> CustomerFilterSet:
    data = QueryDict(mutable=True)
    data.update(params)
    return CustomerFilterSet(data, queryset=Customer.objects.all())


@pytest.mark.parametrize("field", ["code_min", "code_max"])
@pytest.mark.parametrize("value", [HUGE_CODE, f"CUST{HUGE_CODE}", f"cust{HUGE_CODE}"])
def test_a_huge_code_is_a_form_error_on_its_field(field: str, value: str) -> None:
    filters = filterset(**{field: value})

    assert not filters.is_valid()
    assert filters.errors == {field: [TOO_LONG]}


@pytest.mark.parametrize("value", ["²", "٤٢", "CUST٤٢", "4.2", "-1", "CUSTX"])
def test_other_digits_and_non_codes_are_refused(value: str) -> None:
    filters = filterset(code_min=value)

    assert not filters.is_valid()
    assert filters.errors == {"code_min": [f"“{value}” is not a customer code."]}


def test_codes_in_every_spelling_still_bound_the_list() -> None:
    first, second, third = (CustomerFactory() for _ in range(3))

    for low, high in [(second.code, third.code), ("cust2", "3"), (" 2 ", "CUST000000000003"), ("0", "3")]:
        filters = filterset(code_min=low, code_max=high)
        assert filters.is_valid(), filters.errors
        expected = [second, third] if low != "0" else [first, second, third]
        assert list(filters.qs.order_by("code")) == expected


def test_the_list_pipeline_names_the_field(users: dict[str, Any]) -> None:
    with pytest.raises(InvalidListQuery) as excinfo:
        filtered_queryset(CUSTOMER_LIST, users["sales"], QueryDict(f"code_max={HUGE_CODE}"))

    assert excinfo.value.errors == {"code_max": TOO_LONG}


def test_a_bulk_selection_by_a_huge_code_is_refused_before_anything_runs(users: dict[str, Any]) -> None:
    CustomerFactory()
    selection = bulk.Selection.matching(QueryDict(f"code_min={HUGE_CODE}"))

    with pytest.raises(InvalidListQuery) as excinfo:
        bulk.resolve(CUSTOMER_LIST, users["sales"], selection)

    assert excinfo.value.errors == {"code_min": TOO_LONG}


def test_the_list_page_shows_the_error_next_to_the_field(client_for: Any) -> None:
    CustomerFactory()

    response = client_for("sales").get(reverse("customers:customer_list"), {"code_min": HUGE_CODE})

    assert response.status_code == 200
    assert f'<div id="filter-error-code_min" class="filter-error">{TOO_LONG}' in response.content.decode()


def test_the_export_dialog_names_the_field(client_for: Any) -> None:
    CustomerFactory()

    response = client_for("sales").post(
        reverse("exports:dialog", args=["customers"]),
        {"selected_fields": ["code"], "format": "csv", "query": f"code_max={HUGE_CODE}"},
    )

    assert response.status_code == 422
    assert TOO_LONG in response.content.decode()


def test_the_bulk_form_refuses_a_huge_code_selection(client_for: Any) -> None:
    CustomerFactory()

    response = client_for("sales").post(
        reverse("customers:customer_bulk_status"),
        {"all": "1", "query": f"code_min={HUGE_CODE}", "status": "inactive"},
    )

    assert response.status_code in (200, 422)
    assert TOO_LONG in response.content.decode()
    assert not Customer.objects.filter(status=Customer.Status.INACTIVE).exists()


# --- Text filters ---------------------------------------------------------------------------------


@pytest.mark.parametrize("field", ["q", "name", "phone", "address"])
def test_a_text_filter_past_its_limit_is_a_form_error_on_its_field(field: str) -> None:
    filters = filterset(**{field: "ab " * 2_000})

    assert not filters.is_valid()
    assert filters.errors == {field: ["Ensure this value has at most 200 characters (it has 5999)."]}


@pytest.mark.parametrize("field", ["q", "name", "address"])
def test_a_text_filter_at_its_limit_still_filters(field: str) -> None:
    CustomerFactory(first_name="Ab", street="Ab Road")
    value = ("ab " * 100)[:SEARCH_TEXT_MAX_LENGTH]

    filters = filterset(**{field: value})

    assert filters.is_valid(), filters.errors
    assert filters.qs.count() == 1
