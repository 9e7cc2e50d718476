"""The OpenAPI schema as a generated client needs it, beyond what Ninja writes by itself.

Two things are added once Ninja has built the schema:

* long value lists that several fields share (the 250 countries, the sort columns) become one
  component each, with a name for every value (``x-enum-varnames``), instead of an inline copy per
  field; a field asks for one with ``shared_enum``;
* a field of an enum type refers to the enum's component: Ninja inlines the schema of a multipart
  body's fields, and a client reads an inline ``allOf`` enum as an empty object.
"""

from collections.abc import Callable, Iterable
from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.urls import URLPattern, URLResolver
from ninja import NinjaAPI

COMPONENTS_PREFIX = "#/components/schemas/"
LOCATION = {"Location": {"description": "The URL of the answer.", "schema": {"type": "string"}}}
_MARKER = "x-shared-enum"
_SHARED: dict[str, dict[str, Any]] = {}


def shared_enum(
    name: str, values: Iterable[str], var_names: Iterable[str], *, nullable: bool = False
) -> Callable[[dict[str, Any]], None]:
    """A field's ``json_schema_extra``: the field's schema becomes a reference to the component ``name``.

    The values are documented, not validated here: the model or the list pipeline checks them,
    with a message that names the field.
    """
    component = {"type": "string", "enum": list(values), "x-enum-varnames": list(var_names), "title": name}
    if _SHARED.setdefault(name, component) != component:
        raise ValueError(f"Two different enums are named {name}.")

    def mark(schema: dict[str, Any]) -> None:
        kept = {key: schema[key] for key in ("description", "default", "title") if key in schema}
        schema.clear()
        schema.update(kept, **{_MARKER: {"name": name, "nullable": nullable}})

    return mark


def _reference(marked: dict[str, Any]) -> dict[str, Any]:
    marker = marked.pop(_MARKER)
    ref = {"$ref": COMPONENTS_PREFIX + marker["name"]}
    shape = {"anyOf": [ref, {"type": "null"}]} if marker["nullable"] else {"allOf": [ref]}
    return {**marked, **shape}


def _replace_marked(node: Any) -> Any:
    if isinstance(node, dict):
        node = {key: _replace_marked(value) for key, value in node.items()}
        return _reference(node) if _MARKER in node else node
    if isinstance(node, list):
        return [_replace_marked(item) for item in node]
    return node


def _refer_inline_enums(node: Any, components: dict[str, Any]) -> None:
    """Replace ``allOf: [<an enum's whole schema>]`` by ``allOf: [<its component>]``."""
    if isinstance(node, list):
        for item in node:
            _refer_inline_enums(item, components)
        return
    if not isinstance(node, dict):
        return
    for value in node.values():
        _refer_inline_enums(value, components)
    inline = node.get("allOf", [None])[0]
    if len(node.get("allOf", [])) == 1 and isinstance(inline, dict) and "enum" in inline:
        name = inline.get("title")
        if name not in components or components[name].get("enum") != inline["enum"]:
            raise ValueError(f"An inline enum {name} has no component of the same values.")
        node["allOf"] = [{"$ref": COMPONENTS_PREFIX + name}]


def refine(schema: dict[str, Any]) -> dict[str, Any]:
    refined = _replace_marked(schema)
    refined.setdefault("components", {}).setdefault("schemas", {}).update(_SHARED)
    _refer_inline_enums(refined["paths"], refined["components"]["schemas"])
    _refer_inline_enums(refined["components"]["schemas"], refined["components"]["schemas"])
    return refined


class ClientbookAPI(NinjaAPI):
    """The project's NinjaAPI: the refined schema, and operations that answer for themselves when the
    caller is not signed in (401 in the error envelope), so the pages' login gate lets them through."""

    @property
    def urls(self) -> tuple[list[URLResolver | URLPattern], str, str]:
        patterns, app_name, namespace = super().urls
        for pattern in patterns:
            if isinstance(pattern, URLPattern):
                login_not_required(pattern.callback)
        return patterns, app_name, namespace

    def get_openapi_schema(self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None) -> Any:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        refined = refine(schema)
        schema.clear()
        schema.update(refined)
        return schema
