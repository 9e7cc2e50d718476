"""Input types shared by the API's schemas."""

from typing import Annotated

from pydantic import AfterValidator


def _storable_text(value: str) -> str:
    """Refuse text the databases cannot store: NUL characters and lone UTF-16 surrogates."""
    if "\x00" in value:
        raise ValueError("Null characters are not allowed.")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("The text is not valid Unicode.") from None
    return value


Text = Annotated[str, AfterValidator(_storable_text)]
