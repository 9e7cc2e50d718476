"""The benchmark's bulk rows carry the same search fields the model computes for itself."""

from typing import Any

import pytest

from bench.rows import COLUMNS, RowBuilder
from clientbook.customers.models import Customer

LABELS = {1: "VIP", 2: "Key account", 3: "Late payer"}


def customer_from(values: tuple[Any, ...], organizations: dict[int, Customer]) -> Customer:
    fields = dict(zip(COLUMNS, values, strict=True))
    customer = Customer(**{name: value for name, value in fields.items() if name not in {"officer_id"}})
    if customer.organization_id:
        customer.organization = organizations[customer.organization_id]
    return customer


@pytest.mark.parametrize("seed", [1, 2])
def test_bulk_rows_match_the_model_search_fields(seed: int) -> None:
    builder = RowBuilder(
        seed=seed, officer_ids=[1, 2], label_ids=list(LABELS), label_names=LABELS, phones_per_country=20
    )
    organizations: dict[int, Customer] = {}
    checked_people_in_organizations = 0
    for row in builder.rows(400):
        customer = customer_from(row.values, organizations)
        if customer.kind == Customer.Kind.ORGANIZATION:
            organizations[customer.id] = customer
        checked_people_in_organizations += bool(customer.organization_id)
        built_document, built_sort_name = customer.search_document, customer.sort_name
        customer.refresh_search_fields([LABELS[label_id] for label_id in row.label_ids])
        assert (built_document, built_sort_name) == (customer.search_document, customer.sort_name), customer.code
    assert checked_people_in_organizations > 50


def test_rows_are_deterministic() -> None:
    def first_rows(seed: int) -> list[tuple[Any, ...]]:
        builder = RowBuilder(
            seed=seed, officer_ids=[1], label_ids=list(LABELS), label_names=LABELS, phones_per_country=20
        )
        return [row.values for row in builder.rows(50)]

    assert first_rows(3) == first_rows(3)
    assert first_rows(3) != first_rows(4)
