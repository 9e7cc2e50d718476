"""How fast SQLite itself takes customer rows, with no Python work per row: the import's floor.

``python -m bench.insert_floor [ROWS]`` (SQLite only; not part of ``make bench``) migrates a fresh
database in a temporary folder, makes ROWS (default 50,000) ready-made customer rows and their
audit events (the values an import writes: names, e-mail, phone, city, country, balance, search
document), then inserts them with plain ``executemany`` in committed batches of 1,000, the import's
batch size, on the same connection settings as the application, in four shapes of the table:
as migrated (every index and the FTS5 trigram trigger), without the trigger, without the
customer indexes, and as migrated plus the audit events. Each prints
``bench insert_floor shape=… rows=… rows_per_s=…``.
"""

import os
import random
import shutil
import sqlite3
import string
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.database import BASE_DIR

BATCH_ROWS = 1_000
PRAGMAS = ("journal_mode=WAL", "synchronous=FULL", "cache_size=-65536", "mmap_size=268435456", "temp_store=MEMORY")
SHAPES = ("as_migrated", "without_fts_trigger", "without_customer_indexes", "as_migrated_with_audit")


def migrated_database(folder: Path) -> Path:
    path = folder / "floor.sqlite3"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{path}", "CLIENTBOOK_VAR_DIR": str(folder)}
    subprocess.run([sys.executable, str(BASE_DIR / "manage.py"), "migrate", "--noinput", "-v0"], env=env, check=True)
    return path


def customer_rows(columns: list[str], rows: int) -> list[tuple[object, ...]]:
    rng = random.Random(1)

    def word(length: int) -> str:
        return "".join(rng.choices(string.ascii_lowercase, k=length)).title()

    made = []
    for number in range(1, rows + 1):
        first, last, city = word(6), word(8), word(7)
        email = f"{first}.{last}{number}@example.com".lower()
        phone = f"+1{rng.randint(2_000_000_000, 9_999_999_999)}"
        code = f"CUST{number:07d}"
        values = {
            "created_at": "2026-11-24 10:00:00",
            "updated_at": "2026-11-24 10:00:00",
            "version": 1,
            "kind": "person",
            "code": code,
            "first_name": first,
            "last_name": last,
            "email": email,
            "phone": phone,
            "city": city,
            "country": rng.choice(("US", "GB", "NG", "IN", "DE")),
            "balance": f"{rng.randint(0, 100_000)}.00",
            "currency": "USD",
            "status": "active",
            "account_opened_on": "2020-01-01",
            "sort_name": f"{last} {first}".lower(),
            "search_document": f"{code} {number} {first} {last} {email} {city} {phone[1:]} {phone[2:]}".lower(),
        }
        nullable = {"deleted_at", "birthday", "activated_on", "last_activity_at", "officer_id", "organization_id"}
        made.append(tuple(values.get(column, None if column in nullable else "") for column in columns))
    return made


def audit_rows(customers: list[tuple[object, ...]], code_at: int, email_at: int) -> list[tuple[object, ...]]:
    return [
        (
            "2026-11-24 10:00:00",
            "user",
            "bench",
            "customers.customer",
            str(number),
            row[code_at],
            row[email_at],
            "create",
            f'{{"email": {{"before": null, "after": "{row[email_at]}"}}}}',
            f'{{"code": "{row[code_at]}", "email": "{row[email_at]}"}}',
            "{}",
        )
        for number, row in enumerate(customers, start=1)
    ]


def measure(base: Path, shape: str, rows: int) -> float:
    path = base.with_name(f"{shape}.sqlite3")
    shutil.copy(base, path)
    connection = sqlite3.connect(path, isolation_level=None)
    for pragma in PRAGMAS:
        connection.execute(f"PRAGMA {pragma}")
    if shape == "without_fts_trigger":
        connection.execute("DROP TRIGGER customers_customer_fts_insert")
    if shape == "without_customer_indexes":
        connection.execute("DROP TRIGGER customers_customer_fts_insert")
        indexes = connection.execute(
            "SELECT name FROM sqlite_master "
            "WHERE type = 'index' AND tbl_name = 'customers_customer' AND sql IS NOT NULL"
        ).fetchall()
        for (name,) in indexes:
            connection.execute(f'DROP INDEX "{name}"')
    columns = [row[1] for row in connection.execute("PRAGMA table_info(customers_customer)")][1:]
    customers = customer_rows(columns, rows)
    events = audit_rows(customers, columns.index("code"), columns.index("email"))
    insert_customer = f"INSERT INTO customers_customer ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
    insert_event = (
        "INSERT INTO core_auditevent (at, actor_kind, actor_display, object_type, object_id, object_code, "
        "object_display, action, changes, state, extra, request_id, user_agent) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '', '')"
    )
    started = time.perf_counter()
    for start in range(0, rows, BATCH_ROWS):
        connection.execute("BEGIN IMMEDIATE")
        connection.executemany(insert_customer, customers[start : start + BATCH_ROWS])
        if shape == "as_migrated_with_audit":
            connection.executemany(insert_event, events[start : start + BATCH_ROWS])
        connection.execute("COMMIT")
    seconds = time.perf_counter() - started
    connection.close()
    return rows / seconds


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 50_000
    with tempfile.TemporaryDirectory(prefix="clientbook-bench-floor-") as folder:
        base = migrated_database(Path(folder))
        for shape in SHAPES:
            print(
                f"bench insert_floor shape={shape} rows={rows} rows_per_s={measure(base, shape, rows):.0f}", flush=True
            )


if __name__ == "__main__":
    main()
