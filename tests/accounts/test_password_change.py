"""Changing one's own password: the current one first, Django's validators, audited, the session kept."""

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from clientbook.core.models import AuditEvent
from clientbook.core.records import audit
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

URL = reverse("accounts:password_change")
NEW_PASSWORD = "Blue-Harbour-Lantern-7"


def change(client: Client, *, old: str = PASSWORD, new: str = NEW_PASSWORD, again: str | None = None) -> Any:
    return client.post(URL, {"old_password": old, "new_password1": new, "new_password2": again or new})


def test_anonymous_visitors_go_to_the_login_page() -> None:
    response = Client().get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_every_role_reaches_it_from_the_account_menu(client_for: Callable[[str | None], Client]) -> None:
    for role in ("admin", "support"):
        assert (
            f'href="{URL}" data-testid="change-password"'
            in client_for(role).get(reverse("home"), follow=True).content.decode()
        )
        assert client_for(role).get(URL).status_code == 200


def test_a_change_keeps_the_session_and_is_audited(users: dict[str, Any]) -> None:
    client, other_session = Client(), Client()
    client.force_login(users["sales"])
    other_session.force_login(users["sales"])

    response = change(client)

    assert response.status_code == 302 and response["Location"] == URL
    assert "Your password was changed." in client.get(URL).content.decode()
    assert client.get(reverse("customers:customer_list")).status_code == 200
    # The user's other sessions end with the old password.
    assert other_session.get(reverse("customers:customer_list")).status_code == 302
    users["sales"].refresh_from_db()
    assert users["sales"].check_password(NEW_PASSWORD)
    event = AuditEvent.objects.filter(action=AuditEvent.Action.UPDATE, object_code="sales-user").get()
    assert event.actor_id == users["sales"].pk
    assert event.changes == {"password": {"before": audit.MASK, "after": audit.MASK}}


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"old": "wrong-password"}, "old_password", "Your old password was entered incorrectly."),
        ({"new": "password"}, "new_password2", "This password is too common."),
        ({"new": "12345678901"}, "new_password2", "This password is entirely numeric."),
        ({"new": "Short-1"}, "new_password2", "This password is too short."),
        ({"again": "Something-Else-9"}, "new_password2", "The two password fields didn’t match."),
    ],
)
def test_a_refused_change_names_its_field(
    client_for: Callable[[str | None], Client], users: dict[str, Any], fields: dict[str, str], field: str, message: str
) -> None:
    response = change(client_for("sales"), **fields)
    assert response.status_code == 422
    assert message in " ".join(response.context["form"].errors[field])
    assert f'name="{field}"' in response.content.decode()
    users["sales"].refresh_from_db()
    assert users["sales"].check_password(PASSWORD)
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.UPDATE).exists()
