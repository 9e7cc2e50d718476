"""Four indexes fewer to write for every new or changed customer (an import writes every index of every row).

Each one duplicates another that serves the same queries:

- ``sort_name``: the first column of ``customer_sort_name_id`` (sort_name, id);
- ``status``: the first column of ``customer_status_sort_name`` (status, sort_name);
- ``email``: live rows are looked up by ``customer_live_email`` (email, id), imports match
  ``customer_email_lower``; nothing reads deleted rows by their exact address;
- ``customer_phone``: imports match live rows only, which ``customer_live_phone`` (phone, id) serves.

On SQLite, Django alters a field's index by copying the table, which would drop the search-index
triggers and the partial indexes of migration 0003; so only the indexes are dropped here, on both
databases (PostgreSQL adds a ``_like`` twin to a text column's index), and the fields' new
definitions go to the migration state alone.
"""

from django.db import migrations, models

TABLE = "customers_customer"
DROPPED = [
    (
        "customers_customer_sort_name_282c9b89",
        f'CREATE INDEX "customers_customer_sort_name_282c9b89" ON {TABLE} ("sort_name")',
    ),
    ("customers_customer_status_743673e0", f'CREATE INDEX "customers_customer_status_743673e0" ON {TABLE} ("status")'),
    ("customers_customer_email_300e404b", f'CREATE INDEX "customers_customer_email_300e404b" ON {TABLE} ("email")'),
    ("customer_phone", f'CREATE INDEX "customer_phone" ON {TABLE} ("phone")'),
]


def _drop(apps, schema_editor):  # type: ignore[no-untyped-def]
    for name, _ in DROPPED:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(f'DROP INDEX IF EXISTS "{name}_like"')


def _create(apps, schema_editor):  # type: ignore[no-untyped-def]
    for _, create in DROPPED:
        schema_editor.execute(create)


class Migration(migrations.Migration):
    dependencies = [("customers", "0008_possible_phone_numbers")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveIndex(model_name="customer", name="customer_phone"),
                migrations.AlterField(
                    model_name="customer", name="email", field=models.EmailField(blank=True, max_length=254)
                ),
                migrations.AlterField(
                    model_name="customer",
                    name="sort_name",
                    field=models.CharField(default="", editable=False, max_length=300),
                ),
                migrations.AlterField(
                    model_name="customer",
                    name="status",
                    field=models.CharField(
                        choices=[
                            ("active", "Active"),
                            ("inactive", "Inactive"),
                            ("prospect", "Prospect"),
                            ("churned", "Churned"),
                            ("blocked", "Blocked"),
                        ],
                        default="active",
                        max_length=10,
                    ),
                ),
            ],
            database_operations=[migrations.RunPython(_drop, _create)],
        )
    ]
