"""Production settings behind HTTPS (``CLIENTBOOK_HTTPS``), read afresh in a process of their own.

Settings are read once per process, so each case starts Python with its environment and asks it.
"""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# What the cases set themselves, and what the test run sets that no deployment has (pytest-playwright
# allows sync database calls in async contexts); inherited, they would change what a case measures.
LEFT_OUT = (
    "DJANGO_ALLOW_ASYNC_UNSAFE",
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "CLIENTBOOK_HTTPS",
    "CLIENTBOOK_HSTS_SECONDS",
    "CLIENTBOOK_HSTS_INCLUDE_SUBDOMAINS",
    "CLIENTBOOK_HSTS_PRELOAD",
)

# Requests the login page over plain HTTP and as the proxy forwards an HTTPS request.
REQUESTS = """
import json, django
django.setup()
from django.conf import settings
from django.test import Client
plain = Client().get("/accounts/login/")
forwarded = Client().get("/accounts/login/", headers={"X-Forwarded-Proto": "https"})
print(json.dumps({
    "plain_status": plain.status_code,
    "plain_location": plain.get("Location"),
    "plain_hsts": plain.get("Strict-Transport-Security"),
    "plain_csrf_cookie_secure": bool(plain.cookies["csrftoken"]["secure"]) if "csrftoken" in plain.cookies else None,
    "forwarded_status": forwarded.status_code,
    "forwarded_hsts": forwarded.get("Strict-Transport-Security"),
    "forwarded_csrf_cookie_secure": bool(forwarded.cookies["csrftoken"]["secure"]),
    "session_cookie_secure": settings.SESSION_COOKIE_SECURE,
    "client_address_header": settings.CLIENTBOOK_CLIENT_ADDRESS_HEADER,
}))
"""


def _run(args: list[str], tmp_path: Path, **variables: str) -> subprocess.CompletedProcess[str]:
    env = {name: value for name, value in os.environ.items() if name not in LEFT_OUT}
    env.update(DJANGO_SETTINGS_MODULE="config.settings", CLIENTBOOK_VAR_DIR=str(tmp_path), **variables)
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False
    )


def _production(**variables: str) -> dict[str, str]:
    return {"DEBUG": "0", "SECRET_KEY": secrets.token_urlsafe(60), "CLIENTBOOK_HTTPS": "1", **variables}


def test_deploy_check_passes_behind_https(tmp_path: Path) -> None:
    result = _run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], tmp_path, **_production())

    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "WARNINGS" not in output
    assert "identified no issues" in output


def test_https_redirects_plain_requests_and_sends_hsts_and_secure_cookies(tmp_path: Path) -> None:
    result = _run(["-c", REQUESTS], tmp_path, **_production())

    assert result.returncode == 0, result.stderr
    answers = json.loads(result.stdout.strip().splitlines()[-1])
    assert (answers["plain_status"], answers["plain_location"]) == (301, "https://testserver/accounts/login/")
    assert answers["forwarded_status"] == 200
    assert answers["forwarded_hsts"] == "max-age=31536000; includeSubDomains"
    assert answers["forwarded_csrf_cookie_secure"] is True
    assert answers["session_cookie_secure"] is True
    assert answers["client_address_header"] == "HTTP_X_REAL_IP"


def test_hsts_follows_its_variables(tmp_path: Path) -> None:
    variables = _production(
        CLIENTBOOK_HSTS_SECONDS="3600", CLIENTBOOK_HSTS_INCLUDE_SUBDOMAINS="0", CLIENTBOOK_HSTS_PRELOAD="1"
    )
    result = _run(["-c", REQUESTS], tmp_path, **variables)

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1])["forwarded_hsts"] == "max-age=3600; preload"


@pytest.mark.parametrize("https", [None, "0"])
def test_without_https_plain_http_keeps_working(tmp_path: Path, https: str | None) -> None:
    """``make run`` serves http://127.0.0.1: no redirect, no HSTS, cookies a plain-HTTP browser keeps."""
    variables = {"DEBUG": "0"} if https is None else {"DEBUG": "0", "CLIENTBOOK_HTTPS": https}
    result = _run(["-c", REQUESTS], tmp_path, **variables)

    assert result.returncode == 0, result.stderr
    answers = json.loads(result.stdout.strip().splitlines()[-1])
    assert (answers["plain_status"], answers["plain_hsts"]) == (200, None)
    assert answers["plain_csrf_cookie_secure"] is False
    assert answers["session_cookie_secure"] is False
    assert answers["client_address_header"] is None
