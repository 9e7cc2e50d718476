"""Writers for the concurrency tests: each adds 1 to a customer's balance through the service, again
and again, and counts what succeeded and what failed.

The module imports nothing from Django at the top, so a process started with the ``spawn`` method
can import it, point Django at the parent's test database and only then set Django up.
"""

import os
import time
from decimal import Decimal
from typing import Any


def hammer(customer_pk: int, user_pk: int, seconds: float) -> dict[str, Any]:
    """Add 1 to the balance through ``services.adjust_balance`` for ``seconds``; never retries."""
    from django.contrib.auth import get_user_model
    from django.db import connection

    from clientbook.customers import services
    from clientbook.customers.models import Customer

    successes = 0
    failures: list[str] = []
    try:
        user = get_user_model().objects.get(pk=user_pk)
        customer = Customer.objects.get(pk=customer_pk)
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                services.adjust_balance(user=user, customer=customer, amount=Decimal("1.00"))
            except Exception as error:
                failures.append(f"{type(error).__name__}: {error}")
            else:
                successes += 1
    finally:
        connection.close()
    return {"successes": successes, "failures": failures, "pid": os.getpid()}


def run_in_process(
    database: dict[str, Any], customer_pk: int, user_pk: int, seconds: float, start: Any, results: Any
) -> None:
    """The body of a spawned writer process: Django on the parent's test database, then ``hammer``.

    ``database`` holds the parent connection's ENGINE and NAME (the per-process test database, which
    this process's settings would otherwise name after its own pid). ``start`` is a barrier shared
    by the writers, so all of them write during the same seconds.
    """
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django
    from django.conf import settings

    settings.DATABASES["default"].update(database)
    django.setup()
    try:
        start.wait(timeout=120)
        results.put(hammer(customer_pk, user_pk, seconds))
    except Exception as error:
        results.put({"successes": 0, "failures": [f"{type(error).__name__}: {error}"], "pid": os.getpid()})
