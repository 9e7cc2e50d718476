"""``GET/POST /api/v1/labels``."""

from typing import Any

import pytest
from django.db import IntegrityError

from clientbook.core.kit import writes
from clientbook.customers import services
from clientbook.customers.factories import LabelFactory
from clientbook.customers.models import Label
from tests.api.conftest import Caller, error_fields

pytestmark = pytest.mark.django_db

URL = "/api/v1/labels"


@pytest.fixture
def labels(db: Any) -> list[Label]:
    return [LabelFactory(name=name) for name in ("Gold", "Silver", "Bronze", "VIP")]


def test_list_labels(call: Caller, labels: list[Label]) -> None:
    response = call("support", "GET", URL)

    assert response.status_code == 200
    body = response.json()
    assert (body["count"], body["page"], body["page_size"]) == (4, 1, 20)
    assert [item["name"] for item in body["items"]] == ["Bronze", "Gold", "Silver", "VIP"]
    assert set(body["items"][0]) == {"id", "name", "colour", "created_at", "updated_at", "version"}


def test_list_labels_search_and_paging(call: Caller, labels: list[Label]) -> None:
    searched = call("accounting", "GET", URL, query={"q": "IL"}).json()
    second_page = call("accounting", "GET", URL, query={"page": 2, "page_size": 3}).json()
    past_the_end = call("accounting", "GET", URL, query={"page": 5, "page_size": 3}).json()

    assert [item["name"] for item in searched["items"]] == ["Silver"]
    assert [item["name"] for item in second_page["items"]] == ["VIP"]
    # The kit's list envelope, as the customers' list: it says whether the count is an estimate.
    assert past_the_end == {"items": [], "count": 4, "page": 5, "page_size": 3, "count_is_estimate": False}


def test_deleted_labels_are_not_listed(call: Caller, labels: list[Label]) -> None:
    services.delete_label(user=None, label=labels[0])

    assert "Gold" not in [item["name"] for item in call("sales", "GET", URL).json()["items"]]


@pytest.mark.parametrize(
    ("query", "field"),
    [({"page_size": "101"}, "page_size"), ({"page": "0"}, "page"), ({"page_size": "many"}, "page_size")],
)
def test_list_labels_bad_query(call: Caller, query: dict[str, str], field: str) -> None:
    response = call("sales", "GET", URL, query=query)

    assert response.status_code == 422
    assert error_fields(response) == {field}


@pytest.mark.parametrize("role", ["admin", "sales"])
def test_create_label(call: Caller, role: str) -> None:
    response = call(role, "POST", URL, body={"name": "  Key account ", "colour": "success"})

    assert response.status_code == 201, response.content
    assert response.json()["name"] == "Key account"
    assert response.json()["colour"] == "success"
    assert Label.objects.get(name="Key account").colour == "success"


def test_create_label_defaults_to_blue(call: Caller) -> None:
    assert call("sales", "POST", URL, body={"name": "Plain"}).json()["colour"] == "primary"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "vip"}, "name"),
        ({"name": ""}, "name"),
        ({"name": "   "}, "name"),
        ({"name": "N" * 61}, "name"),
        ({"name": None}, "name"),
        ({}, "name"),
        ({"name": "Fine", "colour": "plaid"}, "colour"),
        ({"name": "Fine", "rank": 1}, "rank"),
    ],
)
def test_create_label_bad_input(call: Caller, labels: list[Label], body: dict[str, Any], field: str) -> None:
    before = Label.all_objects.count()

    response = call("sales", "POST", URL, body=body)

    assert response.status_code == 422, response.content
    assert field in error_fields(response)
    assert Label.all_objects.count() == before


def test_a_write_that_loses_a_race_is_a_409(call: Caller, monkeypatch: pytest.MonkeyPatch) -> None:
    """Two clients creating the same name at once: the database's unique index refuses the second."""

    def lose_the_race(*args: Any, **kwargs: Any) -> Label:
        raise IntegrityError("UNIQUE constraint failed: unique_live_label_name")

    # The API creates through the kit's write skeleton (it used to call services.create_label).
    monkeypatch.setattr(writes, "create", lose_the_race)

    response = call("sales", "POST", URL, body={"name": "Twice"})

    assert response.status_code == 409
    assert error_fields(response) == set()


@pytest.mark.parametrize("role", ["support", "accounting"])
def test_read_only_roles_may_list_but_not_create_labels(call: Caller, labels: list[Label], role: str) -> None:
    assert call(role, "GET", URL).status_code == 200
    response = call(role, "POST", URL, body={"name": "Sneaky"})

    assert response.status_code == 403
    error_fields(response)
    assert not Label.objects.filter(name="Sneaky").exists()


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_anonymous_may_not_use_labels(call: Caller, method: str) -> None:
    response = call(None, method, URL, body={"name": "Anon"} if method == "POST" else None)

    assert response.status_code == 401
    assert not Label.objects.filter(name="Anon").exists()
