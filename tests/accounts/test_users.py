"""The users administration pages: only admins, every write through the services' rules."""

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from clientbook.accounts import services
from tests.conftest import PASSWORD, ROLES

User = get_user_model()
NEW_PASSWORD = "Blue-Harbour-Lantern-7"


def create_form(**overrides: str) -> dict[str, str]:
    return {
        "username": "mira",
        "first_name": "Mira",
        "last_name": "Okafor",
        "email": "mira@example.com",
        "role": "support",
        "password": NEW_PASSWORD,
        "password_again": NEW_PASSWORD,
        **overrides,
    }


def edit_form(user: Any, **overrides: Any) -> dict[str, Any]:
    data = {
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "role": services.role_of(user),
        "is_active": "on" if user.is_active else "",
        "password": "",
        "password_again": "",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def messages_of(response: Any) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_admin_lists_users_with_role_state_and_last_login(client_for: Any, users: dict[str, Any]) -> None:
    users["support"].is_active = False
    users["support"].save()

    response = client_for("admin").get(reverse("accounts:user_list"))

    assert response.status_code == 200
    rows = dict(response.context["rows"])
    assert {user.username for user in rows} == {f"{role}-user" for role in ROLES}
    assert {user.username: role for user, role in rows.items()}["accounting-user"] == "accounting"
    content = response.content.decode()
    assert "Inactive" in content
    assert reverse("accounts:user_reactivate", args=[users["support"].pk]) in content
    assert reverse("accounts:user_deactivate", args=[users["sales"].pk]) in content
    # No deactivate button on the admin's own row.
    assert reverse("accounts:user_deactivate", args=[users["admin"].pk]) not in content


def test_user_list_filters_by_text_and_state(client_for: Any, users: dict[str, Any]) -> None:
    users["support"].is_active = False
    users["support"].save()
    client = client_for("admin")

    by_text = client.get(reverse("accounts:user_list"), {"q": "acc"})
    inactive = client.get(reverse("accounts:user_list"), {"state": "inactive"})

    assert [user.username for user, _ in by_text.context["rows"]] == ["accounting-user"]
    assert [user.username for user, _ in inactive.context["rows"]] == ["support-user"]


def test_admin_creates_a_user_with_a_role(client_for: Any) -> None:
    response = client_for("admin").post(reverse("accounts:user_create"), create_form())

    assert response.status_code == 303
    user = User.objects.get(username="mira")
    assert (user.first_name, user.last_name, user.email) == ("Mira", "Okafor", "mira@example.com")
    assert services.role_of(user) == "support"
    assert user.is_active
    assert user.check_password(NEW_PASSWORD)
    assert "User “mira” created." in messages_of(response)


@pytest.mark.parametrize(
    "overrides, field, message",
    [
        ({"password": "12345678", "password_again": "12345678"}, "password", "This password is too common."),
        ({"password": "short", "password_again": "short"}, "password", "too short"),
        ({"password_again": "Something-Else-99"}, "password_again", "The two passwords do not match."),
        ({"username": "sales-user"}, "username", "already exists"),
        ({"username": "SALES-USER"}, "username", "already exists"),
        ({"username": "has space"}, "username", "Enter a valid username"),
        ({"username": ""}, "username", "This field is required."),
        ({"email": "not-an-email"}, "email", "Enter a valid email address."),
        ({"role": "superhero"}, "role", "Select a valid choice."),
        ({"role": ""}, "role", "This field is required."),
    ],
)
def test_create_refuses_bad_input_next_to_the_field_and_keeps_the_input(
    client_for: Any, overrides: dict[str, str], field: str, message: str
) -> None:
    before = User.objects.count()

    response = client_for("admin").post(reverse("accounts:user_create"), create_form(**overrides))

    assert response.status_code == 422
    form = response.context["form"]
    assert any(message in error for error in form.errors[field]), form.errors
    assert User.objects.count() == before
    content = response.content.decode()
    assert "is-invalid" in content
    assert 'value="Okafor"' in content


def test_admin_edits_names_email_role_and_password(client_for: Any, users: dict[str, Any]) -> None:
    sales = users["sales"]
    data = edit_form(
        sales,
        first_name="Sam",
        email="sam@example.com",
        role="accounting",
        password=NEW_PASSWORD,
        password_again=NEW_PASSWORD,
    )

    response = client_for("admin").post(reverse("accounts:user_edit", args=[sales.pk]), data)

    assert response.status_code == 303
    sales.refresh_from_db()
    assert (sales.first_name, sales.email) == ("Sam", "sam@example.com")
    assert services.role_of(sales) == "accounting"
    assert sales.groups.count() == 1
    assert sales.check_password(NEW_PASSWORD)


def test_edit_without_a_new_password_keeps_the_old_one(client_for: Any, users: dict[str, Any]) -> None:
    sales = users["sales"]
    client_for("admin").post(reverse("accounts:user_edit", args=[sales.pk]), edit_form(sales, last_name="Lee"))
    sales.refresh_from_db()
    assert sales.last_name == "Lee"
    assert sales.check_password(PASSWORD)


def test_edit_refuses_a_weak_new_password_and_changes_nothing(client_for: Any, users: dict[str, Any]) -> None:
    sales = users["sales"]
    data = edit_form(sales, first_name="Changed", password="password", password_again="password")

    response = client_for("admin").post(reverse("accounts:user_edit", args=[sales.pk]), data)

    assert response.status_code == 422
    assert "This password is too common." in response.context["form"].errors["password"]
    sales.refresh_from_db()
    assert sales.first_name == ""
    assert sales.check_password(PASSWORD)


def test_admin_can_deactivate_with_the_edit_form(client_for: Any, users: dict[str, Any]) -> None:
    support = users["support"]
    client_for("admin").post(reverse("accounts:user_edit", args=[support.pk]), edit_form(support, is_active=None))
    support.refresh_from_db()
    assert not support.is_active


def test_deactivate_and_reactivate_buttons(client_for: Any, users: dict[str, Any]) -> None:
    support = users["support"]
    _, clear = services.create_api_token(user=support)
    client = client_for("admin")

    response = client.post(reverse("accounts:user_deactivate", args=[support.pk]))

    assert response.status_code == 303
    support.refresh_from_db()
    assert not support.is_active
    assert services.user_for_token(clear) is None
    assert client.get(reverse("accounts:user_deactivate", args=[support.pk])).status_code == 405

    client.post(reverse("accounts:user_reactivate", args=[support.pk]))

    support.refresh_from_db()
    assert support.is_active
    assert services.user_for_token(clear) is not None


def test_a_deactivated_user_loses_their_open_session(client_for: Any, users: dict[str, Any]) -> None:
    support_client = client_for("support")
    client_for("admin").post(reverse("accounts:user_deactivate", args=[users["support"].pk]))
    response = support_client.get(reverse("accounts:token_list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_admin_cannot_deactivate_themself(client_for: Any, users: dict[str, Any]) -> None:
    admin = users["admin"]

    response = client_for("admin").post(reverse("accounts:user_deactivate", args=[admin.pk]))

    admin.refresh_from_db()
    assert admin.is_active
    assert "You cannot deactivate your own account; ask another admin." in messages_of(response)


def test_own_role_and_active_flag_are_locked_on_the_edit_form(client_for: Any, users: dict[str, Any]) -> None:
    admin = users["admin"]
    data = edit_form(admin, first_name="Ada", role="support", is_active=None)

    response = client_for("admin").post(reverse("accounts:user_edit", args=[admin.pk]), data)

    assert response.status_code == 303
    admin.refresh_from_db()
    assert admin.first_name == "Ada"
    assert admin.is_active
    assert services.role_of(admin) == "admin"


def test_services_refuse_self_lockout_with_a_clear_message(users: dict[str, Any]) -> None:
    admin = users["admin"]
    fields = {"first_name": "", "last_name": "", "email": "", "password": ""}

    with pytest.raises(ValidationError) as removing_role:
        services.update_user(actor=admin, user=admin, role="sales", is_active=True, **fields)
    with pytest.raises(ValidationError) as deactivating:
        services.update_user(actor=admin, user=admin, role="admin", is_active=False, **fields)
    with pytest.raises(ValidationError):
        services.deactivate_user(actor=admin, user=admin)

    assert removing_role.value.message_dict == {"role": ["You cannot remove your own Admin role; ask another admin."]}
    assert deactivating.value.message_dict == {
        "is_active": ["You cannot deactivate your own account; ask another admin."]
    }
    admin.refresh_from_db()
    assert admin.is_active
    assert services.role_of(admin) == "admin"


def test_services_refuse_user_writes_without_permission(users: dict[str, Any]) -> None:
    sales = users["sales"]
    with pytest.raises(PermissionDenied):
        services.create_user(actor=sales, username="x", role="sales", password=NEW_PASSWORD)
    with pytest.raises(PermissionDenied):
        services.deactivate_user(actor=sales, user=users["support"])
    with pytest.raises(PermissionDenied):
        services.update_user(
            actor=sales, user=sales, first_name="", last_name="", email="", role="admin", is_active=True
        )
    assert services.role_of(sales) == "sales"


def test_edit_of_a_missing_user_is_a_404(client_for: Any) -> None:
    assert client_for("admin").get(reverse("accounts:user_edit", args=[999_999])).status_code == 404


USER_ADMIN_REQUESTS = [
    ("get", "accounts:user_list", False),
    ("get", "accounts:user_create", False),
    ("post", "accounts:user_create", False),
    ("get", "accounts:user_edit", True),
    ("post", "accounts:user_edit", True),
    ("post", "accounts:user_deactivate", True),
    ("post", "accounts:user_reactivate", True),
]


@pytest.mark.parametrize("role", ["sales", "support", "accounting"])
@pytest.mark.parametrize("method, url_name, takes_user", USER_ADMIN_REQUESTS)
def test_other_roles_are_refused_user_administration(
    client_for: Any, users: dict[str, Any], role: str, method: str, url_name: str, takes_user: bool
) -> None:
    target = users["support"] if role != "support" else users["sales"]
    url = reverse(url_name, args=[target.pk] if takes_user else [])
    data = edit_form(target, is_active=None) if takes_user else create_form()

    response = getattr(client_for(role), method)(url, data if method == "post" else None)

    assert response.status_code == 403
    assert "have access" in response.content.decode()
    target.refresh_from_db()
    assert target.is_active
    assert not User.objects.filter(username="mira").exists()


@pytest.mark.parametrize("method, url_name, takes_user", USER_ADMIN_REQUESTS)
def test_anonymous_visitors_are_sent_to_login(
    users: dict[str, Any], method: str, url_name: str, takes_user: bool
) -> None:
    url = reverse(url_name, args=[users["sales"].pk] if takes_user else [])
    response = getattr(Client(), method)(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('accounts:login')}?next={url}"


def test_user_without_a_role_is_refused(make_user: Any, db: Any) -> None:
    plain = User.objects.create_user(username="plain", password=PASSWORD)
    client = Client()
    client.force_login(plain)
    assert client.get(reverse("accounts:user_list")).status_code == 403
