"""Reads for the accounts pages."""

from collections.abc import Iterable
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet

from clientbook.accounts.models import ApiToken, Role
from clientbook.accounts.roles import ROLE_GROUP_NAMES

USER_STATES = ("active", "inactive", "all")


def find_users(*, query: str = "", state: str = "all") -> QuerySet:
    """Users by username, filtered by a text (username, names, email) and active state."""
    queryset = get_user_model().objects.order_by("username")
    for term in query.split():
        queryset = queryset.filter(
            Q(username__icontains=term)
            | Q(first_name__icontains=term)
            | Q(last_name__icontains=term)
            | Q(email__icontains=term)
        )
    if state == "active":
        queryset = queryset.filter(is_active=True)
    elif state == "inactive":
        queryset = queryset.filter(is_active=False)
    return queryset


def roles_by_user(users: Iterable[Any]) -> dict[int, str | None]:
    """Each user's role in one query, keyed by user id; the same answer as ``services.role_of``."""
    user_list = list(users)
    role_by_group = {name: role for role, name in ROLE_GROUP_NAMES.items()}
    groups_of: dict[int, set[str]] = {user.pk: set() for user in user_list}
    membership = (
        get_user_model()
        .groups.through.objects.filter(user_id__in=list(groups_of), group__name__in=role_by_group)
        .values_list("user_id", "group__name")
    )
    for user_id, group_name in membership:
        groups_of[user_id].add(group_name)
    roles: dict[int, str | None] = {}
    for user in user_list:
        if user.is_superuser:
            roles[user.pk] = Role.ADMIN.value
            continue
        roles[user.pk] = next((role for role, name in ROLE_GROUP_NAMES.items() if name in groups_of[user.pk]), None)
    return roles


def tokens_of(user: Any) -> QuerySet:
    return ApiToken.objects.filter(user=user).order_by("revoked_at", "-created_at")


def all_tokens() -> QuerySet:
    """Every user's tokens, active ones first, newest first."""
    return ApiToken.objects.select_related("user").order_by("revoked_at", "-created_at")
