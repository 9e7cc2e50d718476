"""The search index behind ``search_document`` (docs/architecture.md, Search).

SQLite: an external-content FTS5 table with the trigram tokenizer, kept in step by triggers so
that every write path (services, bulk updates, raw seeds) updates it. PostgreSQL: a trigram GIN
index, which serves ``LIKE '%term%'`` directly.
"""

from django.db import migrations

SQLITE_FORWARD = [
    """CREATE VIRTUAL TABLE customers_customer_fts USING fts5(
        search_document, content='customers_customer', content_rowid='id', tokenize='trigram'
    )""",
    """CREATE TRIGGER customers_customer_fts_insert AFTER INSERT ON customers_customer BEGIN
        INSERT INTO customers_customer_fts(rowid, search_document) VALUES (new.id, new.search_document);
    END""",
    """CREATE TRIGGER customers_customer_fts_delete AFTER DELETE ON customers_customer BEGIN
        INSERT INTO customers_customer_fts(customers_customer_fts, rowid, search_document)
        VALUES ('delete', old.id, old.search_document);
    END""",
    """CREATE TRIGGER customers_customer_fts_update AFTER UPDATE OF search_document ON customers_customer BEGIN
        INSERT INTO customers_customer_fts(customers_customer_fts, rowid, search_document)
        VALUES ('delete', old.id, old.search_document);
        INSERT INTO customers_customer_fts(rowid, search_document) VALUES (new.id, new.search_document);
    END""",
    "INSERT INTO customers_customer_fts(customers_customer_fts) VALUES ('rebuild')",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS customers_customer_fts_update",
    "DROP TRIGGER IF EXISTS customers_customer_fts_delete",
    "DROP TRIGGER IF EXISTS customers_customer_fts_insert",
    "DROP TABLE IF EXISTS customers_customer_fts",
]
POSTGRES_FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS customers_customer_search_trgm "
    "ON customers_customer USING gin (search_document gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS customers_customer_sort_name_trgm "
    "ON customers_customer USING gin (sort_name gin_trgm_ops)",
]
POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS customers_customer_sort_name_trgm",
    "DROP INDEX IF EXISTS customers_customer_search_trgm",
]


def _run(statements_by_vendor):  # type: ignore[no-untyped-def]
    def run(apps, schema_editor):  # type: ignore[no-untyped-def]
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("customers", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}),
            _run({"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD}),
        )
    ]
