"""Login, logout and the lockout after repeated failed logins (django-axes)."""

from datetime import timedelta
from typing import Any

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import reverse

from clientbook.accounts import services as account_services
from config import settings as config_settings
from tests.conftest import PASSWORD

LOGIN_URL = reverse("accounts:login")


def login(client: Client, username: str, password: str, **extra: Any) -> Any:
    return client.post(LOGIN_URL, {"username": username, "password": password, **extra})


def test_login_page_renders_a_form_for_anonymous_visitors(db: Any) -> None:
    response = Client().get(LOGIN_URL)
    assert response.status_code == 200
    content = response.content.decode()
    assert 'name="username"' in content
    assert 'name="password"' in content
    assert "csrfmiddlewaretoken" in content


def test_right_password_logs_in_and_goes_to_the_customer_list(users: dict[str, Any]) -> None:
    client = Client()
    response = login(client, "sales-user", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse(settings.LOGIN_REDIRECT_URL)
    assert client.session[SESSION_KEY] == str(users["sales"].pk)


def test_login_follows_a_safe_next_and_ignores_a_foreign_one(users: dict[str, Any]) -> None:
    response = login(Client(), "sales-user", PASSWORD, next="/accounts/tokens/")
    assert response["Location"] == "/accounts/tokens/"
    response = login(Client(), "sales-user", PASSWORD, next="https://evil.example/")
    assert response["Location"] == reverse(settings.LOGIN_REDIRECT_URL)


def test_wrong_password_shows_an_error_and_keeps_the_username(users: dict[str, Any]) -> None:
    client = Client()
    response = login(client, "sales-user", "not-the-password")
    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()
    assert 'value="sales-user"' in response.content.decode()
    assert SESSION_KEY not in client.session


def test_inactive_user_cannot_log_in(users: dict[str, Any]) -> None:
    users["support"].is_active = False
    users["support"].save()
    client = Client()
    response = login(client, "support-user", PASSWORD)
    assert response.status_code == 200
    assert SESSION_KEY not in client.session


def test_passwords_are_hashed_with_argon2(settings: Any, db: Any) -> None:
    settings.PASSWORD_HASHERS = config_settings.PASSWORD_HASHERS
    user = account_services.create_user(username="hashed", role="sales", password=PASSWORD)
    assert user.password.startswith("argon2$")
    assert user.check_password(PASSWORD)


def test_logged_in_user_visiting_login_is_sent_on(client_for: Any) -> None:
    response = client_for("support").get(LOGIN_URL)
    assert response.status_code == 302
    assert response["Location"] == reverse(settings.LOGIN_REDIRECT_URL)


def test_logout_is_post_only_and_ends_the_session(client_for: Any) -> None:
    client = client_for("sales")
    assert client.get(reverse("accounts:logout")).status_code == 405
    assert SESSION_KEY in client.session
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:login")
    assert SESSION_KEY not in client.session


def fail_until_locked(client: Client, username: str) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, username, "wrong-password")


def test_repeated_failures_lock_the_account_even_for_the_right_password(users: dict[str, Any]) -> None:
    client = Client()
    fail_until_locked(client, "sales-user")

    response = login(client, "sales-user", PASSWORD)

    assert response.status_code == 429
    content = response.content.decode()
    assert "Account temporarily locked" in content
    assert "15 minutes" in content
    assert SESSION_KEY not in client.session
    # A fresh browser (another session) is locked out too: the lock is on the account.
    assert login(Client(), "sales-user", PASSWORD).status_code == 429


def test_fewer_failures_than_the_limit_do_not_lock(users: dict[str, Any]) -> None:
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        login(client, "sales-user", "wrong-password")
    assert login(client, "sales-user", PASSWORD).status_code == 302


def test_a_locked_account_does_not_lock_other_users(users: dict[str, Any]) -> None:
    client = Client()
    fail_until_locked(client, "sales-user")

    response = login(client, "support-user", PASSWORD)

    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(users["support"].pk)


@pytest.mark.parametrize("minutes_ago, locked", [(14, True), (16, False)])
def test_the_lock_opens_after_the_cooloff(users: dict[str, Any], minutes_ago: int, locked: bool) -> None:
    fail_until_locked(Client(), "sales-user")
    AccessAttempt.objects.filter(username="sales-user").update(
        attempt_time=AccessAttempt.objects.get(username="sales-user").attempt_time - timedelta(minutes=minutes_ago)
    )

    response = login(Client(), "sales-user", PASSWORD)

    assert response.status_code == (429 if locked else 302)
