"""Every stylesheet is well formed: an unclosed rule makes the browser drop every rule after it."""

import re
from pathlib import Path

import pytest

CSS = sorted((Path(__file__).resolve().parents[2] / "static" / "css").glob("*.css"))
_COMMENTS = re.compile(r"/\*.*?\*/", re.S)


@pytest.mark.parametrize("path", CSS, ids=lambda path: path.name)
def test_braces_balance(path: Path) -> None:
    depth = 0
    for number, line in enumerate(_COMMENTS.sub("", path.read_text()).splitlines(), 1):
        depth += line.count("{") - line.count("}")
        assert depth >= 0, f"{path.name}:{number} closes a rule never opened"
    assert depth == 0, f"{path.name} leaves {depth} rule(s) open"
