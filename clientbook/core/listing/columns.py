"""What a list can export: each ``ListSpec`` declares its ``ExportField``s.

A field names the database columns it reads (``values_list`` lookups, so a million rows are read
without building model instances), turns them into one plain value (text, number, date or
moment), and says whether the user may see it at all (``permission``) and whether it is
``masked`` in every export. The export engine (``clientbook.core.exports.engine``) and the file writers
(``clientbook.core.exports.formats.tabular``) do the rest for every list alike.
"""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Any, NamedTuple

from django.db.models import Expression

MASK = "••••"
MASK_KEEP = 4  # trailing characters a long masked value keeps (••••1234)


class Kind(StrEnum):
    """How a value is written: text cells, numbers, dates and moments each have a spreadsheet type."""

    TEXT = "text"
    NUMBER = "number"
    MONEY = "money"
    DATE = "date"
    DATETIME = "datetime"


@dataclass(frozen=True)
class ExportField:
    """One exportable field of a list.

    ``columns``: the lookups read from the database (default: ``name``); ``annotations`` defines
    any of them that is an expression rather than a field. ``value`` gets the columns' values in
    that order and returns the cell (default: the first column's value as it is). ``related``
    reads values kept in other tables (many-to-many) for a batch of primary keys at once:
    ``{pk: cell}``. ``permission`` (``app.codename``) hides the field from users without it.
    ``currency`` (money): the lookup of the amount's currency code, which a document (the PDF)
    prints beside the amount; spreadsheets get the bare number, to sort and sum.
    """

    name: str
    label: str
    columns: tuple[str, ...] = ()
    value: Callable[..., Any] | None = None
    kind: Kind = Kind.TEXT
    masked: bool = False
    permission: str | None = None
    annotations: Mapping[str, Expression] = field(default_factory=dict)
    related: Callable[[Sequence[Any]], Mapping[Any, Any]] | None = None
    currency: str | None = None

    @property
    def lookups(self) -> tuple[str, ...]:
        if self.related is not None:
            return ()
        return self.columns or (self.name,)

    def visible_to(self, user: Any) -> bool:
        return self.permission is None or bool(user.has_perm(self.permission))


class Money(NamedTuple):
    """An amount with its currency code, as a document reads it (``ExportField.currency``)."""

    amount: Decimal | None
    currency: str


def mask(value: Any) -> str:
    """``••••1234``: enough to recognise a value, never enough to use it."""
    text = "" if value is None else str(value)
    if not text:
        return ""
    # Short values keep nothing, and the mask's length never tells how long the value is.
    return MASK + (text[-MASK_KEEP:] if len(text) > 2 * MASK_KEEP else "")
