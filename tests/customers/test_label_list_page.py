"""The labels page: a page of labels at a time, alphabetically, searchable by name."""

from typing import Any

import pytest
from django.urls import reverse

from clientbook.customers import services
from clientbook.customers.factories import CustomerFactory, LabelFactory
from clientbook.customers.specs import LABELS

pytestmark = pytest.mark.django_db

URL = reverse("labels:label_list")
LABELS_PER_PAGE = LABELS.per_page or 0


def names_on(response: Any) -> list[str]:
    html = response.content.decode()
    return [part.split('"', 1)[0] for part in html.split('<tr data-label="')[1:]]


@pytest.fixture
def many_labels(db: Any) -> list[str]:
    names = [f"Tag {number:03d}" for number in range(LABELS_PER_PAGE + 5)]
    for name in names:
        LabelFactory(name=name)
    return names


def test_the_page_shows_one_page_of_labels_with_links_to_the_others(client_for: Any, many_labels: list[str]) -> None:
    first = client_for("support").get(URL)
    second = client_for("support").get(URL, {"page": 2})

    assert names_on(first) == many_labels[:LABELS_PER_PAGE]
    assert names_on(second) == many_labels[LABELS_PER_PAGE:]
    assert 'href="/labels/?page=2" hx-get="/labels/?page=2">2</a>' in first.content.decode()
    assert f"{len(many_labels)} labels" in first.content.decode()


@pytest.mark.parametrize("page", ["0", "99", "two"])
def test_a_page_out_of_range_shows_a_real_page(client_for: Any, many_labels: list[str], page: str) -> None:
    response = client_for("support").get(URL, {"page": page})

    assert response.status_code == 200
    assert names_on(response) in (many_labels[:LABELS_PER_PAGE], many_labels[LABELS_PER_PAGE:])


def test_labels_sort_alphabetically_whatever_their_case(client_for: Any) -> None:
    for name in ["beta", "Alpha", "ＧＡＭＭＡ", "Delta"]:
        LabelFactory(name=name)

    assert names_on(client_for("support").get(URL)) == ["Alpha", "beta", "Delta", "ＧＡＭＭＡ"]


def test_search_finds_labels_by_part_of_the_name_ignoring_case_and_width(client_for: Any) -> None:
    for name in ["Gold", "Golden age", "ＧＯＬＤ member", "Silver"]:
        LabelFactory(name=name)

    response = client_for("support").get(URL, {"q": "  gold "})

    assert names_on(response) == ["Gold", "ＧＯＬＤ member", "Golden age"]
    assert 'value="gold"' in response.content.decode()
    assert "3 labels" in response.content.decode()


def test_search_keeps_the_query_in_the_page_links(client_for: Any, many_labels: list[str]) -> None:
    response = client_for("support").get(URL, {"q": "tag"})

    assert 'href="/labels/?q=tag&amp;page=2" hx-get="/labels/?q=tag&amp;page=2">2</a>' in response.content.decode()
    assert names_on(client_for("support").get(URL, {"q": "tag", "page": 2})) == many_labels[LABELS_PER_PAGE:]


def test_a_search_that_matches_nothing_says_so(client_for: Any) -> None:
    LabelFactory(name="Gold")

    response = client_for("support").get(URL, {"q": "platinum"})

    assert names_on(response) == []
    assert "No labels match “platinum”." in response.content.decode()


def test_a_huge_search_matches_nothing_instead_of_failing(client_for: Any) -> None:
    LabelFactory(name="Gold")

    response = client_for("support").get(URL, {"q": "x" * 50_001})

    assert response.status_code == 200
    assert names_on(response) == []


def test_customer_counts_are_of_live_customers_on_the_page(client_for: Any) -> None:
    gold = LabelFactory(name="Gold")
    LabelFactory(name="Silver")
    CustomerFactory(labels=[gold])
    services.delete_customer(user=None, customer=CustomerFactory(labels=[gold]))

    html = client_for("support").get(URL).content.decode()

    assert '?label=Gold" title="Show these customers">1</a>' in html
    assert html.count('<span class="text-body-tertiary">0</span>') == 1


def test_the_table_refreshes_with_the_same_search_and_page(client_for: Any, many_labels: list[str]) -> None:
    html = client_for("sales").get(URL, {"q": "tag", "page": 2}).content.decode()

    assert 'hx-get="/labels/?q=tag&amp;page=2" hx-trigger="refreshList from:body"' in html
