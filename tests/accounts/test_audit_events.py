"""Account events in the audit log: who did what to which user, in the change's transaction, with no secret in it."""

import json
from io import StringIO
from typing import Any
from unittest import mock

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.urls import reverse

from clientbook.accounts import events, services
from clientbook.accounts.models import ApiToken
from clientbook.core.models import AuditEvent
from clientbook.core.records import audit
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

User = get_user_model()
Action = AuditEvent.Action
NEW_PASSWORD = "Blue-Harbour-Lantern-7"
LOGIN_URL = reverse("accounts:login")


def last_event(action: str) -> AuditEvent:
    event = AuditEvent.objects.filter(action=action).order_by("-id").first()
    assert event is not None, f"no {action} event"
    return event


def events_about(user: Any) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(object_type="auth.user", object_id=str(user.pk)).order_by("id"))


def recorded_text(event: AuditEvent) -> str:
    """Everything an event says, as one string to search for secrets."""
    return json.dumps(
        {
            "changes": event.changes,
            "extra": event.extra,
            "state": event.state,
            "object_display": event.object_display,
            "object_code": event.object_code,
            "actor_display": event.actor_display,
        },
        ensure_ascii=False,
    )


def assert_no_secret_in_log(*secrets: str) -> None:
    """No event anywhere in the log holds any of ``secrets``."""
    for event in AuditEvent.objects.all():
        text = recorded_text(event)
        for secret in secrets:
            assert secret not in text, (event.action, secret)


def login(client: Client, username: str, password: str) -> Any:
    return client.post(LOGIN_URL, {"username": username, "password": password})


# --- Users ----------------------------------------------------------------------------------------


def test_creating_a_user_records_its_fields_and_role_signed_by_the_admin(users: dict[str, Any]) -> None:
    mira = services.create_user(
        actor=users["admin"],
        username="mira",
        first_name="Mira",
        last_name="Okafor",
        email="mira@example.com",
        role="support",
        password=NEW_PASSWORD,
    )

    event = last_event(Action.CREATE)
    assert (event.object_type, event.object_id, event.object_code) == ("auth.user", str(mira.pk), "mira")
    assert event.object_display == "Mira Okafor (mira)"
    assert (event.actor, event.actor_kind, event.actor_display) == (users["admin"], "user", "admin-user")
    assert event.changes == {
        "username": {"before": None, "after": "mira"},
        "first_name": {"before": None, "after": "Mira"},
        "last_name": {"before": None, "after": "Okafor"},
        "email": {"before": None, "after": "mira@example.com"},
        "is_active": {"before": None, "after": True},
        "role": {"before": None, "after": "support"},
    }
    assert event.state == {
        "username": "mira",
        "first_name": "Mira",
        "last_name": "Okafor",
        "email": "mira@example.com",
        "is_active": True,
        "role": "support",
    }
    # One event says it all: the role given at creation is not a role change.
    assert [event.action for event in events_about(mira)] == [Action.CREATE]
    assert_no_secret_in_log(NEW_PASSWORD, mira.password)


def test_updating_a_user_records_each_changed_field_and_only_that_the_password_changed(
    users: dict[str, Any],
) -> None:
    sales = users["sales"]
    old_hash = sales.password

    services.update_user(
        actor=users["admin"],
        user=sales,
        first_name="Sam",
        last_name="",
        email="sam@example.com",
        role="sales",
        is_active=True,
        password=NEW_PASSWORD,
    )

    event = last_event(Action.UPDATE)
    assert (event.object_code, event.actor) == ("sales-user", users["admin"])
    assert event.changes == {
        "first_name": {"before": "", "after": "Sam"},
        "email": {"before": "", "after": "sam@example.com"},
        "password": {"before": audit.MASK, "after": audit.MASK},
    }
    assert "password" not in (event.state or {})
    assert not AuditEvent.objects.filter(action=Action.ROLE_CHANGE).exists()
    sales.refresh_from_db()
    assert sales.check_password(NEW_PASSWORD)
    assert_no_secret_in_log(NEW_PASSWORD, PASSWORD, old_hash, sales.password)


