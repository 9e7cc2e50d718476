"""Two more indexes on live customers.

``customer_live_deleted_at`` is keyed by ``deleted_at`` (always NULL in it): ``SELECT count(*) ...
WHERE deleted_at IS NULL`` (any plain ``Customer.objects.count()``) reads it instead of the whole
table, now that the full ``deleted_at`` index is gone (migration 0003). Every entry has the same
key, so the planner never takes it for a selective index when it orders a page.

``customer_live_country_name``: names cluster by country (an Indian first name sorts far from an
American one), so a page filtered by country and sorted by name walks this index, which holds the
country's rows in name order, instead of every name up to the country's first match.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("customers", "0003_search_at_scale")]

    operations = [
        migrations.RunSQL(
            "CREATE INDEX IF NOT EXISTS customer_live_deleted_at ON customers_customer (deleted_at) "
            "WHERE deleted_at IS NULL",
            "DROP INDEX IF EXISTS customer_live_deleted_at",
        ),
        migrations.RunSQL(
            "CREATE INDEX IF NOT EXISTS customer_live_country_name ON customers_customer (country, sort_name, id) "
            "WHERE deleted_at IS NULL",
            "DROP INDEX IF EXISTS customer_live_country_name",
        ),
    ]
