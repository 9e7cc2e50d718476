"""Input types shared by the API's schemas."""

import enum
import re
from datetime import date, datetime
from typing import Annotated, Any, cast

from django.db import models
from pydantic import AfterValidator, BeforeValidator, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue


def _storable_text(value: str) -> str:
    """Refuse text the databases cannot store: NUL characters and lone UTF-16 surrogates."""
    if "\x00" in value:
        raise ValueError("Null characters are not allowed.")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("The text is not valid Unicode.") from None
    return value


class _DocumentedStorable:
    """Says in the JSON schema what ``_storable_text`` refuses (a field's own pattern takes precedence)."""

    @classmethod
    def __get_pydantic_json_schema__(cls, core_schema: Any, handler: GetJsonSchemaHandler) -> JsonSchemaValue:
        schema = handler(core_schema)
        schema.setdefault("pattern", NO_NULL_PATTERN)
        return schema


NO_NULL_PATTERN = r"^[^\x00]*$"
Text = Annotated[str, AfterValidator(_storable_text), _DocumentedStorable]


# JSON has no date type: pydantic alone would also read a number as a Unix time (0 as 1970-01-01)
# and "20240102" as seconds. The API takes ISO 8601 text only, as its schema says.
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_ISO_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([Zz]|[+-]\d{2}:?\d{2})?")


def _iso_date_text(value: Any) -> Any:
    if isinstance(value, date) or (isinstance(value, str) and _ISO_DATE.fullmatch(value)):
        return value
    raise ValueError("Send a date as ISO 8601 text: YYYY-MM-DD, e.g. 2024-03-01.")


def _iso_datetime_text(value: Any) -> Any:
    if isinstance(value, datetime) or (isinstance(value, str) and _ISO_DATETIME.fullmatch(value)):
        return value
    raise ValueError("Send a moment as ISO 8601 text, e.g. 2024-03-01T09:30:00Z.")


IsoDate = Annotated[date, BeforeValidator(_iso_date_text)]
IsoDateTime = Annotated[datetime, BeforeValidator(_iso_datetime_text)]


def named_choices(name: str, choices: type[models.TextChoices]) -> type[enum.Enum]:
    """Django ``choices`` as a str enum called ``name``, its OpenAPI component's name.

    Components are named after the enum class, and several models' choices share a class name
    (three ``State``s): in one schema only one of them would survive, with its values only.
    """
    members = [(member.name, member.value) for member in choices]
    return cast(type[enum.Enum], enum.Enum(name, members, type=str, module=__name__))
