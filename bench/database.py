"""Which database the benchmark uses: never the application's own.

SQLite: ``var/bench/bench.sqlite3``. PostgreSQL: the database named by ``DATABASE_URL`` with a
``_bench`` suffix, created when missing. This runs before Django is set up, so it only rewrites
``DATABASE_URL`` in the environment. The gate's benchmark (``bench/gate.py``) has a database of its
own, ``var/bench/gate.sqlite3`` or the ``_gate_bench`` one, so its events never mix with the rest.
"""

import os
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

BASE_DIR = Path(__file__).resolve().parent.parent
BENCH_DIR = BASE_DIR / "var" / "bench"
SQLITE_FILE = BENCH_DIR / "bench.sqlite3"


def bench_database_url(application_url: str | None, *, suffix: str = "_bench", sqlite_file: Path = SQLITE_FILE) -> str:
    if not application_url or application_url.startswith("sqlite"):
        return f"sqlite:///{sqlite_file}"
    parts = urlsplit(application_url)
    name = parts.path.lstrip("/") or "clientbook"
    return urlunsplit(parts._replace(path=f"/{name}{suffix}"))


def vendor_of(url: str) -> str:
    """Django's ``connection.vendor`` for a database URL, known before Django is set up."""
    return "postgresql" if url.startswith("postgres") else "sqlite"


def use_bench_database() -> str:
    """Point ``DATABASE_URL`` at the benchmark database (creating a PostgreSQL one) and return it."""
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    url = bench_database_url(os.environ.get("DATABASE_URL"))
    if url.startswith("postgres"):
        create_postgres_database(url)
    os.environ["DATABASE_URL"] = url
    return url


def create_postgres_database(url: str) -> None:
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    maintenance = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(maintenance, autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
