"""``python manage.py seed_demo``: the demo office (customers, organizations, labels, officers, contacts)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from clientbook.customers.demo import DEMO_SEED, load_demo
from clientbook.customers.models import Customer


class Command(BaseCommand):
    help = "Load deterministic demo data into an empty customer book."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=DEMO_SEED, help="random seed (same seed, same data)")

    def handle(self, *args: Any, **options: Any) -> None:
        if Customer.all_objects.exists():
            raise CommandError("The database already has customers; demo data is only loaded into an empty book.")
        summary = load_demo(seed=options["seed"])
        self.stdout.write(
            f"Demo data loaded: {summary.customers} customers ({summary.organizations} organizations), "
            f"{summary.labels} labels{summary.parts_text()}, officers {', '.join(summary.officers)}."
        )
