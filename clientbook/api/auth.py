"""Who is calling the API, and may they: a Django session (with CSRF) or ``Authorization: Bearer <token>``.

Each operation passes ``requires(action, Model)`` as its ``auth``. Authentication and the
permission check both run before Ninja reads the request's parameters and body, so a caller
without the right gets 401/403 whatever they sent, never a validation error that would tell them
about the operation's input.
"""

import dataclasses
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Model
from django.http import HttpRequest
from ninja.errors import AuthenticationError
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from clientbook.accounts.services import user_for_token
from clientbook.core import context
from clientbook.core.permissions import can

SAFE_METHODS = {"GET", "HEAD", "OPTIONS", "TRACE"}


@dataclasses.dataclass(frozen=True)
class Permission:
    action: str
    model: type[Model]


def _check_permission(user: Any, permission: Permission | None) -> None:
    if permission is not None and not can(user, permission.action, permission.model):
        verbose = permission.model._meta.verbose_name_plural
        raise PermissionDenied(f"Your role may not {permission.action} {verbose}.")


def _remember_caller(request: HttpRequest, user: Any, token_id: int | None) -> None:
    """Expose the caller to Django (``request.user``) and to the services' audit context."""
    request.user = user
    context.set_context(dataclasses.replace(context.current(), user=user, token_id=token_id))


class BearerAuth(HttpBearer):
    """An API token: ``Authorization: Bearer cb_…`` (create one with ``manage.py apitoken USER``)."""

    openapi_description = "An API token sent as `Authorization: Bearer <token>`."

    def __init__(self, permission: Permission | None = None) -> None:
        self.permission = permission
        super().__init__()

    def __call__(self, request: HttpRequest) -> Any:
        if "Authorization" not in request.headers:
            return None
        # A request that presents credentials is judged by them alone: a wrong or revoked token is
        # a 401 even when the same browser also holds a session.
        scheme, _, token = request.headers["Authorization"].strip().partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise AuthenticationError()
        return self.authenticate(request, token.strip())

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        found = user_for_token(token)
        if found is None:
            raise AuthenticationError()
        user, api_token = found
        _check_permission(user, self.permission)
        _remember_caller(request, user, api_token.pk)
        return user


class SessionAuth(APIKeyCookie):
    """The browser's Django session cookie; unsafe methods also need the ``X-CSRFToken`` header."""

    param_name = settings.SESSION_COOKIE_NAME
    openapi_description = "The Django session of a logged-in user; POST, PATCH and DELETE also need `X-CSRFToken`."

    def __init__(self, permission: Permission | None = None) -> None:
        self.permission = permission
        super().__init__(csrf=True)

    def _get_key(self, request: HttpRequest) -> str | None:
        # Only a logged-in session is checked for CSRF: an anonymous caller is told to log in (401).
        if not request.user.is_authenticated:
            return None
        if request.method not in SAFE_METHODS and check_csrf(request) is not None:
            raise PermissionDenied("CSRF check failed: send the X-CSRFToken header with the csrftoken cookie's value.")
        return request.COOKIES.get(self.param_name, "")

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        if key is None:
            return None
        _check_permission(request.user, self.permission)
        _remember_caller(request, request.user, None)
        return request.user


def caller(request: HttpRequest) -> Any:
    """The user an operation's ``requires`` authenticated (Ninja stores it on the request)."""
    return request.auth  # type: ignore[attr-defined]


def requires(action: str | None = None, model: type[Model] | None = None) -> list[Any]:
    """The ``auth`` of an operation: a token or a session, and the permission to ``action`` ``model``."""
    permission = Permission(action, model) if action is not None and model is not None else None
    return [BearerAuth(permission), SessionAuth(permission)]
