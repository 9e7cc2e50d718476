"""The timeline's benchmark: ``BENCH_ACTIVITIES`` entries over the seeded customers, then its pages.

A few customers (``BUSY_CUSTOMERS``) hold 10,000 entries or more each, the rest are spread over
everyone; rows are built here (deterministic, with the search document the kit's writes compute)
and bulk-inserted as ``load`` inserts customers: without the table's secondary indexes and search
triggers, which are rebuilt once afterwards. One UPDATE then sets every customer's
``last_activity_at`` to its newest entry, as the activities' services keep it. Measured: the
timeline API's first page and a ``group=communication`` page of the busiest customer, its
Activities tab (the whole page, as without JavaScript), and the customer list sorted by last
activity (API and page).
"""

import os
import random
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from django.db import connection, transaction
from django.test import Client

from bench import load
from bench.scenarios import PAGE_SIZE, Measurement, bench_user, time_calls
from clientbook.accounts.services import create_api_token
from clientbook.activities.models import AUTOMATIC_TYPES, TYPES_OF_FIELD, Activity
from clientbook.core.listing.search import build_document, normalise
from clientbook.customers.models import Customer

TABLE = Activity._meta.db_table
FTS_TABLE = f"{TABLE}_fts"
COLUMNS = (
    "id",
    "created_at",
    "updated_at",
    "version",
    "deleted_at",
    "customer_id",
    "type",
    "title",
    "description",
    "occurred_at",
    "duration_minutes",
    "outcome",
    "direction",
    "phone",
    "author_id",
    "automatic",
    "sort_name",
    "search_document",
)
DEFAULT_TOTAL = 1_000_000
BUSY_CUSTOMERS = 3
BUSY_MINIMUM = 10_000
SEED = 20260113
BATCH = 20_000
FTS_CHUNK = 100_000
EPOCH = datetime(2023, 1, 1, tzinfo=UTC)
SPAN_SECONDS = int((datetime(2025, 12, 31, tzinfo=UTC) - EPOCH).total_seconds())

Type = Activity.Type
# (type, weight): mostly calls and e-mails, as an office's timeline is.
TYPE_WEIGHTS = (
    (Type.CALL, 34),
    (Type.EMAIL, 25),
    (Type.MEETING, 10),
    (Type.WHATSAPP, 10),
    (Type.NOTE, 7),
    (Type.TASK, 6),
    (Type.STATUS_CHANGE, 5),
    (Type.SYSTEM, 3),
)
TITLES = {
    Type.CALL: ("Renewal call", "Called about the invoice", "Follow-up on the offer", "Support question", "Intro call"),
    Type.EMAIL: ("Sent the price list", "Offer sent", "Reminder about the payment", "Answered the complaint"),
    Type.MEETING: ("Quarterly review", "Site visit", "Contract negotiation", "Product demo"),
    Type.WHATSAPP: ("Confirmed the delivery date", "Asked for the statement", "Sent the brochure"),
    Type.NOTE: ("Prefers mornings", "New purchasing contact", "Budget approved for next year"),
    Type.TASK: ("Prepare the renewal", "Send the contract", "Check the credit limit"),
    Type.STATUS_CHANGE: ("Status: Prospect → Active", "Status: Active → Inactive", "Status: Inactive → Active"),
    Type.SYSTEM: ("Synced from the ledger", "Imported from the old CRM"),
}
DESCRIPTIONS = (
    "",
    "",
    "Asked for a **discount** on the second site.",
    "Next step: send the revised offer by *Friday*.",
    "- delivery times\n- payment terms\n- invoice format",
)
OUTCOMES = ("positive", "neutral", "negative", "")


def activity_total(customers: int) -> int:
    """``BENCH_ACTIVITIES``, else a million at a million customers and as many per customer below that."""
    given = os.environ.get("BENCH_ACTIVITIES")
    return int(given) if given else min(DEFAULT_TOTAL, customers)


