"""API tokens: shown once, stored hashed, listed and revoked by their owner and by admins."""

import hashlib
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from clientbook.accounts import services
from clientbook.accounts.models import ApiToken
from tests.conftest import PASSWORD


@pytest.fixture
def no_role_client(db: Any) -> tuple[Any, Client]:
    user = get_user_model().objects.create_user(username="plain", password=PASSWORD)
    client = Client()
    client.force_login(user)
    return user, client


def test_creating_a_token_shows_it_once_and_stores_only_its_hash(client_for: Any, users: dict[str, Any]) -> None:
    response = client_for("sales").post(reverse("accounts:token_create"), {"name": "CRM sync"})

    assert response.status_code == 200
    clear = response.context["clear_token"]
    assert clear.startswith("cb_")
    assert clear in response.content.decode()
    assert "Copy it now" in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    token = ApiToken.objects.get()
    assert (token.user, token.name) == (users["sales"], "CRM sync")
    assert token.digest == hashlib.sha256(clear.encode()).hexdigest()
    assert clear.startswith(token.prefix)
    stored = [str(value) for value in ApiToken.objects.values_list().get()]
    assert not any(clear in value for value in stored)
    assert services.user_for_token(clear) == (users["sales"], token)


def test_the_token_list_never_shows_the_clear_token_again(client_for: Any, users: dict[str, Any]) -> None:
    client = client_for("sales")
    clear = client.post(reverse("accounts:token_create"), {"name": "CRM sync"}).context["clear_token"]

    content = client.get(reverse("accounts:token_list")).content.decode()

    assert clear not in content
    assert ApiToken.objects.get().prefix in content
    assert "CRM sync" in content


def test_token_name_too_long_is_refused_next_to_the_field(client_for: Any) -> None:
    response = client_for("sales").post(reverse("accounts:token_create"), {"name": "x" * 101})
    assert response.status_code == 422
    assert response.context["form"].errors["name"]
    assert not ApiToken.objects.exists()


def test_users_see_only_their_own_tokens(client_for: Any, users: dict[str, Any]) -> None:
    own, _ = services.create_api_token(user=users["support"], name="mine")
    others, _ = services.create_api_token(user=users["sales"], name="not mine")

    response = client_for("support").get(reverse("accounts:token_list"))

    assert list(response.context["own_tokens"]) == [own]
    assert response.context["all_tokens"] is None
    assert others.prefix not in response.content.decode()


def test_admins_see_everyones_tokens(client_for: Any, users: dict[str, Any]) -> None:
    others, _ = services.create_api_token(user=users["sales"], name="sales script")

    response = client_for("admin").get(reverse("accounts:token_list"))

    assert list(response.context["own_tokens"]) == []
    assert list(response.context["all_tokens"]) == [others]
    assert "sales script" in response.content.decode()
    assert reverse("accounts:token_revoke", args=[others.pk]) in response.content.decode()


def test_owner_revokes_their_token(client_for: Any, users: dict[str, Any]) -> None:
    token, clear = services.create_api_token(user=users["support"])

    response = client_for("support").post(reverse("accounts:token_revoke", args=[token.pk]))

    assert response.status_code == 303
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert services.user_for_token(clear) is None


def test_admin_revokes_another_users_token(client_for: Any, users: dict[str, Any]) -> None:
    token, clear = services.create_api_token(user=users["sales"])

    client_for("admin").post(reverse("accounts:token_revoke", args=[token.pk]))

    assert services.user_for_token(clear) is None


@pytest.mark.parametrize("role", ["sales", "support", "accounting"])
def test_a_non_admin_cannot_revoke_someone_elses_token(client_for: Any, users: dict[str, Any], role: str) -> None:
    owner = users["admin"]
    token, clear = services.create_api_token(user=owner)

    response = client_for(role).post(reverse("accounts:token_revoke", args=[token.pk]))

    assert response.status_code == 403
    token.refresh_from_db()
    assert token.revoked_at is None
    assert services.user_for_token(clear) == (owner, token)


def test_revoke_is_post_only(client_for: Any, users: dict[str, Any]) -> None:
    token, _ = services.create_api_token(user=users["sales"])
    assert client_for("sales").get(reverse("accounts:token_revoke", args=[token.pk])).status_code == 405
    token.refresh_from_db()
    assert token.revoked_at is None


def test_a_user_without_a_role_manages_their_own_tokens(no_role_client: tuple[Any, Client]) -> None:
    user, client = no_role_client
    assert client.get(reverse("accounts:token_list")).status_code == 200
    clear = client.post(reverse("accounts:token_create"), {"name": ""}).context["clear_token"]
    token = ApiToken.objects.get(user=user)

    client.post(reverse("accounts:token_revoke", args=[token.pk]))

    assert services.user_for_token(clear) is None


def test_revoking_a_missing_token_is_a_404(client_for: Any) -> None:
    assert client_for("admin").post(reverse("accounts:token_revoke", args=[999_999])).status_code == 404


@pytest.mark.parametrize("url_name", ["accounts:token_list", "accounts:token_create"])
def test_anonymous_visitors_are_sent_to_login(db: Any, url_name: str) -> None:
    response = Client().get(reverse(url_name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login") + "?next=")
