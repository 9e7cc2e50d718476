"""The query planner's statistics, refreshed where a table's size changes a lot at once.

The planner chooses between the search index and a sort index from them (``core.search``). On
SQLite a table without statistics is worse: a page sorted by name reads every live row through
``customer_live_deleted_at`` and sorts them (20,000 rows: 12 ms; a million: seconds), because an
index searched by equality looks best to a planner that knows nothing of its keys.
"""

from django.db import connection, models

# SQLite reads about this many entries of each index and estimates the rest: milliseconds, not a
# scan of every index of a large table, and as good for choosing a plan.
SQLITE_ANALYSIS_LIMIT = 1000


def refresh(model: type[models.Model] | None = None) -> None:
    """Refresh the statistics of ``model``'s table, or of every table."""
    table = connection.ops.quote_name(model._meta.db_table) if model is not None else ""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"PRAGMA analysis_limit={SQLITE_ANALYSIS_LIMIT}")
        cursor.execute(f"ANALYZE {table}".rstrip())