def test_a_role_change_is_its_own_event_with_before_and_after(users: dict[str, Any]) -> None:
    sales = users["sales"]
    services.update_user(
        actor=users["admin"],
        user=sales,
        first_name=sales.first_name,
        last_name=sales.last_name,
        email=sales.email,
        role="admin",
        is_active=True,
    )

    assert [event.action for event in events_about(sales)] == [Action.CREATE, Action.ROLE_CHANGE]
    event = last_event(Action.ROLE_CHANGE)
    assert event.changes == {"role": {"before": "sales", "after": "admin"}}
    assert (event.actor, event.object_code) == (users["admin"], "sales-user")


def test_a_name_and_role_change_records_both(users: dict[str, Any]) -> None:
    support = users["support"]
    services.update_user(
        actor=users["admin"],
        user=support,
        first_name="Sol",
        last_name=support.last_name,
        email=support.email,
        role="accounting",
        is_active=True,
    )
    update, role_change = events_about(support)[-2:]
    assert update.changes == {"first_name": {"before": "", "after": "Sol"}}
    assert role_change.changes == {"role": {"before": "support", "after": "accounting"}}


def test_saving_a_user_unchanged_records_nothing(users: dict[str, Any]) -> None:
    sales = users["sales"]
    before = AuditEvent.objects.count()
    services.update_user(
        actor=users["admin"],
        user=sales,
        first_name=sales.first_name,
        last_name=sales.last_name,
        email=sales.email,
        role="sales",
        is_active=True,
    )
    assert AuditEvent.objects.count() == before


def test_deactivation_and_reactivation_are_recorded_once_each(users: dict[str, Any]) -> None:
    support = users["support"]

    services.deactivate_user(actor=users["admin"], user=support)
    services.deactivate_user(actor=users["admin"], user=support)  # already inactive: nothing happens
    services.reactivate_user(actor=users["admin"], user=support)

    deactivation, reactivation = events_about(support)[1:]
    assert (deactivation.action, deactivation.actor) == (Action.UPDATE, users["admin"])
    assert deactivation.changes == {"is_active": {"before": True, "after": False}}
    assert reactivation.changes == {"is_active": {"before": False, "after": True}}


def test_deactivating_through_the_edit_page_is_recorded(client_for: Any, users: dict[str, Any]) -> None:
    support = users["support"]
    form = {"first_name": "", "last_name": "", "email": "", "role": "support", "password": "", "password_again": ""}

    response = client_for("admin").post(reverse("accounts:user_edit", args=[support.pk]), form)

    assert response.status_code == 303
    event = last_event(Action.UPDATE)
    assert (event.object_code, event.actor) == ("support-user", users["admin"])
    assert event.changes == {"is_active": {"before": True, "after": False}}


def test_a_user_with_a_long_username_is_recorded_under_its_first_characters(users: dict[str, Any]) -> None:
    username = "a.very.long.username.for.the.audit.log@example.com"
    user = services.create_user(actor=users["admin"], username=username, role="sales", password=NEW_PASSWORD)

    event = last_event(Action.CREATE)
    assert event.object_id == str(user.pk)
    assert event.object_code == username[:32]
    assert event.changes["username"] == {"before": None, "after": username}


# --- The transaction guarantee --------------------------------------------------------------------


def test_a_user_refused_by_the_password_validators_leaves_no_event(users: dict[str, Any]) -> None:
    before = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as refused:
        services.create_user(actor=users["admin"], username="weak", role="sales", password="123")
    assert "password" in refused.value.message_dict
    assert not User.objects.filter(username="weak").exists()
    assert AuditEvent.objects.count() == before


