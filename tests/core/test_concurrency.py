"""Concurrent writers never surface "database is locked" and never lose an update.

At least 8 writers, first as threads of this process and then as separate processes on the same
test database, each add 1 to one customer's balance through ``services.adjust_balance`` (a
read-modify-write on the row locked inside the service's transaction) for a few seconds, without
retrying. Every call must succeed, and the final balance must be the start plus the number of
successful calls. The suite runs this on SQLite (IMMEDIATE transactions, busy timeout) and on
PostgreSQL (row locks).
"""

import multiprocessing
import os
import threading
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection

from clientbook.core.models import AuditEvent
from clientbook.core.records import audit
from clientbook.customers.factories import CustomerFactory
from clientbook.customers.models import Customer
from tests.core.balance_writers import hammer, run_in_process

pytestmark = pytest.mark.django_db(transaction=True)

WRITERS = 8
SECONDS = float(os.environ.get("CLIENTBOOK_CONCURRENCY_SECONDS", "3"))
START = Decimal("100.00")


def assert_nothing_lost(customer: Customer, results: list[dict[str, Any]]) -> None:
    failures = [failure for result in results for failure in result["failures"]]
    assert failures == [], f"{len(failures)} failed writes, e.g. {failures[:3]}"
    successes = sum(result["successes"] for result in results)
    assert len(results) == WRITERS and all(result["successes"] > 0 for result in results)
    customer.refresh_from_db()
    assert customer.balance == START + successes, "an increment was lost"
    assert customer.version == 1 + successes
    # Each increment was audited in its own transaction, with the version it produced.
    updates = audit.events_for(customer).filter(action=AuditEvent.Action.UPDATE)
    assert updates.count() == successes
    assert sorted(updates.values_list("extra__version", flat=True)) == list(range(2, successes + 2))


def test_parallel_threads_lose_nothing(users: dict[str, Any]) -> None:
    customer = CustomerFactory(balance=START)
    results: list[dict[str, Any]] = []
    start = threading.Barrier(WRITERS)

    def writer() -> None:
        start.wait(timeout=60)
        results.append(hammer(customer.pk, users["sales"].pk, SECONDS))

    threads = [threading.Thread(target=writer) for _ in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=SECONDS + 120)

    assert_nothing_lost(customer, results)


def test_parallel_processes_lose_nothing(users: dict[str, Any]) -> None:
    customer = CustomerFactory(balance=START)
    # The children would name the test database after their own pid: give them this one.
    database = {"ENGINE": connection.settings_dict["ENGINE"], "NAME": connection.settings_dict["NAME"]}
    spawn = multiprocessing.get_context("spawn")
    start = spawn.Barrier(WRITERS)
    queue = spawn.Queue()
    processes = [
        spawn.Process(target=run_in_process, args=(database, customer.pk, users["sales"].pk, SECONDS, start, queue))
        for _ in range(WRITERS)
    ]
    for process in processes:
        process.start()
    results = [queue.get(timeout=SECONDS + 180) for _ in processes]
    for process in processes:
        process.join(timeout=60)

    assert len({result["pid"] for result in results}) == WRITERS
    assert_nothing_lost(customer, results)
