"""An import's choices as a client sends them in a form: the mapping as a JSON object, the match keys
as a JSON list, a repeated field or a comma list.

The JSON is read only when it is small and shallow: a mapping is one object of strings and the
match keys one list of strings, so anything larger or nested deeper is refused (422 naming the field)
before the parser sees it; a thousand nested brackets would otherwise exhaust the parser's recursion.
"""

import json
import re
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError

# A mapping names at most ``import_files.MAX_COLUMNS`` columns; this leaves room for long column names.
MAX_JSON_CHARACTERS = 256 * 1024
MAX_JSON_DEPTH = 4
_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)


def _json(text: str, name: str, expected: str) -> Any:
    if len(text) > MAX_JSON_CHARACTERS:
        raise ValidationError({name: f"Too long: at most {MAX_JSON_CHARACTERS:,} characters; send {expected}."})
    if _depth(text) > MAX_JSON_DEPTH:
        raise ValidationError({name: f"Nested too deep; send {expected}."})
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        raise ValidationError({name: f"Not valid JSON: send {expected}."}) from None


def _depth(text: str) -> int:
    """How deep the brackets of ``text`` nest, outside its strings (counted without the parser's recursion)."""
    deepest = depth = 0
    for character in _JSON_STRING.sub("", text):
        if character in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif character in "]}":
            depth -= 1
    return deepest


def mapping(text: str | None) -> dict[str, str]:
    """The mapping: a JSON object of column names to field names (or "" / the note marker)."""
    if text is None or not text.strip():
        return {}
    expected = 'an object of column names to field names, e.g. {"E-mail": "email"}'
    value = _json(text, "mapping", expected)
    if not isinstance(value, dict) or not all(isinstance(target, str) for target in value.values()):
        raise ValidationError({"mapping": f"Send {expected}."})
    return value


def match_on(values: Sequence[str] | None) -> list[str]:
    """The match keys from each value of the field: a JSON list (``["email", "phone"]``) or a comma list."""
    keys: list[str] = []
    for value in values or ():
        if value.strip().startswith("["):
            expected = 'a list of keys, e.g. ["email", "phone"]'
            listed = _json(value, "match_on", expected)
            if not isinstance(listed, list) or not all(isinstance(key, str) for key in listed):
                raise ValidationError({"match_on": f"Send {expected}."})
            keys.extend(key.strip() for key in listed if key.strip())
        else:
            keys.extend(part.strip() for part in value.split(",") if part.strip())
    return keys
