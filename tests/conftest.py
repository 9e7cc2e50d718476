"""Shared fixtures: one user per role, a client logged in as each, API tokens, and the worker run at once."""

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from huey.contrib.djhuey import HUEY

from clientbook.accounts import services as account_services

ROLES = ("admin", "sales", "support", "accounting", "facility")
PASSWORD = "Correct-Horse-42"

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def stored_files(settings: Any, tmp_path: Path) -> Path:
    """Files the application stores (uploads, exports) go to the test's temporary folder, not var/files."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": tmp_path}},
    }
    return tmp_path


@pytest.fixture(autouse=True)
def fast_password_hashing(settings: Any) -> None:
    """Argon2 costs ~50 ms a user by design; tests use MD5 (Argon2 itself is checked in tests/accounts)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def make_user(db: Any) -> Callable[..., Any]:
    def make(role: str = "sales", username: str | None = None, **extra: Any) -> Any:
        return account_services.create_user(
            username=username or f"{role}-user", role=role, password=PASSWORD, check_password=False, **extra
        )

    return make


@pytest.fixture
def users(make_user: Callable[..., Any]) -> dict[str, Any]:
    """One user for each role, keyed by role name."""
    return {role: make_user(role) for role in ROLES}


@pytest.fixture
def client_for(users: dict[str, Any]) -> Callable[[str | None], Client]:
    """``client_for("sales")`` is a test client logged in as the sales user; None is anonymous."""

    def make(role: str | None) -> Client:
        client = Client()
        if role is not None:
            client.force_login(users[role])
        return client

    return make


@pytest.fixture
def token_for(users: dict[str, Any]) -> Callable[[str], str]:
    """``token_for("support")`` is a clear API token of the support user."""

    def make(role: str) -> str:
        _, clear = account_services.create_api_token(user=users[role], name="tests")
        return clear

    return make


@pytest.fixture
def immediate_worker() -> Iterator[None]:
    """Huey runs each task in the test's thread as it is queued, as the workers would (exports and
    imports, each on its queue, queue theirs when the job's transaction commits)."""
    from clientbook.core.tasks import IMPORT_QUEUE

    HUEY.immediate = IMPORT_QUEUE.immediate = True
    try:
        yield
    finally:
        HUEY.immediate = IMPORT_QUEUE.immediate = False
