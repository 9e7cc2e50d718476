"""Query parameters an operation does not take are refused (400 naming each one), never ignored.

A misspelt filter (``?stauts=active``) would otherwise return the whole list as if it matched, as
the filter bodies of the bulk and export operations already refuse an unknown name.
"""

import functools
from collections.abc import Callable, Iterable
from typing import Any

from django.http import HttpRequest
from ninja import NinjaAPI
from ninja.operation import Operation


class UnknownQueryParameters(Exception):
    def __init__(self, names: Iterable[str]) -> None:
        self.names = sorted(names)
        super().__init__(f"Unknown query parameter: {', '.join(self.names)}.")


def _query_names(operation: Operation) -> frozenset[str]:
    names: set[str] = set()
    for model in operation.models:
        if getattr(model, "__ninja_param_source__", None) != "query":
            continue
        flatten_map = getattr(model, "__ninja_flatten_map__", None)
        names.update(flatten_map or (field.alias or name for name, field in model.model_fields.items()))
    return frozenset(names)


def _refusing_unknown(view_func: Callable[..., Any], known: frozenset[str]) -> Callable[..., Any]:
    @functools.wraps(view_func)
    def view(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        unknown = set(request.GET) - known
        if unknown:
            raise UnknownQueryParameters(unknown)
        return view_func(request, *args, **kwargs)

    return view


def refuse_unknown_query_parameters(api: NinjaAPI) -> None:
    """Make every operation of ``api``'s routers refuse a query parameter it does not declare.

    The check runs after authentication and the declared parameters' validation, like the handler.
    """
    for _prefix, router in api._routers:
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                operation.view_func = _refusing_unknown(operation.view_func, _query_names(operation))
