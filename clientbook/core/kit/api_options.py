"""What a model's spec says about its API (``clientbook.api.kit.router_for`` reads it).

Plain data, so a spec in ``core`` or an app declares its API without importing Ninja.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class ApiOptions:
    """How a spec's model appears in the API beyond what is derived from the spec.

    The record shows the spec's ``schema_fields`` (with its key, ``created_at``, ``updated_at`` and
    ``version``); the writable ones are those a form may edit. A schema given here replaces the
    generated one (keep the model's field names); ``examples`` are request bodies for the docs.
    Each of the spec's ``record_actions`` is an operation too (``POST /{key}/<action key>``).
    """

    tag: str | None = None
    out_schema: type[Any] | None = None
    create_schema: type[Any] | None = None
    update_schema: type[Any] | None = None
    examples: tuple[Mapping[str, Any], ...] = ()
    descriptions: Mapping[str, str] = field(default_factory=dict)


def api_options(spec: Any) -> ApiOptions | None:
    """The spec's API options; None when the model has no generated API."""
    return spec.api  # type: ignore[no-any-return]


def api_path(spec: Any) -> str:
    """Where the spec's router is mounted under /api/v1: ``/contacts``."""
    return f"/{spec.slug}"
