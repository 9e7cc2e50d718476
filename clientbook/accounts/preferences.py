"""Where users' remembered choices are kept: one ``UserPreference`` row per user and key
(the store ``clientbook.core.web.preferences`` reads and writes, installed by ``AccountsConfig``)."""

from typing import Any

from django.db import IntegrityError, transaction

from clientbook.accounts.models import UserPreference


class UserPreferenceStore:
    def get(self, user: Any, key: str) -> Any:
        return UserPreference.objects.filter(user=user, key=key).values_list("value", flat=True).first()

    def set(self, user: Any, key: str, value: Any) -> None:
        try:
            with transaction.atomic():
                UserPreference.objects.update_or_create(user=user, key=key, defaults={"value": value})
        except IntegrityError:
            # Two requests of the same user created the row at once; the other insert won, so update it.
            UserPreference.objects.filter(user=user, key=key).update(value=value)
