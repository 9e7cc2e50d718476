"""The gate's benchmark in miniature: the production server on a database of its own, four clients for a
second and a half; the report's figures and one event per decision."""

import os
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

from bench import gate


@pytest.fixture
def gate_database(tmp_path: Path) -> Iterator[str]:
    """A SQLite file of the test's own, or on PostgreSQL (``DATABASE_URL``) a database dropped after."""
    application_url = os.environ.get("DATABASE_URL", "")
    if not application_url.startswith("postgres"):
        yield f"sqlite:///{tmp_path / 'gate.sqlite3'}"
        return
    import psycopg
    from psycopg import sql

    parts = urlsplit(application_url)
    name = f"test_clientbook_gate_{os.getpid()}"
    try:
        yield urlunsplit(parts._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as connection:
            connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def test_a_short_run_reports_every_figure_and_one_event_per_decision(gate_database: str) -> None:
    figure = gate.measured(gate_database, seconds=1.5, clients=4, customers=40)

    assert figure.decisions > 0 and figure.errors == 0
    assert figure.events == figure.decisions == figure.allowed and figure.denied == 0
    assert 0 < figure.p50_ms <= figure.p95_ms <= figure.p99_ms <= figure.max_ms
    assert figure.customers == 40 and figure.clients == 4
    report = figure.as_json()
    assert report["name"] == "gate" and report["decisions_per_s"] > 0
    assert {"p50_ms", "p95_ms", "p99_ms", "max_ms", "errors", "events", "client_cpu_seconds"} <= set(report)
    assert figure.line().startswith("bench gate clients=4 ")
