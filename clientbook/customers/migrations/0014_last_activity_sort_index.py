"""The customer list sorts and filters by Last activity (kept by the activities' services): a partial index on
live rows, ``(last_activity_at, id)``, as every sortable column has (migrations 0003 and 0012)."""

from django.db import migrations

TABLE = "customers_customer"


class Migration(migrations.Migration):
    dependencies = [("customers", "0013_label_search")]

    operations = [
        migrations.RunSQL(
            f"CREATE INDEX IF NOT EXISTS customer_live_last_activity_at ON {TABLE} (last_activity_at, id) "
            "WHERE deleted_at IS NULL",
            "DROP INDEX IF EXISTS customer_live_last_activity_at",
        )
    ]
