"""Labels on the model kit: its page and API tests, and what the kit's list gives labels (sort, search, export)."""

from typing import Any

import pytest
from django.urls import reverse

from clientbook.core.testing.api import SpecApiTests
from clientbook.core.testing.web import SpecWebTests
from clientbook.customers.factories import CustomerFactory, LabelFactory
from clientbook.customers.specs import LABELS


class TestLabelPages(SpecWebTests):
    spec = LABELS
    factory = LabelFactory


class TestLabelApi(SpecApiTests):
    spec = LABELS
    factory = LabelFactory
    create_body = {"name": "Key account", "colour": "success"}
    patch_body = {"colour": "danger"}


def names_on(response: Any) -> list[str]:
    return [part.split('"', 1)[0] for part in response.content.decode().split('<tr data-label="')[1:]]


@pytest.mark.django_db
def test_labels_sort_by_how_many_customers_carry_them(client_for: Any) -> None:
    gold, silver, _ = LabelFactory(name="Gold"), LabelFactory(name="Silver"), LabelFactory(name="Bronze")
    CustomerFactory(labels=[gold, silver])
    CustomerFactory(labels=[silver])

    response = client_for("support").get(reverse("labels:label_list"), {"sort": "-customers"})

    assert names_on(response) == ["Silver", "Gold", "Bronze"]


@pytest.mark.django_db
def test_the_api_searches_and_sorts_labels_as_the_page_does(client_for: Any) -> None:
    for name in ("Gold", "Golden age", "ＧＯＬＤ member", "Silver"):
        LabelFactory(name=name)
    client = client_for("support")

    long = client.get("/api/v1/labels", {"q": "gold", "sort": "-name"}).json()
    short = client.get("/api/v1/labels", {"q": "il"}).json()

    assert [item["name"] for item in long["items"]] == ["Golden age", "ＧＯＬＤ member", "Gold"]
    assert [item["name"] for item in short["items"]] == ["Silver"]


@pytest.mark.django_db
def test_the_label_list_offers_the_export_of_its_columns(client_for: Any) -> None:
    LabelFactory(name="VIP")
    html = client_for("support").get(reverse("labels:label_list")).content.decode()
    dialog = client_for("support").get(reverse("exports:dialog", args=["labels"])).content.decode()

    assert 'data-testid="export-button"' in html
    assert 'value="name"' in dialog and 'value="colour"' in dialog


@pytest.mark.django_db
def test_the_sidebar_shows_labels_once(client_for: Any) -> None:
    html = client_for("support").get(reverse("labels:label_list")).content.decode()

    assert html.count('<i class="bi bi-tags" aria-hidden="true"></i> Labels</a>') == 1
    assert 'href="/labels/" data-testid="nav-labels"' in html
