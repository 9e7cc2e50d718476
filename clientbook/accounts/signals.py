"""Logins, logouts, failed logins and lockouts written to the audit log from Django's and axes' signals.

Connected in ``AccountsConfig.ready``. The login and logout views run their POST in one transaction
(``views.atomic_writes``), so a login or logout whose event cannot be written does not happen.
"""

from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.http import HttpRequest

from clientbook.accounts import events

# Set on a request whose refused login was already recorded as a lockout, so it is recorded once: axes
# handles ``user_login_failed`` before this app does (its app is ready first) and sends the lockout from there.
LOCKOUT_RECORDED = "_clientbook_lockout_recorded"


def record_login(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    events.logged_in(user)


def record_logout(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    # Logging out without being logged in ends nobody's session.
    if user is not None and user.is_authenticated:
        events.logged_out(user)


def record_login_failure(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    if request is not None and getattr(request, LOCKOUT_RECORDED, False):
        return
    # Django has already masked the password in ``credentials``; only the username is read.
    username = str(credentials.get(get_user_model().USERNAME_FIELD) or "")
    events.login_failed(username, reason=events.LoginFailure.INVALID_CREDENTIALS)


def record_lockout(sender: Any, request: HttpRequest | None, username: str | None, **kwargs: Any) -> None:
    """Axes refused this attempt because the account is locked (by this failure or earlier ones)."""
    events.login_failed(str(username or ""), reason=events.LoginFailure.LOCKED_OUT)
    if request is not None:
        setattr(request, LOCKOUT_RECORDED, True)


def connect() -> None:
    user_logged_in.connect(record_login, dispatch_uid="clientbook.accounts.audit_login")
    user_logged_out.connect(record_logout, dispatch_uid="clientbook.accounts.audit_logout")
    user_login_failed.connect(record_login_failure, dispatch_uid="clientbook.accounts.audit_login_failed")
    user_locked_out.connect(record_lockout, dispatch_uid="clientbook.accounts.audit_lockout")