def test_a_refused_update_leaves_no_event(users: dict[str, Any]) -> None:
    sales = users["sales"]
    before = AuditEvent.objects.count()
    with pytest.raises(ValidationError):
        services.update_user(
            actor=users["admin"],
            user=sales,
            first_name="Sam",
            last_name="",
            email="not-an-email",
            role="admin",
            is_active=True,
        )
    assert AuditEvent.objects.count() == before
    assert services.role_of(sales) == "sales"


def test_a_change_rolled_back_by_its_caller_leaves_no_event(users: dict[str, Any]) -> None:
    before = AuditEvent.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        services.set_role(user=users["sales"], role="admin", actor=users["admin"])
        services.create_api_token(user=users["sales"], name="doomed", actor=users["sales"])
        raise RuntimeError("the caller's transaction fails after the changes")
    assert AuditEvent.objects.count() == before
    assert services.role_of(users["sales"]) == "sales"
    assert not ApiToken.objects.exists()


def test_a_login_whose_event_cannot_be_written_does_not_happen(users: dict[str, Any]) -> None:
    client = Client(raise_request_exception=False)
    with mock.patch.object(events, "logged_in", side_effect=RuntimeError("the audit log is unavailable")):
        response = login(client, "sales-user", PASSWORD)

    assert response.status_code == 500
    users["sales"].refresh_from_db()
    assert users["sales"].last_login is None


# --- API tokens -----------------------------------------------------------------------------------


def test_creating_a_token_records_its_prefix_and_name_never_the_token(client_for: Any, users: dict[str, Any]) -> None:
    response = client_for("sales").post(reverse("accounts:token_create"), {"name": "CRM sync"})
    clear = response.context["clear_token"]
    token = ApiToken.objects.get()

    event = last_event(Action.TOKEN_CREATE)
    assert (event.actor, event.actor_kind) == (users["sales"], "user")
    assert (event.object_type, event.object_code) == ("auth.user", "sales-user")
    assert event.extra == {"token_id": token.pk, "token_prefix": token.prefix, "token_name": "CRM sync"}
    assert_no_secret_in_log(clear, token.digest, clear[len(token.prefix) :])


def test_revoking_a_token_records_who_revoked_whose_token_once(client_for: Any, users: dict[str, Any]) -> None:
    token, clear = services.create_api_token(user=users["sales"], name="old script")
    admin = client_for("admin")

    admin.post(reverse("accounts:token_revoke", args=[token.pk]))
    admin.post(reverse("accounts:token_revoke", args=[token.pk]))  # already revoked: nothing happens

    revocations = AuditEvent.objects.filter(action=Action.TOKEN_REVOKE)
    assert revocations.count() == 1
    event = revocations.get()
    assert (event.actor, event.object_code) == (users["admin"], "sales-user")
    assert event.extra == {"token_id": token.pk, "token_prefix": token.prefix, "token_name": "old script"}
    assert_no_secret_in_log(clear, token.digest)


# --- Logins ---------------------------------------------------------------------------------------


def test_a_login_through_the_form_is_recorded_with_where_from(users: dict[str, Any]) -> None:
    client = Client(HTTP_USER_AGENT="Firefox/140")
    assert login(client, "sales-user", PASSWORD).status_code == 302

    event = last_event(Action.LOGIN)
    assert (event.actor, event.actor_kind, event.actor_display) == (users["sales"], "user", "sales-user")
    assert (event.object_type, event.object_code) == ("auth.user", "sales-user")
    assert (event.ip, event.user_agent) == ("127.0.0.1", "Firefox/140")
    assert event.request_id
    assert_no_secret_in_log(PASSWORD, users["sales"].password)


def test_a_logout_is_recorded(users: dict[str, Any]) -> None:
    client = Client()
    login(client, "support-user", PASSWORD)

    client.post(reverse("accounts:logout"))

    event = last_event(Action.LOGOUT)
    assert (event.actor, event.object_code) == (users["support"], "support-user")


def test_logging_out_without_a_session_records_nothing(db: Any) -> None:
    Client().post(reverse("accounts:logout"))
    assert not AuditEvent.objects.filter(action=Action.LOGOUT).exists()


