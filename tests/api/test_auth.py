"""How the API knows the caller: a Bearer token or a session (with CSRF for writes)."""

import json
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from clientbook.accounts import services as account_services
from clientbook.customers.models import Label
from tests.api.conftest import Caller, error_fields

pytestmark = pytest.mark.django_db

LABELS = "/api/v1/labels"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_bearer_token_identifies_its_user(call: Caller) -> None:
    response = call("accounting", "GET", "/api/v1/me")

    assert response.status_code == 200
    assert response.json()["username"] == "accounting-user"


def test_session_identifies_the_logged_in_user(client_for: Any) -> None:
    response = client_for("support").get("/api/v1/me")

    assert response.status_code == 200
    assert response.json()["username"] == "support-user"


def test_session_write_without_csrf_token_is_refused(users: dict[str, Any]) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(users["sales"])

    response = client.post(LABELS, json.dumps({"name": "Via session"}), content_type="application/json")

    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
    assert not Label.objects.filter(name="Via session").exists()


def test_session_write_with_csrf_token_is_accepted(users: dict[str, Any]) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(users["sales"])
    client.get("/api/v1/docs")  # any page rendering a form token sets the CSRF cookie
    token = client.cookies[settings.CSRF_COOKIE_NAME].value

    response = client.post(
        LABELS, json.dumps({"name": "Via session"}), content_type="application/json", headers={"X-CSRFToken": token}
    )

    assert response.status_code == 201, response.content
    assert Label.objects.filter(name="Via session").exists()


def test_bearer_writes_need_no_csrf_token(users: dict[str, Any]) -> None:
    _, token = account_services.create_api_token(user=users["sales"])
    client = Client(enforce_csrf_checks=True)

    response = client.post(
        LABELS, json.dumps({"name": "Via token"}), content_type="application/json", headers=bearer(token)
    )

    assert response.status_code == 201


def test_revoked_token_is_refused(users: dict[str, Any]) -> None:
    token_row, token = account_services.create_api_token(user=users["admin"])
    assert Client().get("/api/v1/me", headers=bearer(token)).status_code == 200

    account_services.revoke_api_token(actor=users["admin"], token=token_row)
    response = Client().get("/api/v1/me", headers=bearer(token))

    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    error_fields(response)


def test_token_of_a_deactivated_user_is_refused(users: dict[str, Any]) -> None:
    _, token = account_services.create_api_token(user=users["sales"])
    users["sales"].is_active = False
    users["sales"].save()

    assert Client().get("/api/v1/me", headers=bearer(token)).status_code == 401


@pytest.mark.parametrize(
    "authorization",
    ["Bearer cb_not-a-real-token", "Bearer ", "Basic YWRtaW46cGFzc3dvcmQ=", "cb_token-without-scheme", "Bearer"],
)
def test_bad_credentials_are_401(db: Any, authorization: str) -> None:
    response = Client().get("/api/v1/me", headers={"Authorization": authorization})

    assert response.status_code == 401
    error_fields(response)


def test_a_bad_token_is_not_rescued_by_a_session(client_for: Any) -> None:
    """Credentials that are sent are judged alone, so a revoked token fails even in a logged-in browser."""
    response = client_for("admin").get("/api/v1/me", headers=bearer("cb_revoked-or-wrong"))

    assert response.status_code == 401


def test_a_valid_token_wins_over_the_session(client_for: Any, token_for: Any) -> None:
    response = client_for("admin").get("/api/v1/me", headers=bearer(token_for("accounting")))

    assert response.json()["username"] == "accounting-user"


def test_token_use_is_recorded(users: dict[str, Any]) -> None:
    token_row, token = account_services.create_api_token(user=users["support"])

    Client().get("/api/v1/me", headers=bearer(token))

    token_row.refresh_from_db()
    assert token_row.last_used_at is not None
