"""The customer list's Client ID column and filter, and its date ranges: converted from a lead,
account opened, activated; the client ID as an exact identifier of the universal search."""

from datetime import date, timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from clientbook.core.kit.universal import universal_search
from clientbook.customers import services as customers
from clientbook.customers.factories import CustomerFactory
from clientbook.leads import services
from clientbook.leads.factories import LeadFactory
from clientbook.leads.models import Lead

pytestmark = pytest.mark.django_db


def codes(client: Any, **params: Any) -> list[str]:
    response = client.get("/api/v1/customers", {"sort": "code", **params})
    assert response.status_code == 200, response.json()
    return [item["code"] for item in response.json()["items"]]


def test_client_id_is_optional_unique_when_set_and_filtered(client_for: Any) -> None:
    first = CustomerFactory(client_id="ZX1001")
    CustomerFactory(client_id="")
    CustomerFactory(client_id="")
    with pytest.raises(ValidationError) as refused:
        CustomerFactory(client_id="ZX1001")
    assert refused.value.message_dict == {"__all__": ["Another customer has this client ID."]}
    client = client_for("support")
    assert codes(client, client_id="ZX1001") == [first.code]
    assert client.get(f"/api/v1/customers/{first.code}").json()["client_id"] == "ZX1001"


def test_the_list_page_has_a_client_id_column(users: dict[str, Any]) -> None:
    CustomerFactory(client_id="ZX2002")
    client = Client()
    client.force_login(users["support"])
    page = client.get("/customers/", {"columns": ["code", "client_id", "name"], "client_id": "ZX2002"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "Client ID" in html and "ZX2002" in html
    for name in ("client_id", "converted_after", "converted_before", "account_opened_after", "activated_before"):
        assert f'id="filter_{name}"' in html, name


def test_client_id_is_an_exact_identifier_in_universal_search(users: dict[str, Any]) -> None:
    wanted = CustomerFactory(first_name="Uma", last_name="Pillai", client_id="BRK778")
    results = universal_search(users["support"], "BRK778")
    assert results.exact is not None and results.exact.short_name == wanted.code


def test_converted_from_lead_date_range(users: dict[str, Any], client_for: Any) -> None:
    CustomerFactory()
    converted = services.convert(user=users["sales"], lead=LeadFactory()).customer
    today = timezone.localdate()
    client = client_for("support")
    assert codes(client, converted_after=today.isoformat()) == [converted.code]
    assert codes(client, converted_before=(today - timedelta(days=1)).isoformat()) == []
    assert codes(client, converted_after=today.isoformat(), converted_before=today.isoformat()) == [converted.code]


def test_account_opened_and_activated_date_ranges(client_for: Any) -> None:
    early = CustomerFactory(account_opened_on=date(2024, 1, 10), activated_on=date(2024, 2, 1))
    late = CustomerFactory(account_opened_on=date(2025, 3, 5), activated_on=date(2025, 3, 20))
    CustomerFactory()
    client = client_for("support")
    assert codes(client, account_opened_after="2025-01-01") == [late.code]
    assert codes(client, account_opened_before="2024-12-31") == [early.code]
    assert codes(client, activated_after="2024-01-15", activated_before="2024-02-15") == [early.code]
    assert client.get("/api/v1/customers", {"activated_after": "yesterday"}).status_code == 422


def test_a_lead_is_found_by_code_email_and_mobile(users: dict[str, Any]) -> None:
    lead = LeadFactory(name="Gita Bose", email="gita@example.com", mobile="+919811122233")
    for query in (lead.code.lower(), "GITA@example.com", "+91 98111 22233"):
        results = universal_search(users["accounting"], query)
        assert results.exact is not None and results.exact.short_name == lead.code, query
    assert [group.kind for group in universal_search(users["support"], "Gita").groups] == ["leads"]


def test_a_customer_created_by_hand_names_no_lead(users: dict[str, Any]) -> None:
    customer = customers.create_customer(user=users["sales"], kind="person", last_name="Plain")
    assert customer.lead is None
    assert not Lead.objects.exists()
