"""``manage.py run_import_worker``: the consumer of the import queue (``clientbook.core.tasks.IMPORT_QUEUE``).

Beside ``run_huey`` (exports and periodic jobs), so that a long import never holds up anything else.
"""

import logging
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Run the imports' queue consumer (imports only; exports and periodic jobs run in run_huey)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--workers",
            type=int,
            default=settings.CLIENTBOOK_IMPORT_WORKERS,
            help="Imports run at once (default: CLIENTBOOK_IMPORT_WORKERS).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from clientbook.core.tasks import IMPORT_QUEUE

        logging.getLogger("huey").info("Import worker: %s imports at once", options["workers"])
        consumer = IMPORT_QUEUE.create_consumer(workers=options["workers"], worker_type="thread", periodic=False)
        consumer.run()
