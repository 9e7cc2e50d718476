"""``python manage.py setup_clientbook``: everything ``make run`` does before serving (idempotent).

Migrates, creates the cache table, collects static files and, on the very first start (no users
yet), creates the ``admin`` user and loads the demo data unless ``CLIENTBOOK_DEMO=0``. Later starts
keep every row and never print or change the admin password.
"""

import os
import secrets
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from clientbook.accounts.services import create_user
from clientbook.core.listing import statistics
from clientbook.customers.demo import load_demo

ADMIN_USERNAME = "admin"


class Command(BaseCommand):
    help = "Prepare the database, static files, the first admin and (first start only) the demo data."

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        call_command("createcachetable", verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        url = f"http://127.0.0.1:{os.environ.get('PORT', '8000')}"
        if get_user_model().objects.exists():
            self.stdout.write(f"Clientbook is set up; the admin user exists. Log in at {url}")
            return
        password = self._create_admin()
        if settings.CLIENTBOOK_DEMO:
            summary = load_demo()
            self.stdout.write(
                f"Demo data loaded: {summary.customers} customers, {summary.labels} labels{summary.parts_text()}, "
                f"officers {', '.join(summary.officers)} (CLIENTBOOK_DEMO=0 starts empty)."
            )
        statistics.refresh()
        self._print_login(url, password)

    def _create_admin(self) -> str | None:
        """Create ``admin``; returns the generated password, or None when the environment gave one."""
        given = os.environ.get("CLIENTBOOK_ADMIN_PASSWORD", "")
        password = given or secrets.token_urlsafe(12)
        try:
            with transaction.atomic():
                create_user(username=ADMIN_USERNAME, role="admin", password=password, check_password=bool(given))
        except ValidationError as error:
            messages = "; ".join(error.messages)
            raise CommandError(f"CLIENTBOOK_ADMIN_PASSWORD is not accepted: {messages}") from None
        return None if given else password

    def _print_login(self, url: str, password: str | None) -> None:
        shown = password if password is not None else "(the password in CLIENTBOOK_ADMIN_PASSWORD)"
        lines = [
            f"Log in at {url} as {ADMIN_USERNAME} / {shown}",
            "Note it now: this password is not shown again." if password else "",
        ]
        lines = [line for line in lines if line]
        width = max(len(line) for line in lines)
        border = "+" + "-" * (width + 2) + "+"
        self.stdout.write(border)
        for line in lines:
            self.stdout.write(f"| {line.ljust(width)} |")
        self.stdout.write(border)
