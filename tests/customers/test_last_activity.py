"""The customer list's Last activity: a sortable column, "no activity in the last N days", a date range."""

from datetime import datetime, timedelta
from typing import Any

import pytest
from django.utils import timezone

from clientbook.customers.factories import CustomerFactory
from clientbook.customers.models import Customer

pytestmark = pytest.mark.django_db

NOW = datetime(2025, 6, 15, 12, 0, tzinfo=timezone.get_fixed_timezone(0))


@pytest.fixture
def fixed_now(monkeypatch: pytest.MonkeyPatch) -> datetime:
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    return NOW


def customer_last_active(moment: datetime | None, **values: Any) -> Customer:
    customer = CustomerFactory(**values)
    Customer.objects.filter(pk=customer.pk).update(last_activity_at=moment)
    return customer


def codes(response: Any) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["code"] for item in response.json()["items"]]


def test_no_activity_in_the_last_n_days_keeps_the_edge_day_and_finds_the_never_active(
    client_for: Any, fixed_now: datetime
) -> None:
    exactly = customer_last_active(fixed_now - timedelta(days=30))
    just_older = customer_last_active(fixed_now - timedelta(days=30, seconds=1))
    recent = customer_last_active(fixed_now - timedelta(days=2))
    never = customer_last_active(None)

    found = codes(client_for("support").get("/api/v1/customers", {"inactive_days": 30, "sort": "code"}))

    assert found == [just_older.code, never.code]
    assert exactly.code not in found and recent.code not in found


def test_the_list_page_takes_the_filter_too(client_for: Any, fixed_now: datetime) -> None:
    quiet = customer_last_active(fixed_now - timedelta(days=100), last_name="Quietly")
    busy = customer_last_active(fixed_now - timedelta(days=1), last_name="Busily")

    page = client_for("support").get("/customers/", {"inactive_days": "90"}).content.decode()

    assert quiet.code in page and busy.code not in page


def test_the_last_activity_range_takes_whole_days(client_for: Any) -> None:
    early = customer_last_active(timezone.make_aware(datetime(2025, 3, 1, 23, 59)))
    middle = customer_last_active(timezone.make_aware(datetime(2025, 3, 10, 0, 0)))
    customer_last_active(timezone.make_aware(datetime(2025, 4, 1, 8, 0)))
    customer_last_active(None)

    found = codes(
        client_for("support").get(
            "/api/v1/customers",
            {"last_activity_after": "2025-03-01", "last_activity_before": "2025-03-31", "sort": "code"},
        )
    )

    assert found == [early.code, middle.code]


def test_the_list_sorts_by_last_activity(client_for: Any) -> None:
    now = timezone.now()
    old = customer_last_active(now - timedelta(days=9))
    new = customer_last_active(now - timedelta(hours=1))
    middle = customer_last_active(now - timedelta(days=3))

    ascending = codes(client_for("support").get("/api/v1/customers", {"sort": "last_activity_at"}))
    descending = codes(client_for("support").get("/api/v1/customers", {"sort": "-last_activity_at"}))
    page = client_for("support").get("/customers/", {"sort": "-last_activity_at", "columns": "code,last_activity_at"})

    assert ascending == [old.code, middle.code, new.code]
    assert descending == [new.code, middle.code, old.code]
    html = page.content.decode()
    assert "Last activity" in html
    assert html.index(new.code) < html.index(middle.code) < html.index(old.code)


@pytest.mark.parametrize("value", ["0", "-3", "1.5", "soon", "36501"])
def test_a_bad_number_of_days_is_a_422_naming_the_filter(client_for: Any, value: str) -> None:
    response = client_for("support").get("/api/v1/customers", {"inactive_days": value})

    assert response.status_code == 422
    assert [error["field"] for error in response.json()["errors"]] == ["inactive_days"]


def test_a_bad_number_of_days_is_a_form_error_on_the_page(client_for: Any) -> None:
    page = client_for("support").get("/customers/", {"inactive_days": "soon"}).content.decode()

    assert 'data-testid="filter-errors"' in page
    error = page[page.index('id="filter-error-inactive_days"') :].split("</div>")[0]
    assert "Enter a whole number." in error
