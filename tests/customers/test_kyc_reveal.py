"""The reveal: a permitted user types a reason and sees one value; each reveal is an audit event; at most
``CLIENTBOOK_REVEALS_PER_HOUR`` an hour per user (429 with a clear message); everyone else is refused."""

from datetime import timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse

from clientbook.core.kit import reveal
from clientbook.core.models import AuditEvent
from clientbook.customers.factories import CustomerFactory
from clientbook.customers.models import Customer
from clientbook.customers.specs import CUSTOMERS

pytestmark = pytest.mark.django_db

PAN = "ABCPE1234F"
AADHAAR = "491837592012"
HTMX = {"HX-Request": "true", "HX-Target": "modal-content"}


@pytest.fixture
def holder(users: dict[str, Any]) -> Customer:
    return CustomerFactory(first_name="Meera", last_name="Iyer", pan=PAN, aadhaar=AADHAAR)


def reveal_url(customer: Customer, field: str = "pan") -> str:
    return reverse("customers:customer_reveal", kwargs={"code": customer.code, "field": field})


def reveals(customer: Customer) -> Any:
    return AuditEvent.objects.filter(action=AuditEvent.Action.REVEAL, object_code=customer.code)


def test_the_reason_form_opens_in_the_modal_without_the_value(client_for: Any, holder: Customer) -> None:
    response = client_for("admin").get(reveal_url(holder), headers=HTMX)

    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="modal-title"' in html and 'name="reason"' in html
    assert "ABCPEXXXXF" in html and PAN not in html
    assert not reveals(holder).exists()


def test_a_reveal_without_a_reason_is_refused_next_to_the_field(client_for: Any, holder: Customer) -> None:
    response = client_for("admin").post(reveal_url(holder), {"reason": "  "}, headers=HTMX)

    assert response.status_code == 422
    assert 'data-field-error="reason"' in response.content.decode()
    assert PAN not in response.content.decode()
    assert not reveals(holder).exists()


def test_a_reveal_with_a_reason_shows_the_value_and_records_who_what_and_why(
    client_for: Any, users: dict[str, Any], holder: Customer
) -> None:
    response = client_for("admin").post(reveal_url(holder, "aadhaar"), {"reason": "Verifying KYC form"}, headers=HTMX)

    assert response.status_code == 200
    assert f'data-testid="revealed-value">{AADHAAR}<' in response.content.decode()
    assert response["Cache-Control"] == "no-store"
    [event] = reveals(holder)
    assert event.actor == users["admin"]
    assert event.object_id == str(holder.pk)
    assert event.extra["field"] == "aadhaar" and event.extra["reason"] == "Verifying KYC form"
    assert AADHAAR not in str(event.state) and AADHAAR not in str(event.extra)


@pytest.mark.parametrize("role", ["sales", "support", "accounting"])
def test_other_roles_may_not_reveal(client_for: Any, holder: Customer, role: str) -> None:
    client = client_for(role)

    assert client.get(reveal_url(holder)).status_code == 403
    assert client.post(reveal_url(holder), {"reason": "Just curious"}).status_code == 403
    assert not reveals(holder).exists()


def test_a_user_given_the_permission_may_reveal(make_user: Any, holder: Customer) -> None:
    auditor = make_user("support", username="kyc-auditor")
    auditor.user_permissions.add(Permission.objects.get(codename="view_sensitive_customer"))
    client = Client()
    client.force_login(auditor)

    response = client.post(reveal_url(holder), {"reason": "Quarterly KYC review"}, headers=HTMX)

    assert response.status_code == 200 and PAN in response.content.decode()


def test_only_sensitive_fields_can_be_revealed(client_for: Any, holder: Customer) -> None:
    assert client_for("admin").get(reveal_url(holder, "email")).status_code == 404


def test_the_twenty_first_reveal_in_an_hour_is_refused_with_429(
    client_for: Any, users: dict[str, Any], holder: Customer, settings: Any
) -> None:
    client = client_for("admin")
    for _ in range(settings.CLIENTBOOK_REVEALS_PER_HOUR):
        assert client.post(reveal_url(holder), {"reason": "Bulk check"}, headers=HTMX).status_code == 200

    refused = client.post(reveal_url(holder), {"reason": "Bulk check"}, headers=HTMX)

    html = refused.content.decode()
    assert refused.status_code == 429
    assert "You have revealed 20 values in the last hour, the most allowed." in html
    assert int(refused["Retry-After"]) > 0
    assert PAN not in html
    assert reveals(holder).count() == 20
    # The API counts against the same allowance.
    api = client.get(f"/api/v1/customers/{holder.code}", {"reveal": "pan"})
    assert api.status_code == 429
    assert api.json()["errors"][0]["field"] == "reveal"


def test_reveals_older_than_an_hour_no_longer_count(
    users: dict[str, Any], holder: Customer, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.CLIENTBOOK_REVEALS_PER_HOUR = 2
    admin = users["admin"]
    reveal.reveal_values(CUSTOMERS, holder, user=admin, fields=["pan"], reason="First look")
    reveal.reveal_values(CUSTOMERS, holder, user=admin, fields=["pan"], reason="Second look")
    with pytest.raises(reveal.TooManyReveals):
        reveal.reveal_values(CUSTOMERS, holder, user=admin, fields=["pan"], reason="Third look")

    an_hour_later = reveals(holder).order_by("at").first().at + timedelta(hours=1, seconds=1)
    monkeypatch.setattr(reveal, "timezone", SimpleNamespace(now=lambda: an_hour_later))

    assert reveal.reveal_values(CUSTOMERS, holder, user=admin, fields=["pan"], reason="Third look") == {"pan": PAN}


def test_one_users_reveals_do_not_count_against_another(
    users: dict[str, Any], make_user: Any, holder: Customer, settings: Any
) -> None:
    settings.CLIENTBOOK_REVEALS_PER_HOUR = 1
    other_admin = make_user("admin", username="second-admin")
    reveal.reveal_values(CUSTOMERS, holder, user=users["admin"], fields=["pan"], reason="My own check")

    assert reveal.reveal_values(CUSTOMERS, holder, user=other_admin, fields=["pan"], reason="Their own check") == {
        "pan": PAN
    }


def test_the_audit_log_shows_the_reveal_without_the_value(client_for: Any, holder: Customer) -> None:
    client = client_for("admin")
    client.post(reveal_url(holder), {"reason": "Verifying KYC form"}, headers=HTMX)

    html = client.get(reverse("audit:event_list")).content.decode()

    assert "Revealed masked data" in html
    assert PAN not in html
