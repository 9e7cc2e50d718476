"""Per-connection database tuning that settings cannot express."""

from django.db.backends.signals import connection_created
from django.dispatch import receiver


@receiver(connection_created)
def enable_postgres_trigram_threshold(sender, connection, **kwargs) -> None:  # type: ignore[no-untyped-def]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # Searches use LIKE with a trigram GIN index; no similarity threshold is involved,
            # but keep plans stable by preferring the index for short patterns.
            cursor.execute("SET random_page_cost = 1.1")
