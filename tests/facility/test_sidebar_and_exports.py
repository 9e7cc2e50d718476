"""The Presence page in the sidebar, and the facility's exports: XLSX preselected, the list's filters applied."""

import html
import io
import re
from typing import Any

import pytest
from django.test import Client
from python_calamine import CalamineWorkbook

from clientbook.core.kit.tabs import child_tab_url
from clientbook.customers.factories import CustomerFactory
from clientbook.facility.factories import VehicleFactory
from clientbook.facility.specs import ACCESS_CARDS, DEVICES, ENTRIES, EVENTS, VEHICLES, ZONES
from tests.facility.conftest import Gate

pytestmark = pytest.mark.django_db

PRESENCE_LINK = 'data-testid="nav-presence"'


def test_the_sidebar_offers_presence_to_who_may_view_events(client_for: Any) -> None:
    for role in ("facility", "admin"):
        page = client_for(role).get("/customers/").content.decode()
        assert f'href="/zones/presence/" {PRESENCE_LINK}' in page
    for role in ("support", "sales", "accounting"):
        assert PRESENCE_LINK not in client_for(role).get("/customers/").content.decode()


def test_on_the_presence_page_its_entry_is_the_active_one_not_the_zones(client_for: Any) -> None:
    page = client_for("facility").get("/zones/presence/").content.decode()
    active = re.findall(r'<a class="nav-link active"[^>]*data-testid="([^"]+)"', page)
    assert active == ["nav-presence"]


def _checked_format(client: Client, url: str) -> str:
    dialog = client.get(url).content.decode()
    checked = re.findall(r'<input type="radio" name="format" value="(\w+)"[^>]*checked', dialog)
    assert len(checked) == 1, dialog
    return checked[0]


@pytest.mark.parametrize("spec", [VEHICLES, ACCESS_CARDS, ZONES, DEVICES, EVENTS, ENTRIES], ids=lambda spec: spec.slug)
def test_the_facility_lists_preselect_xlsx(spec: Any, client_for: Any) -> None:
    assert _checked_format(client_for("admin"), f"/exports/{spec.slug}/") == "xlsx"


def test_other_lists_keep_csv_as_their_default(client_for: Any) -> None:
    assert _checked_format(client_for("admin"), "/exports/customers/") == "csv"


def _tab_export_url(client: Client, spec: Any, customer: Any) -> str:
    tab = client.get(child_tab_url(spec, customer)).content.decode()
    match = re.search(r'href="(/exports/[^"]+)"\s+hx-get', tab)
    assert match, "the tab has an Export button"
    return html.unescape(match.group(1))


def _rows(response: Any) -> list[list[Any]]:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()


def test_a_customer_tab_exports_xlsx_of_its_own_rows_with_its_filters(gate: Gate, client_for: Any) -> None:
    gate.decide(direction="entry")
    gate.decide(direction="exit")
    other = gate.card_for(card_number="OTHER1")
    gate.decide(card_number=other.card_number, direction="entry")
    customer = gate.card.customer
    client = client_for("facility")
    url = _tab_export_url(client, EVENTS, customer)
    assert _checked_format(client, url) == "xlsx"
    query = f"{url.partition('?')[2]}&kind=exit"
    response = client.post(
        f"/exports/{EVENTS.slug}/", {"selected_fields": ["kind", "customer", "card"], "format": "xlsx", "query": query}
    )
    assert response.status_code == 200 and response["Content-Disposition"].endswith('.xlsx"')
    rows = _rows(response)
    assert rows[1:] == [["Exit", customer.code, gate.card.card_number]]


def test_the_vehicles_tab_export_holds_the_customers_vehicles_only(client_for: Any) -> None:
    owner, stranger = CustomerFactory(), CustomerFactory()
    VehicleFactory(customer=owner, plate="AB-123-CD", brand="Volvo")
    VehicleFactory(customer=owner, plate="EF-456-GH", brand="Skoda")
    VehicleFactory(customer=stranger, plate="XY-999-ZZ", brand="Volvo")
    client = client_for("facility")
    url = _tab_export_url(client, VEHICLES, owner)
    assert _checked_format(client, url) == "xlsx"
    query = f"{url.partition('?')[2]}&brand=volvo"
    response = client.post(
        f"/exports/{VEHICLES.slug}/", {"selected_fields": ["plate", "brand"], "format": "xlsx", "query": query}
    )
    assert _rows(response)[1:] == [["AB-123-CD", "Volvo"]]
