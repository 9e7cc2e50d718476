"""The customer list sorts by Last name and by Birthday: a partial index on live rows for each, ``(column, id)``,
as migration 0003 gives every sortable column, so a page walks the index instead of sorting a million rows.

First name has no index and does not sort: a person's Name already sorts by first name.
"""

from django.db import migrations

TABLE = "customers_customer"
SORT_COLUMNS = ("last_name", "birthday")


class Migration(migrations.Migration):
    dependencies = [("customers", "0011_label_key_unique_and_text_rules")]

    operations = [
        migrations.RunSQL(
            f"CREATE INDEX IF NOT EXISTS customer_live_{column} ON {TABLE} ({column}, id) WHERE deleted_at IS NULL",
            f"DROP INDEX IF EXISTS customer_live_{column}",
        )
        for column in SORT_COLUMNS
    ]
