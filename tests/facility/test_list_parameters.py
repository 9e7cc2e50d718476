"""The facility's API lists answer odd query values with a 4xx naming the parameter, never a 500."""

from typing import Any

import pytest

from clientbook.facility.factories import AccessCardFactory, EventFactory, VehicleFactory

pytestmark = pytest.mark.django_db

LISTS = ("vehicles", "access-cards", "zones", "devices", "events", "entries")
ODD = (
    "plate=%00",
    "plate=a%00b",
    "q=%00",
    "card_number=%00",
    "plate=" + "A" * 5000,
    "q=" + "x" * 5000,
    "year=abc",
    "year=99999999999999999999999",
    "year=1e400",
    "year=-1",
    "year=NaN",
    "year=1&year=2",
    "plate=a&plate=b",
    "sort=nonsense",
    "sort=-",
    "sort=%00",
    "sort=plate&sort=year",
    "page=abc",
    "page=-1",
    "page=99999999999999999999",
    "page_size=0",
    "page_size=abc",
    "state=nonsense",
    "kind=nonsense",
    "kind=entry&kind=%00",
    "from_day=2026-02-30",
    "from_day=%00",
    "until_day=9999-12-31",
    "from_day=0001-01-01",
    "until_day=0001-01-01",
    'q="',
    "q=*",
    "q=NEAR(",
    "q=%EF%AC%81",
    "plate=%EF%AC%81",
    "plate=%C3%9F",
    "tags=%00",
    "customer=%00",
    "zone=%00",
    "reason=%00",
    "valid_until_before=notadate",
    "valid_until_after=%00",
    "capacity=abc",
    "enabled=maybe",
    "%00=1",
)


@pytest.mark.parametrize("slug", LISTS)
def test_odd_query_values_never_answer_a_server_error(slug: str, client_for: Any, berlin: Any) -> None:
    VehicleFactory(plate="AB-12-CD", year=2020)
    EventFactory(card=AccessCardFactory())
    client = client_for("admin")
    failures = {}
    for query in ODD:
        response = client.get(f"/api/v1/{slug}?{query}")
        if response.status_code >= 500 or response.status_code not in (200, 400, 422):
            failures[query[:60]] = (response.status_code, response.content[:200])
        elif response.status_code != 200:
            assert response.json().get("errors") or response.json().get("detail"), (query, response.content[:200])
    assert not failures, failures


@pytest.mark.parametrize("slug", LISTS)
def test_the_list_pages_take_the_same_values_without_a_server_error(slug: str, client_for: Any, berlin: Any) -> None:
    VehicleFactory(plate="AB-12-CD", year=2020)
    client = client_for("admin")
    statuses = {query[:60]: client.get(f"/{slug}/?{query}").status_code for query in ODD}
    assert not {query: status for query, status in statuses.items() if status not in (200, 400, 422)}
