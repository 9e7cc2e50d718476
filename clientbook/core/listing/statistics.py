"""The query planner's statistics, refreshed where a table's size changes a lot at once.

The planner chooses between the search index and a sort index from them (``core.search``). On
SQLite a table without statistics is worse: a page sorted by name reads every live row through
``customer_live_deleted_at`` and sorts them (20,000 rows: 12 ms; a million: seconds), because an
index searched by equality looks best to a planner that knows nothing of its keys. SQLite's
sampled statistics (``PRAGMA analysis_limit``) make the same mistake: from a sample, that index's
one key seems to select a thousand rows, not all of them; so the whole table is analysed.
"""

from django.db import connection, models


def refresh(model: type[models.Model] | None = None) -> None:
    """Refresh the statistics of ``model``'s table, or of every table."""
    table = connection.ops.quote_name(model._meta.db_table) if model is not None else ""
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {table}".rstrip())
