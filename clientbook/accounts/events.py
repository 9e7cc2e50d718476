"""The audit events of accounts, one small function each; callers run them inside the change's transaction.

Every event is about a user (a token's events about its owner), so an account's whole story, its
logins and tokens included, is found by its username, which is its code in the log. What is
secret never reaches an event: a password change is recorded as masked on both sides, a token by
its prefix and name only, never the clear token nor its digest.
"""

from collections.abc import Mapping
from typing import Any

from django.contrib.auth import get_user_model

from clientbook.accounts.models import ApiToken
from clientbook.core.models import AuditEvent
from clientbook.core.records import audit

Action = AuditEvent.Action

# How a failed login is signed: nobody is logged in yet, and "system" would say the application did it.
ANONYMOUS = "anonymous"
ATTEMPTED_USERNAME_MAX_LENGTH = 150  # the username column's width; longer input is not a username


class LoginFailure:
    """Why a login was refused (``extra["reason"]`` of its event)."""

    INVALID_CREDENTIALS = "invalid_credentials"
    LOCKED_OUT = "locked_out"


def user_label(user: Any) -> str:
    """How an event names a user: "Ana Lima (ana)", or the username alone when there is no name."""
    full_name = user.get_full_name()
    username = user.get_username()
    return f"{full_name} ({username})" if full_name else username


def _record(action: str, user: Any, *, actor: Any, **fields: Any) -> None:
    if type(user) is not user.__class__:
        # ``request.user`` is a lazy proxy, and the audit registry knows models by their exact class.
        user = get_user_model()._default_manager.get(pk=user.pk)
    audit.record(action, user, user=actor, object_label=user_label(user), **fields)


def user_created(user: Any, *, role: str, actor: Any) -> None:
    state = {**audit.snapshot(user), "role": role}
    changes = {name: {"before": None, "after": value} for name, value in state.items() if value not in (None, "")}
    _record(Action.CREATE, user, actor=actor, changes=changes, state=state)


def user_updated(user: Any, before: Mapping[str, Any], *, actor: Any, password_changed: bool = False) -> None:
    """The fields that changed since ``before`` (an ``audit.snapshot``); nothing if none did."""
    state = audit.snapshot(user)
    changes = audit.diff(before, state)
    if password_changed:
        changes["password"] = {"before": audit.MASK, "after": audit.MASK}
    if changes:
        _record(Action.UPDATE, user, actor=actor, changes=changes, state=state)


def role_changed(user: Any, *, before: str | None, after: str, actor: Any) -> None:
    _record(Action.ROLE_CHANGE, user, actor=actor, changes={"role": {"before": before, "after": after}})


def _token_details(token: ApiToken) -> dict[str, Any]:
    return {"token_id": token.pk, "token_prefix": token.prefix, "token_name": token.name}


def token_created(token: ApiToken, *, actor: Any) -> None:
    _record(Action.TOKEN_CREATE, token.user, actor=actor, extra=_token_details(token))


def token_revoked(token: ApiToken, *, actor: Any) -> None:
    _record(Action.TOKEN_REVOKE, token.user, actor=actor, extra=_token_details(token))


def logged_in(user: Any) -> None:
    _record(Action.LOGIN, user, actor=user)


def logged_out(user: Any) -> None:
    _record(Action.LOGOUT, user, actor=user)


def login_failed(username: str, *, reason: str) -> None:
    """A refused login: about the account it named when there is one, else only the name that was typed."""
    username = username[:ATTEMPTED_USERNAME_MAX_LENGTH]
    user_model = get_user_model()
    user = user_model._default_manager.filter(**{user_model.USERNAME_FIELD: username}).first() if username else None
    extra = {"username": username, "reason": reason}
    with audit.acting_as(ANONYMOUS):
        if user is None:
            audit.record(Action.LOGIN_FAILED, None, extra=extra, object_label=username)
        else:
            _record(Action.LOGIN_FAILED, user, actor=None, extra=extra)
