"""The gate fails closed when its database is really out of reach (not a mock): deny, "unavailable", 503."""

import socket
from typing import Any

import pytest
from django.db import connection

from tests.facility.conftest import Gate


def _closed_port() -> int:
    """A local port nothing listens on: bound, then released."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.mark.django_db(transaction=True)
def test_an_unreachable_database_denies_as_unavailable(gate: Gate, monkeypatch: Any, tmp_path: Any) -> None:
    connection.close()
    if connection.vendor == "postgresql":
        # The server's address with a port no server listens on: the connection is refused.
        monkeypatch.setitem(connection.settings_dict, "PORT", str(_closed_port()))
    else:
        # A database file in a folder that does not exist cannot be opened.
        monkeypatch.setitem(connection.settings_dict, "NAME", str(tmp_path / "gone" / "clientbook.sqlite3"))
    try:
        response = gate.decide()
    finally:
        connection.close()
        monkeypatch.undo()
    assert response.status_code == 503
    assert response.json()["allowed"] is False and response.json()["reason"] == "unavailable"
    # Back on the database, the gate decides again (nothing was recorded while it was out of reach).
    assert gate.decide().json()["allowed"] is True


def test_postgresql_connections_give_up_within_seconds(settings: Any) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite opens a local file; its wait is the gate's busy timeout.")
    assert 0 < int(settings.DATABASES["default"]["OPTIONS"]["connect_timeout"]) <= 5
