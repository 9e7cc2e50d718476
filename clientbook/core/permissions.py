"""The one permission check (``can``) and the one queryset restriction (``restrict``).

Pages, htmx fragments, API operations, imports and exports all call these, so a role's rights are
decided in one place: Django permissions held by the user's groups (roles).
"""

from typing import Any

from django.db import models

ACTIONS = ("view", "add", "change", "delete")


def permission_name(action: str, model: type[models.Model] | models.Model) -> str:
    meta = model._meta
    return f"{meta.app_label}.{action}_{meta.model_name}"


def can(user: Any, action: str, model_or_obj: type[models.Model] | models.Model) -> bool:
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return bool(user.has_perm(permission_name(action, model_or_obj)))


def is_admin(user: Any) -> bool:
    """An administrator: holds the right to change user accounts (the Admin role, or a superuser).

    Some acts have no model permission of their own and belong to administrators only: reading
    the whole audit log, reverting a record to an earlier state, reading deleted records' history.
    Tying them to ``auth.change_user`` keeps them with whoever administers the accounts, and a
    deployment that moves that right moves these with it.
    """
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return bool(user.has_perm("auth.change_user"))


def restrict(user: Any, action: str, queryset: models.QuerySet) -> models.QuerySet:
    """The rows of ``queryset`` that ``user`` may act on (all or none until row-level rules exist)."""
    return queryset if can(user, action, queryset.model) else queryset.none()
