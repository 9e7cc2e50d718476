"""How the export and import engines wake a worker without knowing the queue behind it.

``clientbook.core.tasks`` (the worker's layer, above the engines) installs one bell per kind of
job when the project starts; an engine calls ``ring(kind, job_id)``. The worker reads the job's
row, not the message, so a bell is rung only once the row is committed.
"""

from collections.abc import Callable

from django.db import transaction

Bell = Callable[[int, int], None]  # (job id, delay in seconds)

_BELLS: dict[str, Bell] = {}


def install(kind: str, bell: Bell) -> None:
    _BELLS[kind] = bell


def ring(kind: str, job_id: int, *, delay: int = 0) -> None:
    """Wake the worker of ``kind`` for ``job_id`` after the current transaction commits, or
    ``delay`` seconds from now."""
    bell = _BELLS[kind]
    if delay:
        bell(job_id, delay)
    else:
        transaction.on_commit(lambda: bell(job_id, 0))
