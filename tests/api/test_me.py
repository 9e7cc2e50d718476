"""``GET /api/v1/me``."""

import pytest

from tests.api.conftest import Caller

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("role", "may_write"),
    [("admin", True), ("sales", True), ("support", False), ("accounting", False)],
)
def test_me_describes_the_caller(call: Caller, users: dict, role: str, may_write: bool) -> None:
    users[role].first_name, users[role].last_name, users[role].email = "Ada", "Lovelace", "ada@example.com"
    users[role].save()

    response = call(role, "GET", "/api/v1/me")

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"username", "name", "email", "role", "permissions"}
    assert (body["username"], body["name"], body["email"], body["role"]) == (
        f"{role}-user",
        "Ada Lovelace",
        "ada@example.com",
        role,
    )
    assert "customers.view_customer" in body["permissions"]
    assert ("customers.add_customer" in body["permissions"]) is may_write
    assert ("auth.add_user" in body["permissions"]) is (role == "admin")


def test_a_user_without_a_role_has_no_role(call: Caller, users: dict) -> None:
    users["support"].groups.clear()

    body = call("support", "GET", "/api/v1/me").json()

    assert (body["role"], body["permissions"]) == (None, [])


def test_me_needs_a_caller(call: Caller) -> None:
    assert call(None, "GET", "/api/v1/me").status_code == 401
