"""Human-readable codes from a per-prefix counter."""

from django.db import transaction
from django.db.models import F

from clientbook.core.models import Sequence

CODE_WIDTH = 7


def next_code(prefix: str, width: int = CODE_WIDTH) -> str:
    """Take the next number for ``prefix`` and format it (``CUST0000042``).

    The UPDATE row-locks the counter (PostgreSQL) or runs under the database write lock (SQLite,
    IMMEDIATE transactions), so concurrent creators each get a different number. The caller's
    transaction owns the increment: if it rolls back, nothing was created and nothing is skipped.
    """
    return take_codes(prefix, 1, width)[0]


def take_codes(prefix: str, count: int, width: int = CODE_WIDTH) -> list[str]:
    """Take ``count`` consecutive numbers for ``prefix`` at once (imports create rows in batches).

    Same guarantees as ``next_code``: one locked increment, owned by the caller's transaction.
    """
    if count <= 0:
        return []
    with transaction.atomic():
        updated = Sequence.objects.filter(prefix=prefix).update(last_value=F("last_value") + count)
        if not updated:
            Sequence.objects.get_or_create(prefix=prefix)
            Sequence.objects.filter(prefix=prefix).update(last_value=F("last_value") + count)
        last = Sequence.objects.values_list("last_value", flat=True).get(prefix=prefix)
    return [f"{prefix}{value:0{width}d}" for value in range(last - count + 1, last + 1)]


def code_number(code: str, prefix: str) -> int | None:
    """The number inside a code, accepting ``CUST0000042``, ``cust42`` or ``42``; None if not a code.

    Only ASCII digits: ``str.isdigit`` also accepts "²" and "٤", which ``int`` refuses or reads.
    Callers bound the length first (``int`` refuses more than 4,300 digits).
    """
    text = code.strip().upper()
    if text.startswith(prefix):
        text = text[len(prefix) :]
    return int(text) if text.isascii() and text.isdigit() else None