def test_a_wrong_password_is_recorded_against_the_account_without_the_password(users: dict[str, Any]) -> None:
    login(Client(), "sales-user", "Wrong-Guess-99")

    event = last_event(Action.LOGIN_FAILED)
    assert (event.actor, event.actor_kind, event.actor_display) == (None, "system", events.ANONYMOUS)
    assert (event.object_type, event.object_id, event.object_code) == (
        "auth.user",
        str(users["sales"].pk),
        "sales-user",
    )
    assert event.extra == {"username": "sales-user", "reason": "invalid_credentials"}
    assert event.ip == "127.0.0.1"
    assert_no_secret_in_log("Wrong-Guess-99", users["sales"].password)


def test_a_failed_login_for_an_unknown_username_records_the_name_typed(db: Any) -> None:
    login(Client(), "mallory", "Wrong-Guess-99")

    event = last_event(Action.LOGIN_FAILED)
    assert (event.object_type, event.object_id, event.object_code) == ("", "", "")
    assert event.object_display == "mallory"
    assert event.extra == {"username": "mallory", "reason": "invalid_credentials"}
    assert_no_secret_in_log("Wrong-Guess-99")


def test_a_lockout_is_recorded_once_per_attempt_and_refuses_even_the_right_password(users: dict[str, Any]) -> None:
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, "sales-user", "Wrong-Guess-99")
    assert login(client, "sales-user", PASSWORD).status_code == 429

    failures = list(AuditEvent.objects.filter(action=Action.LOGIN_FAILED).order_by("id"))
    assert [event.extra["reason"] for event in failures] == [
        *["invalid_credentials"] * (settings.AXES_FAILURE_LIMIT - 1),
        "locked_out",  # the failure that reached the limit
        "locked_out",  # the right password, refused while locked
    ]
    assert {event.object_code for event in failures} == {"sales-user"}
    assert not AuditEvent.objects.filter(action=Action.LOGIN).exists()
    assert_no_secret_in_log("Wrong-Guess-99", PASSWORD)


# --- Management commands --------------------------------------------------------------------------


def test_createuser_signs_its_event_with_the_command(db: Any) -> None:
    call_command("createuser", "ana", "--role", "sales", "--password", NEW_PASSWORD, stdout=StringIO())

    event = last_event(Action.CREATE)
    assert (event.actor, event.actor_kind, event.actor_display) == (None, "system", "command:createuser")
    assert event.object_code == "ana"
    assert event.changes["role"] == {"before": None, "after": "sales"}
    assert_no_secret_in_log(NEW_PASSWORD, User.objects.get(username="ana").password)


def test_apitoken_signs_its_event_with_the_command_and_keeps_the_token_out(users: dict[str, Any]) -> None:
    out = StringIO()
    call_command("apitoken", "support-user", "--name", "backup", stdout=out)
    clear = out.getvalue().strip().splitlines()[-1]
    token = ApiToken.objects.get()

    event = last_event(Action.TOKEN_CREATE)
    assert (event.actor, event.actor_display) == (None, "command:apitoken")
    assert event.object_code == "support-user"
    assert event.extra["token_prefix"] == token.prefix
    assert_no_secret_in_log(clear, token.digest)


# --- Reading them back ----------------------------------------------------------------------------


def test_the_audit_log_filters_a_users_events_by_username(client_for: Any, users: dict[str, Any]) -> None:
    services.deactivate_user(actor=users["admin"], user=users["support"])
    login(Client(), "support-user", "Wrong-Guess-99")

    response = client_for("admin").get(reverse("audit:event_list"), {"object_code": "support-user"})

    assert response.status_code == 200
    content = response.content.decode()
    assert content.count("data-action=") == 3
    for action in (Action.CREATE, Action.UPDATE, Action.LOGIN_FAILED):
        assert f'data-action="{action}"' in content
