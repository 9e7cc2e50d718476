"""Writes for users, roles and API tokens, each audited in its transaction (``clientbook.accounts.events``).

``actor`` is the user asking for the change; None means the system (management commands, seeds),
which skips the permission check but never the validation, and is signed by the running command
(``audit.acting_as``).
"""

import secrets
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from clientbook.accounts import events
from clientbook.accounts.models import ApiToken, Role
from clientbook.accounts.roles import ROLE_GROUP_NAMES
from clientbook.core.permissions import can
from clientbook.core.records import audit

TOKEN_PREFIX = "cb_"
TOKEN_NAME_MAX_LENGTH = 100  # ApiToken.name's column width


def _require(actor: Any, action: str) -> None:
    if actor is not None and not can(actor, action, get_user_model()):
        raise PermissionDenied(f"You may not {action} users.")


def _role_error(role: str) -> str | None:
    if role in ROLE_GROUP_NAMES:
        return None
    return f"Unknown role “{role}”; choose one of {', '.join(ROLE_GROUP_NAMES)}."


def _password_errors(password: str, user: Any) -> list[str]:
    try:
        validate_password(password, user)
    except ValidationError as error:
        return list(error.messages)
    return []


def role_of(user: Any) -> str | None:
    """The user's role (``admin``, ``sales`` …) or None; superusers count as admins."""
    if user.is_superuser:
        return Role.ADMIN.value
    names = set(user.groups.values_list("name", flat=True))
    for role, group_name in ROLE_GROUP_NAMES.items():
        if group_name in names:
            return role
    return None


def _join_role_group(user: Any, role: str) -> None:
    role_groups = Group.objects.filter(name__in=ROLE_GROUP_NAMES.values())
    user.groups.remove(*role_groups)
    user.groups.add(Group.objects.get(name=ROLE_GROUP_NAMES[role]))


@transaction.atomic
def set_role(*, user: Any, role: str, actor: Any = None) -> None:
    _require(actor, "change")
    error = _role_error(role)
    if error:
        raise ValidationError({"role": error})
    before = role_of(user)
    if before == role:
        return
    _join_role_group(user, role)
    events.role_changed(user, before=before, after=role, actor=actor)


@transaction.atomic
def create_user(
    *,
    username: str,
    role: str,
    password: str,
    email: str = "",
    first_name: str = "",
    last_name: str = "",
    check_password: bool = True,
    actor: Any = None,
) -> Any:
    """Create an active user with a role; the password is checked by Django's validators.

    Every problem is reported at once, as a ValidationError keyed by field.
    """
    _require(actor, "add")
    user_model = get_user_model()
    user = user_model(username=username, email=email, first_name=first_name, last_name=last_name)
    errors: dict[str, list[str]] = {}
    if username and user_model.objects.filter(username__iexact=username).exists():
        errors["username"] = [f"A user named “{username}” already exists."]
    role_error = _role_error(role)
    if role_error:
        errors["role"] = [role_error]
    if not password:
        errors["password"] = ["Enter a password."]
    elif check_password and (password_errors := _password_errors(password, user)):
        errors["password"] = password_errors
    user.set_password(password)
    try:
        user.full_clean(exclude=["username"] if "username" in errors else None)
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    user.save()
    _join_role_group(user, role)
    events.user_created(user, role=role, actor=actor)
    return user


@transaction.atomic
def update_user(
    *,
    actor: Any,
    user: Any,
    first_name: str,
    last_name: str,
    email: str,
    role: str,
    is_active: bool,
    password: str = "",
) -> Any:
    """Change a user's names, email, role and active flag, and optionally set a new password.

    Admins cannot lock themselves out: they may not deactivate their own account nor give up
    their own Admin role.
    """
    _require(actor, "change")
    before = audit.snapshot(user)
    errors: dict[str, list[str]] = {}
    role_error = _role_error(role)
    if role_error:
        errors["role"] = [role_error]
    if actor is not None and actor.pk == user.pk:
        if not is_active:
            errors["is_active"] = ["You cannot deactivate your own account; ask another admin."]
        if role != Role.ADMIN and role_of(actor) == Role.ADMIN:
            errors["role"] = ["You cannot remove your own Admin role; ask another admin."]
    user.first_name, user.last_name, user.email, user.is_active = first_name, last_name, email, is_active
    if password:
        password_errors = _password_errors(password, user)
        if password_errors:
            errors["password"] = password_errors
        else:
            user.set_password(password)
    try:
        user.full_clean()
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    if errors:
        user.refresh_from_db()
        raise ValidationError(errors)
    user.save()
    events.user_updated(user, before, actor=actor, password_changed=bool(password))
    set_role(user=user, role=role, actor=actor)
    return user


@transaction.atomic
def change_own_password(*, user: Any, password: str) -> None:
    """A user's new password of their own choosing, checked by the password-change form (the current
    one, Django's validators); audited as a change of the user, the password masked."""
    before = audit.snapshot(user)
    user.set_password(password)
    user.save(update_fields=["password"])
    events.user_updated(user, before, actor=user, password_changed=True)


@transaction.atomic
def deactivate_user(*, actor: Any, user: Any) -> None:
    """Stop a user from logging in or using their API tokens; nothing they own is deleted."""
    _require(actor, "change")
    if actor is not None and actor.pk == user.pk:
        raise ValidationError({"is_active": "You cannot deactivate your own account; ask another admin."})
    if user.is_active:
        before = audit.snapshot(user)
        user.is_active = False
        user.save(update_fields=["is_active"])
        events.user_updated(user, before, actor=actor)


@transaction.atomic
def reactivate_user(*, actor: Any, user: Any) -> None:
    _require(actor, "change")
    if not user.is_active:
        before = audit.snapshot(user)
        user.is_active = True
        user.save(update_fields=["is_active"])
        events.user_updated(user, before, actor=actor)


@transaction.atomic
def create_api_token(*, user: Any, name: str = "", actor: Any = None) -> tuple[ApiToken, str]:
    """Create a token for ``user``; returns the row and the clear token, which is never stored."""
    name = name.strip()
    if len(name) > TOKEN_NAME_MAX_LENGTH:
        raise ValidationError({"name": f"Keep the name to {TOKEN_NAME_MAX_LENGTH} characters or fewer."})
    clear = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, name=name, prefix=clear[:10], digest=ApiToken.digest_of(clear))
    events.token_created(token, actor=actor)
    return token, clear


def user_for_token(clear: str) -> tuple[Any, ApiToken] | None:
    """The active user behind a clear bearer token, or None."""
    token = (
        ApiToken.objects.select_related("user")
        .filter(digest=ApiToken.digest_of(clear), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user, token


@transaction.atomic
def revoke_api_token(*, actor: Any, token: ApiToken) -> None:
    """Revoke a token: its owner may, and so may anyone who manages users."""
    if not actor.is_active or (token.user_id != actor.pk and not can(actor, "delete", ApiToken)):
        raise PermissionDenied("You may only revoke your own tokens.")
    revoked_at = timezone.now()
    # Conditional on the row, so two people revoking at once record one revocation.
    if ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=revoked_at):
        token.revoked_at = revoked_at
        events.token_revoked(token, actor=actor)
