"""A refused request (403) is one line of the server log: who, what and why, with no traceback."""

import logging
from collections.abc import Callable

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_a_refused_page_is_logged_as_one_line(
    client_for: Callable[[str | None], Client], caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO):
        response = client_for("sales").get("/audit/")

    assert response.status_code == 403
    assert "Only administrators may read the audit log." in response.content.decode()
    warnings = [record for record in caplog.records if record.levelno >= logging.WARNING]
    assert len(warnings) == 1
    [record] = warnings
    assert record.exc_info is None and not record.exc_text
    line = record.getMessage()
    assert "\n" not in line
    assert line.startswith("Refused GET /audit/ for sales-user: Only administrators may read the audit log.")
    assert response["X-Request-ID"] in line