def busy_customer_ids(customers: int) -> list[int]:
    """The customers with most entries: spread over the ids (the first is the busiest)."""
    return [max(1, customers * share // 7) for share in (3, 1, 5)][:BUSY_CUSTOMERS]


def busy_share(total: int) -> int:
    """Entries each busy customer holds: 10,000 or 2 % of the total, whichever is more (less for tiny runs)."""
    return min(max(BUSY_MINIMUM, total // 50), total // (2 * BUSY_CUSTOMERS))


class ActivityRows:
    """Rows in ``COLUMNS`` order: the busy customers' first, then the rest over every customer."""

    def __init__(self, *, seed: int, customers: int, author_ids: list[int]) -> None:
        self.rng = random.Random(seed)
        self.customers = customers
        self.author_ids = author_ids
        kinds, weights = zip(*TYPE_WEIGHTS, strict=True)
        self.kinds, self.weights = list(kinds), list(weights)

    def rows(self, total: int) -> Iterator[tuple[Any, ...]]:
        busy = busy_customer_ids(self.customers)
        share = busy_share(total)
        row_id = 0
        for customer_id in busy:
            for _ in range(share):
                row_id += 1
                yield self.row(row_id, customer_id)
        while row_id < total:
            row_id += 1
            yield self.row(row_id, self.rng.randint(1, self.customers))

    def row(self, row_id: int, customer_id: int) -> tuple[Any, ...]:
        rng = self.rng
        kind = rng.choices(self.kinds, self.weights)[0]
        title = rng.choice(TITLES[kind])
        description = rng.choice(DESCRIPTIONS)
        automatic = kind in AUTOMATIC_TYPES
        moment = EPOCH + timedelta(seconds=rng.randrange(SPAN_SECONDS))
        phone = f"+23480{rng.randrange(10**8):08d}" if kind in TYPES_OF_FIELD["phone"] else ""
        direction = rng.choice(("in", "out")) if kind in TYPES_OF_FIELD["direction"] else ""
        duration = rng.randint(2, 90) if kind in TYPES_OF_FIELD["duration_minutes"] else None
        outcome = "" if automatic else rng.choice(OUTCOMES)
        author = None if automatic and rng.random() < 0.3 else rng.choice(self.author_ids)
        # What the kit's writes compute: the spec's search fields (title, description) and the phone's digits.
        phones = [phone.lstrip("+"), phone[4:]] if phone else []
        document = build_document((title, description), phones)
        return (
            row_id,
            moment,
            moment,
            1,
            None,
            customer_id,
            str(kind),
            title,
            description,
            moment,
            duration,
            outcome,
            direction,
            phone,
            author,
            automatic,
            normalise(title)[:300],
            document,
        )


def prepare(customers: int, *, log: Any) -> tuple[int, float, bool]:
    """Fill the activities (unless the database has as many already) and set ``last_activity_at``."""
    total = activity_total(customers)
    if Activity.all_objects.count() == total:
        return total, 0.0, True
    log(f"seeding {total:,} activities over {customers:,} customers …")
    started = time.perf_counter()
    rows = ActivityRows(seed=SEED, customers=customers, author_ids=[bench_user().pk])
    if connection.vendor == "sqlite":
        _load_sqlite(rows, total, log)
    else:
        _load_postgres(rows, total)
    _follow_last_activity()
    return total, time.perf_counter() - started, False


def _batches(rows: ActivityRows, total: int) -> Iterator[list[tuple[Any, ...]]]:
    batch: list[tuple[Any, ...]] = []
    for row in rows.rows(total):
        batch.append(row)
        if len(batch) == BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def _load_sqlite(rows: ActivityRows, total: int, log: Any) -> None:
    connection.ensure_connection()
    raw = connection.connection
    schema = raw.execute(
        "SELECT type, name, sql FROM sqlite_master WHERE tbl_name = ? AND type IN ('index', 'trigger') "
        "AND sql IS NOT NULL",
        [TABLE],
    ).fetchall()
    raw.execute("PRAGMA foreign_keys = OFF")
    raw.execute("PRAGMA synchronous = OFF")
    raw.execute("PRAGMA journal_mode = DELETE")
    raw.execute("BEGIN")
    for kind, name, _ in schema:
        raw.execute(f'DROP {kind.upper()} "{name}"')
    raw.execute(f"DELETE FROM {TABLE}")
    raw.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('delete-all')")
    insert = f"INSERT INTO {TABLE} ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))})"
    started = time.perf_counter()
    for batch in _batches(rows, total):
        raw.executemany(insert, [tuple(load._sqlite_value(value) for value in row) for row in batch])
    log(f"  rows inserted in {time.perf_counter() - started:.1f} s")
    for kind, _, statement in schema:
        if kind == "index":
            raw.execute(statement)
    log(f"  indexes built at {time.perf_counter() - started:.1f} s")
    # What the search index's triggers would have written: the live rows only. In ascending rowids:
    # FTS5 flushes its pending terms whenever a rowid is lower than the last one, and a plan through
    # one of the new indexes fed a 1,000,000-row fill in index order (over 25 minutes, against
    # about 30 s in rowid ranges).
    for low in range(0, total, FTS_CHUNK):
        raw.execute(
            f"INSERT INTO {FTS_TABLE}(rowid, search_document) SELECT id, search_document FROM {TABLE} "
            "WHERE deleted_at IS NULL AND id > ? AND id <= ? ORDER BY id",
            [low, low + FTS_CHUNK],
        )
        log(f"  search index: {min(low + FTS_CHUNK, total):,} rows at {time.perf_counter() - started:.1f} s")
    raw.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('optimize')")
    log(f"  search index filled at {time.perf_counter() - started:.1f} s")
    for kind, _, statement in schema:
        if kind == "trigger":
            raw.execute(statement)
    raw.execute("COMMIT")
    raw.execute("PRAGMA journal_mode = WAL")
    raw.execute("PRAGMA foreign_keys = ON")
    raw.execute(f"ANALYZE {TABLE}")


def _load_postgres(rows: ActivityRows, total: int) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s AND indexname NOT IN "
            "(SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass)",
            [TABLE, TABLE],
        )
        indexes = cursor.fetchall()
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute("SET LOCAL maintenance_work_mem = '1GB'")
        cursor.execute(f"TRUNCATE {TABLE}")
        for name, _ in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        with cursor.cursor.copy(f"COPY {TABLE} ({', '.join(COLUMNS)}) FROM STDIN") as copy:
            for batch in _batches(rows, total):
                for row in batch:
                    copy.write_row(row)
        for _, definition in indexes:
            cursor.execute(definition)
        cursor.execute(f"SELECT setval(pg_get_serial_sequence('{TABLE}', 'id'), %s)", [total])
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM ANALYZE {TABLE}")


def _follow_last_activity() -> None:
    """Every customer's ``last_activity_at``: its newest live entry, or none (one statement)."""
    customers = Customer._meta.db_table
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {customers} SET last_activity_at = (SELECT MAX(occurred_at) FROM {TABLE} "
            f"WHERE {TABLE}.customer_id = {customers}.id AND {TABLE}.deleted_at IS NULL)"
        )
    with connection.cursor() as cursor:
        # On PostgreSQL the UPDATE left a dead version of every customer: without VACUUM the
        # index-only scans of the lists read the table too (page 2,000 by name: 40 → 230 ms).
        cursor.execute(f"{'VACUUM ' if connection.vendor == 'postgresql' else ''}ANALYZE {customers}")


# --- Measuring ------------------------------------------------------------------------------------


def run(customers: int, repeat: int, log: Any) -> list[Measurement]:
    """Seed (or reuse) the activities, then every timeline figure; each printed as it is measured."""
    total, seconds, reused = prepare(customers, log=log)
    print(f"bench activities_seed n={total} seconds={seconds:.1f}{' reused=1' if reused else ''}", flush=True)
    busiest = Customer.objects.get(pk=busy_customer_ids(customers)[0])
    entries = Activity.objects.filter(customer=busiest).count()
    user = bench_user()
    _, token = create_api_token(user=user, name="bench timeline")
    api = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    page = Client()
    page.force_login(user)
    timeline = f"/api/v1/customers/{busiest.code}/timeline"
    tab = f"/customers/{busiest.code}/activities/"
    scenarios = (
        ("timeline_api_first_page", api, timeline, {"page_size": PAGE_SIZE}, entries),
        ("timeline_api_communication", api, timeline, {"page_size": PAGE_SIZE, "group": "communication"}, entries),
        ("timeline_tab_page", page, tab, {}, entries),
        ("timeline_tab_communication", page, tab, {"group": "communication"}, entries),
        ("customers_api_by_last_activity", api, "/api/v1/customers", {"sort": "-last_activity_at"}, customers),
        ("customers_page_by_last_activity", page, "/customers/", {"sort": "-last_activity_at"}, customers),
    )
    results = []
    for name, client, path, params, rows in scenarios:
        url = f"{path}?{urlencode(params)}" if params else path
        response = client.get(url)
        if response.status_code != 200:
            raise RuntimeError(f"GET {url} answered {response.status_code}: {response.content[:300]!r}")
        measurement = Measurement(name, rows, time_calls(lambda c=client, u=url: c.get(u), repeat))
        measurement.extra["activities"] = total
        results.append(measurement)
        print(measurement.line(), flush=True)
    return results
