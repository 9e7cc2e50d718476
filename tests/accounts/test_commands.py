"""The createuser and apitoken management commands."""

import subprocess
import sys
from io import StringIO
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

from clientbook.accounts import services
from tests.conftest import PASSWORD

User = get_user_model()
GOOD_PASSWORD = "Amber-Tractor-Violin-3"


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


@pytest.mark.parametrize("role", ["admin", "sales", "support", "accounting"])
def test_createuser_creates_an_active_user_with_the_role(db: Any, role: str) -> None:
    output = run("createuser", "ana", "--role", role, "--password", GOOD_PASSWORD, "--email", "ana@example.com")

    user = User.objects.get(username="ana")
    assert user.is_active
    assert user.email == "ana@example.com"
    assert user.check_password(GOOD_PASSWORD)
    assert services.role_of(user) == role
    assert "Created user “ana”" in output


def test_createuser_refuses_an_unknown_role(db: Any) -> None:
    with pytest.raises(CommandError, match="invalid choice: 'boss'"):
        run("createuser", "ana", "--role", "boss", "--password", GOOD_PASSWORD)
    assert not User.objects.filter(username="ana").exists()


def test_createuser_refuses_a_duplicate(make_user: Any) -> None:
    make_user("sales", username="ana")
    with pytest.raises(CommandError, match="A user named “Ana” already exists"):
        run("createuser", "Ana", "--role", "support", "--password", GOOD_PASSWORD)
    assert User.objects.filter(username__iexact="ana").count() == 1


def test_createuser_refuses_a_weak_password(db: Any) -> None:
    with pytest.raises(CommandError, match=r"password: .*too common"):
        run("createuser", "ana", "--role", "sales", "--password", "password")
    assert not User.objects.filter(username="ana").exists()


def test_createuser_requires_role_and_password(db: Any) -> None:
    with pytest.raises(CommandError, match="required"):
        run("createuser", "ana")


def test_apitoken_prints_a_working_token_alone_on_the_last_line(make_user: Any) -> None:
    user = make_user("support", username="ana")

    output = run("apitoken", "ana", "--name", "nightly export")

    last_line = output.rstrip("\n").splitlines()[-1]
    assert last_line == last_line.strip()
    assert last_line.startswith("cb_")
    found = services.user_for_token(last_line)
    assert found is not None
    assert found[0] == user
    assert found[1].name == "nightly export"


def test_apitoken_refuses_an_unknown_user(db: Any) -> None:
    with pytest.raises(CommandError, match="No user named “ghost”"):
        run("apitoken", "ghost")


def test_apitoken_refuses_an_inactive_user(db: Any) -> None:
    User.objects.create_user(username="gone", password=PASSWORD, is_active=False)
    with pytest.raises(CommandError, match="inactive"):
        run("apitoken", "gone")


def test_createuser_exits_non_zero_with_the_reason_on_the_command_line() -> None:
    # An argument error stops before the database is touched, so the real command line is safe here.
    result = subprocess.run(
        [sys.executable, "manage.py", "createuser", "ana", "--role", "boss", "--password", GOOD_PASSWORD],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "invalid choice: 'boss'" in result.stderr
