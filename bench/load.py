"""Bulk loading of the benchmark database: raw ``executemany`` (SQLite) or ``COPY`` (PostgreSQL).

Secondary indexes and the search-index triggers are dropped for the load and recreated from their
own stored definitions afterwards (building an index once is much faster than maintaining it row by
row); the FTS5 table is filled from the loaded rows, exactly as its triggers would have filled it.
"""

import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.core.management import call_command
from django.db import connection, transaction

from bench.rows import COLUMNS, BenchRow, RowBuilder
from clientbook.core.models import Sequence
from clientbook.customers import demo
from clientbook.customers.models import CODE_PREFIX, Customer

TABLE = Customer._meta.db_table
LABELS_TABLE = Customer.labels.through._meta.db_table
FTS_TABLE = "customers_customer_fts"
BATCH = 20_000
SEED = 20260101


@dataclass(frozen=True)
class SeedResult:
    rows: int
    seconds: float
    reused: bool


def prepare(total: int, *, log: Any) -> SeedResult:
    """Migrate the benchmark database and fill it with ``total`` customers unless it already has them."""
    call_command("migrate", interactive=False, verbosity=0)
    call_command("createcachetable", verbosity=0)
    labels = demo.ensure_labels()
    officers = demo.ensure_officers()
    existing = Customer.all_objects.count()
    if existing == total:
        return SeedResult(rows=total, seconds=0.0, reused=True)
    log(f"seeding {total:,} customers (the database had {existing:,}) …")
    started = time.perf_counter()
    builder = RowBuilder(
        seed=SEED,
        officer_ids=[officer.pk for officer in officers],
        label_ids=[label.pk for label in labels],
        label_names={label.pk: label.name for label in labels},
    )
    if connection.vendor == "sqlite":
        _load_sqlite(builder, total)
    else:
        _load_postgres(builder, total)
    Sequence.objects.update_or_create(prefix=CODE_PREFIX, defaults={"last_value": total})
    return SeedResult(rows=total, seconds=time.perf_counter() - started, reused=False)


def _batches(builder: RowBuilder, total: int) -> Iterator[list[BenchRow]]:
    batch: list[BenchRow] = []
    for row in builder.rows(total):
        batch.append(row)
        if len(batch) == BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


# --- SQLite -----------------------------------------------------------------------------------

_DATETIME_COLUMNS = [COLUMNS.index(name) for name in ("created_at", "updated_at", "deleted_at", "last_activity_at")]


def _sqlite_value(value: Any) -> Any:
    # Django stores aware datetimes as naive UTC text on SQLite, dates as ISO text, decimals as text.
    if isinstance(value, datetime):
        return str(value.replace(tzinfo=None))
    if isinstance(value, date | Decimal):
        return str(value)
    return value


def _load_sqlite(builder: RowBuilder, total: int) -> None:
    connection.ensure_connection()
    raw = connection.connection
    schema = raw.execute(
        "SELECT type, name, sql FROM sqlite_master WHERE tbl_name = ? AND type IN ('index', 'trigger') "
        "AND sql IS NOT NULL",
        [TABLE],
    ).fetchall()
    raw.execute("PRAGMA foreign_keys = OFF")
    raw.execute("PRAGMA synchronous = OFF")
    # A bulk load through the write-ahead log would write every page twice.
    raw.execute("PRAGMA journal_mode = DELETE")
    raw.execute("BEGIN")
    raw.execute(f"DELETE FROM {LABELS_TABLE}")
    for kind, name, _ in schema:
        raw.execute(f'DROP {kind.upper()} "{name}"')
    raw.execute(f"DELETE FROM {TABLE}")
    raw.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('delete-all')")
    insert = f"INSERT INTO {TABLE} ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))})"
    for batch in _batches(builder, total):
        raw.executemany(insert, [tuple(_sqlite_value(value) for value in row.values) for row in batch])
        raw.executemany(
            f"INSERT INTO {LABELS_TABLE} (customer_id, label_id) VALUES (?, ?)",
            [(row.values[0], label_id) for row in batch for label_id in row.label_ids],
        )
    for kind, _, statement in schema:
        if kind == "index":
            raw.execute(statement)
    # What the triggers of migration 0003 would have written: the live rows only, in ascending rowids
    # (FTS5 flushes its pending terms at every lower rowid; see bench/activities.py).
    raw.execute(
        f"INSERT INTO {FTS_TABLE}(rowid, search_document) SELECT id, search_document FROM {TABLE} "
        "WHERE deleted_at IS NULL ORDER BY id"
    )
    raw.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('optimize')")
    for kind, _, statement in schema:
        if kind == "trigger":
            raw.execute(statement)
    raw.execute("COMMIT")
    raw.execute("PRAGMA journal_mode = WAL")
    raw.execute("PRAGMA foreign_keys = ON")
    raw.execute("ANALYZE")


# --- PostgreSQL -------------------------------------------------------------------------------


def _load_postgres(builder: RowBuilder, total: int) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s AND indexname NOT IN "
            "(SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass)",
            [TABLE, TABLE],
        )
        indexes = cursor.fetchall()
        # Foreign-key triggers would check every row; the builder only refers to rows it made.
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute("SET LOCAL maintenance_work_mem = '1GB'")
        # CASCADE: contacts, notes, deals and activities refer to customers (the timeline is seeded afresh after).
        cursor.execute(f"TRUNCATE {LABELS_TABLE}, {TABLE} CASCADE")
        for name, _ in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        raw = cursor.cursor
        with raw.copy(f"COPY {TABLE} ({', '.join(COLUMNS)}) FROM STDIN") as copy:
            label_rows: list[tuple[int, int]] = []
            for batch in _batches(builder, total):
                for row in batch:
                    copy.write_row(row.values)
                    label_rows.extend((row.values[0], label_id) for label_id in row.label_ids)
        with raw.copy(f"COPY {LABELS_TABLE} (customer_id, label_id) FROM STDIN") as copy:
            for label_row in label_rows:
                copy.write_row(label_row)
        for _, definition in indexes:
            cursor.execute(definition)
        cursor.execute(f"SELECT setval(pg_get_serial_sequence('{TABLE}', 'id'), %s)", [total])
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence('{LABELS_TABLE}', 'id'), (SELECT max(id) FROM {LABELS_TABLE}))"
        )
        # The live-customer counter's triggers were off with the foreign keys (migration 0006).
        cursor.execute(f"UPDATE {TABLE}_live_count SET live = (SELECT count(*) FROM {TABLE} WHERE deleted_at IS NULL)")
    with connection.cursor() as cursor:
        # Index-only scans (counts, deep pages) need the visibility map that VACUUM writes.
        cursor.execute(f"VACUUM ANALYZE {TABLE}")
        cursor.execute(f"VACUUM ANALYZE {LABELS_TABLE}")
