"""``GET /api/v1/search``: the palette's groups as JSON, its refusals and who may call it."""

from typing import Any

import pytest

from clientbook.contacts.factories import ContactFactory
from clientbook.customers.factories import CustomerFactory, OrganizationFactory
from tests.api.conftest import Caller, error_fields

pytestmark = pytest.mark.django_db

URL = "/api/v1/search"


def test_the_answer_has_the_groups_and_the_exact_hit(call: Caller) -> None:
    wanted = CustomerFactory(first_name="Jose", last_name="Alvarez", phone="+1 940 986 3836", city="Denton")
    ContactFactory(organization=OrganizationFactory(company_name="Denton Works"), last_name="Nobody")

    response = call("support", "GET", URL, query={"q": "(940) 986-3836"})

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"query", "exact", "groups"}
    assert body["query"] == "(940) 986-3836"
    expected = {
        "kind": "customers",
        "title": "Jose Alvarez",
        "short_name": wanted.code,
        "subtitle": f"{wanted.email} · +1 940-986-3836 · Denton",
        "url": f"/customers/{wanted.code}/",
        "exact": True,
    }
    assert body["exact"] == expected
    assert body["groups"] == [
        {
            "kind": "customers",
            "title": "Customers",
            "results": [expected],
            "more": False,
            "see_all_url": "/customers/?q=%28940%29+986-3836",
        }
    ]


def test_words_give_groups_without_an_exact_hit(call: Caller) -> None:
    organization = OrganizationFactory(company_name="Denton Works")
    ContactFactory(organization=organization, first_name="Ida", last_name="Denton")

    body = call("accounting", "GET", URL, query={"q": "  denton  "}).json()

    assert body["query"] == "denton"
    assert body["exact"] is None
    assert [(group["kind"], [result["title"] for result in group["results"]]) for group in body["groups"]] == [
        ("customers", ["Denton Works"]),
        ("contacts", ["Ida Denton"]),
    ]


@pytest.mark.parametrize("query", [{}, {"q": ""}, {"q": "   "}, {"q": "x" * 201}])
def test_an_empty_or_too_long_query_is_a_422_naming_q(call: Caller, query: dict[str, str]) -> None:
    response = call("sales", "GET", URL, query=query)

    assert response.status_code == 422
    assert error_fields(response) == {"q"}


def test_an_unknown_parameter_is_refused(call: Caller) -> None:
    response = call("sales", "GET", URL, query={"q": "x", "kind": "customers"})

    assert response.status_code == 400
    assert error_fields(response) == {"kind"}


def test_an_anonymous_caller_is_told_to_log_in(call: Caller) -> None:
    response = call(None, "GET", URL, query={"q": "denton"})

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'


def test_the_browsers_session_may_search(client_for: Any) -> None:
    CustomerFactory(first_name="Session", last_name="Searcher")

    response = client_for("sales").get(URL, {"q": "searcher"})

    assert response.status_code == 200
    assert response.json()["groups"][0]["results"][0]["title"] == "Session Searcher"
