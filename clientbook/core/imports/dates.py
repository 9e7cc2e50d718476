"""Which comes first in a file's dates written ``03/04/2024``: the day or the month.

One function decides it for the wizard and the API alike, on every row of the file: the first date
whose first part is above 12 says day first, one whose second part is, month first; a date whose
parts are equal (05/05/1913) reads the same both ways and says nothing. Only a file where no date
tells and some date reads two different ways needs the person importing it to choose.
"""

from collections.abc import Iterable, Sequence
from typing import Any

DAY_FIRST = "dmy"
MONTH_FIRST = "mdy"
EITHER = "auto"


def date_order_of(rows: Iterable[Sequence[Any]], columns: Sequence[int]) -> str | None:
    """``dmy`` or ``mdy`` when a date of ``columns`` tells, ``auto`` when no date reads two ways, else None."""
    two_ways = False
    for cells in rows:
        for index in columns:
            order = _order_told(cells[index]) if index < len(cells) else EITHER
            if order is None:
                two_ways = True
            elif order != EITHER:
                return order
    return None if two_ways else EITHER


def _order_told(value: Any) -> str | None:
    """What one cell says: an order, ``auto`` when it reads one way only (or is no such date), None when two."""
    if not isinstance(value, str):
        return EITHER  # a spreadsheet's own date, a number: no order to read
    parts = value.strip().split("T")[0].split(" ")[0].replace("/", "-").replace(".", "-").split("-")
    if len(parts) != 3 or len(parts[0]) == 4 or not all(part.isdigit() for part in parts):
        return EITHER
    first, second = int(parts[0]), int(parts[1])
    if first > 12 >= second:
        return DAY_FIRST
    if second > 12 >= first:
        return MONTH_FIRST
    if first == second or first > 12 or first == 0 or second == 0:
        return EITHER
    return None
