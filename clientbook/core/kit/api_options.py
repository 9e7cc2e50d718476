"""What a model's spec says about its API (``clientbook.api.kit.router_for`` reads it).

Plain data, so a spec in ``core`` or an app declares its API without importing Ninja.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class DeletedRows:
    """Lets administrators ask the list and a record for deleted rows too (``include_deleted=true``).

    ``queryset(user)`` holds live and deleted rows; ``filterset`` filters them (a search index may
    hold live rows only, so its search reads deleted rows another way).
    """

    queryset: Callable[[Any], Any]
    filterset: type[Any]


@dataclass(frozen=True)
class ApiOptions:
    """How a spec's model appears in the API beyond what is derived from the spec.

    The record shows the spec's ``schema_fields`` (with its key, ``created_at``, ``updated_at`` and
    ``version``); the writable ones are those a form may edit. A schema given here replaces the
    generated one (keep the model's field names): ``list_item_schema`` the list's items (default:
    the record's), ``bulk_schema`` the body of ``POST /bulk``. ``examples`` are request bodies for
    the docs; ``descriptions`` document fields and ``parameter_descriptions`` the list's parameters
    (default: the filter's label); ``parameters`` declares a list parameter the FilterSet cannot
    type (name → (annotation, ``Field``), one of the FilterSet's names). ``input_values(user, sent)``
    turns a create or patch body's sent fields into the write's values, and ``bulk_values`` a bulk
    body's into the action's, where the derived rule (a relation by its natural key among the rows
    the user may view) does not fit.
    Each of the spec's ``record_actions`` is an operation too (``POST /{key}/<action key>``), and
    its bulk actions that can ``run`` are ``POST /bulk``. ``as_of_on_retrieve``: the record's GET
    also takes the deprecated ``as_of`` and answers 307 to the as-of operation.
    ``summaries`` and ``operation_descriptions`` replace an operation's generated summary and
    description in the docs, by the operation's name (one of ``OPERATIONS``).
    """

    tag: str | None = None
    out_schema: type[Any] | None = None
    list_item_schema: type[Any] | None = None
    create_schema: type[Any] | None = None
    update_schema: type[Any] | None = None
    bulk_schema: type[Any] | None = None
    examples: tuple[Mapping[str, Any], ...] = ()
    descriptions: Mapping[str, str] = field(default_factory=dict)
    parameter_descriptions: Mapping[str, str] = field(default_factory=dict)
    parameters: Mapping[str, tuple[Any, Any]] = field(default_factory=dict)
    input_values: Callable[[Any, dict[str, Any]], dict[str, Any]] | None = None
    bulk_values: Callable[[Any, dict[str, Any]], dict[str, Any]] | None = None
    include_deleted: DeletedRows | None = None
    as_of_on_retrieve: bool = False
    summaries: Mapping[str, str] = field(default_factory=dict)
    operation_descriptions: Mapping[str, str] = field(default_factory=dict)


# The operations of a spec's router, as ``summaries`` and ``operation_descriptions`` name them.
OPERATIONS = ("list", "create", "bulk", "retrieve", "update", "delete", "restore", "history", "as_of")


def api_path(spec: Any) -> str:
    """Where the spec's router is mounted under /api/v1: ``/contacts``."""
    return f"/{spec.slug}"
