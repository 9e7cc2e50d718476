"""Per-user remembered choices of a list (visible columns, page size).

A list's choices live under its spec's ``preference_key`` as one JSON object, e.g.
``{"columns": ["code", "name"], "per_page": 50}``; missing keys mean "use the spec's default".
Where they are stored is the accounts app's business (``accounts.preferences``, one row per user
and key): it installs its store when the project starts, so core knows no app.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Protocol


class PreferenceStore(Protocol):
    def get(self, user: Any, key: str) -> Any: ...

    def set(self, user: Any, key: str, value: Any) -> None: ...


_stores: list[PreferenceStore] = []


def install_store(store: PreferenceStore) -> None:
    _stores[:] = [store]


def get_preference(user: Any, key: str, default: Any = None) -> Any:
    if user is None or not user.is_authenticated or not _stores:
        return default
    value = _stores[0].get(user, key)
    return default if value is None else value


def set_preference(user: Any, key: str, value: Any) -> None:
    """Store ``value`` under ``key`` for ``user``, replacing what was there."""
    _stores[0].set(user, key, value)


@dataclass(frozen=True)
class ListPreferences:
    columns: tuple[str, ...] | None = None
    per_page: int | None = None

    def as_json(self) -> dict[str, Any]:
        stored: dict[str, Any] = {}
        if self.columns is not None:
            stored["columns"] = list(self.columns)
        if self.per_page is not None:
            stored["per_page"] = self.per_page
        return stored


def load_list_preferences(user: Any, key: str) -> ListPreferences:
    """The remembered list choices; anything malformed in storage is ignored, not trusted."""
    stored = get_preference(user, key, {})
    if not isinstance(stored, dict):
        return ListPreferences()
    columns = stored.get("columns")
    per_page = stored.get("per_page")
    return ListPreferences(
        columns=tuple(str(name) for name in columns) if isinstance(columns, list) and columns else None,
        per_page=per_page if isinstance(per_page, int) and not isinstance(per_page, bool) else None,
    )


def remember_list_choices(
    user: Any,
    key: str,
    current: ListPreferences,
    *,
    columns: Iterable[str] | None = None,
    per_page: int | None = None,
) -> ListPreferences:
    """Save the choices that differ from ``current``; returns what is now stored (no write if nothing changed)."""
    updated = ListPreferences(
        columns=tuple(columns) if columns is not None else current.columns,
        per_page=per_page if per_page is not None else current.per_page,
    )
    if updated != current:
        set_preference(user, key, updated.as_json())
    return updated
