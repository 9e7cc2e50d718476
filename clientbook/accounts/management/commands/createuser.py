from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from clientbook.accounts import services
from clientbook.accounts.roles import ROLE_GROUP_NAMES
from clientbook.core.records import audit


class Command(BaseCommand):
    help = "Create an active user with a role, e.g. `createuser ana --role sales --password '…'`."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=list(ROLE_GROUP_NAMES), help="The user's role.")
        parser.add_argument("--password", required=True, help="Checked by the password rules.")
        parser.add_argument("--email", default="")
        parser.add_argument("--first-name", default="")
        parser.add_argument("--last-name", default="")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            with audit.acting_as("command:createuser"):
                user = services.create_user(
                    username=options["username"],
                    role=options["role"],
                    password=options["password"],
                    email=options["email"],
                    first_name=options["first_name"],
                    last_name=options["last_name"],
                )
        except ValidationError as error:
            problems = "; ".join(
                f"{field}: {' '.join(messages)}" for field, messages in sorted(error.message_dict.items())
            )
            raise CommandError(f"User not created. {problems}") from None
        self.stdout.write(self.style.SUCCESS(f"Created user “{user.username}” with role {options['role']}."))
