from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from clientbook.accounts import services
from clientbook.core.records import audit


class Command(BaseCommand):
    help = "Create an API token for a user and print it alone on the last line (it is shown only once)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--name", default="", help="What the token is for.")

    def handle(self, *args: Any, **options: Any) -> None:
        user = get_user_model().objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"No user named “{options['username']}”.")
        if not user.is_active:
            raise CommandError(f"User “{user.username}” is inactive; reactivate them first.")
        try:
            with audit.acting_as("command:apitoken"):
                token, clear = services.create_api_token(user=user, name=options["name"])
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        self.stdout.write(f"API token {token.prefix}… for {user.username} (store it now, it is not shown again):")
        self.stdout.write(clear)
