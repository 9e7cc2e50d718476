"""Indexes and search-index triggers for lists and searches over a million customers (docs/architecture.md, Search).

1. ``deleted_at`` loses its full index (``TrackedModel`` no longer asks for one): almost every row
   has NULL there, and SQLite's planner then reads all live rows through that index and sorts
   them. Deleted rows get a partial index instead (trash lists, live counts by difference). Done
   with ``SeparateDatabaseAndState`` because an ``AlterField`` on SQLite rebuilds the table, which
   would drop the search-index triggers.
2. A partial index on live rows for every sortable column, ``(column, id)``: a list page walks it
   in order and stops after the page instead of sorting every match.
3. SQLite: the FTS5 table indexes live rows only, so a search's hit count is read from the index
   alone, without visiting the table to skip deleted rows.
"""

from django.db import migrations, models

TABLE = "customers_customer"
FTS = "customers_customer_fts"
SORT_COLUMNS = (
    "sort_name",
    "code",
    "kind",
    "email",
    "phone",
    "city",
    "country",
    "industry",
    "balance",
    "status",
    "created_at",
    "updated_at",
)

LIVE_TRIGGERS = [
    f"DROP TRIGGER IF EXISTS {TABLE}_fts_insert",
    f"DROP TRIGGER IF EXISTS {TABLE}_fts_delete",
    f"DROP TRIGGER IF EXISTS {TABLE}_fts_update",
    f"""CREATE TRIGGER {TABLE}_fts_insert AFTER INSERT ON {TABLE} WHEN new.deleted_at IS NULL BEGIN
        INSERT INTO {FTS}(rowid, search_document) VALUES (new.id, new.search_document);
    END""",
    f"""CREATE TRIGGER {TABLE}_fts_delete AFTER DELETE ON {TABLE} WHEN old.deleted_at IS NULL BEGIN
        INSERT INTO {FTS}({FTS}, rowid, search_document) VALUES ('delete', old.id, old.search_document);
    END""",
    # One trigger, two guarded statements, so the old entry always goes before the new one comes.
    f"""CREATE TRIGGER {TABLE}_fts_update AFTER UPDATE OF search_document, deleted_at ON {TABLE} BEGIN
        INSERT INTO {FTS}({FTS}, rowid, search_document)
            SELECT 'delete', old.id, old.search_document WHERE old.deleted_at IS NULL;
        INSERT INTO {FTS}(rowid, search_document)
            SELECT new.id, new.search_document WHERE new.deleted_at IS NULL;
    END""",
    f"INSERT INTO {FTS}({FTS}) VALUES ('delete-all')",
    f"INSERT INTO {FTS}(rowid, search_document) SELECT id, search_document FROM {TABLE} WHERE deleted_at IS NULL",
]
ALL_ROW_TRIGGERS = [
    f"DROP TRIGGER IF EXISTS {TABLE}_fts_insert",
    f"DROP TRIGGER IF EXISTS {TABLE}_fts_delete",
    f"DROP TRIGGER IF EXISTS {TABLE}_fts_update",
    f"""CREATE TRIGGER {TABLE}_fts_insert AFTER INSERT ON {TABLE} BEGIN
        INSERT INTO {FTS}(rowid, search_document) VALUES (new.id, new.search_document);
    END""",
    f"""CREATE TRIGGER {TABLE}_fts_delete AFTER DELETE ON {TABLE} BEGIN
        INSERT INTO {FTS}({FTS}, rowid, search_document) VALUES ('delete', old.id, old.search_document);
    END""",
    f"""CREATE TRIGGER {TABLE}_fts_update AFTER UPDATE OF search_document ON {TABLE} BEGIN
        INSERT INTO {FTS}({FTS}, rowid, search_document) VALUES ('delete', old.id, old.search_document);
        INSERT INTO {FTS}(rowid, search_document) VALUES (new.id, new.search_document);
    END""",
    f"INSERT INTO {FTS}({FTS}) VALUES ('rebuild')",
]


def _full_deleted_at_indexes(schema_editor, table):  # type: ignore[no-untyped-def]
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, table)
    return [
        name
        for name, info in constraints.items()
        if info["index"] and not info["unique"] and info["columns"] == ["deleted_at"] and name != "customer_deleted"
    ]


def drop_full_deleted_at_indexes(apps, schema_editor):  # type: ignore[no-untyped-def]
    for table in (TABLE, "customers_label"):
        for name in _full_deleted_at_indexes(schema_editor, table):
            schema_editor.execute(f'DROP INDEX "{name}"')


def create_full_deleted_at_indexes(apps, schema_editor):  # type: ignore[no-untyped-def]
    for model_name in ("customer", "label"):
        model = apps.get_model("customers", model_name)
        field = model._meta.get_field("deleted_at")
        schema_editor.execute(schema_editor._create_index_sql(model, fields=[field]))


def _on_sqlite(statements):  # type: ignore[no-untyped-def]
    def run(apps, schema_editor):  # type: ignore[no-untyped-def]
        if schema_editor.connection.vendor == "sqlite":
            for statement in statements:
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("customers", "0002_search_index")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="customer",
                    name="deleted_at",
                    field=models.DateTimeField(blank=True, editable=False, null=True),
                ),
                migrations.AlterField(
                    model_name="label",
                    name="deleted_at",
                    field=models.DateTimeField(blank=True, editable=False, null=True),
                ),
            ],
            database_operations=[
                migrations.RunPython(drop_full_deleted_at_indexes, create_full_deleted_at_indexes),
                migrations.RunSQL(
                    f"CREATE INDEX customer_deleted ON {TABLE} (deleted_at) WHERE deleted_at IS NOT NULL",
                    "DROP INDEX customer_deleted",
                ),
            ],
        ),
        *(
            migrations.RunSQL(
                f"CREATE INDEX customer_live_{column} ON {TABLE} ({column}, id) WHERE deleted_at IS NULL",
                f"DROP INDEX customer_live_{column}",
            )
            for column in SORT_COLUMNS
        ),
        migrations.RunPython(_on_sqlite(LIVE_TRIGGERS), _on_sqlite(ALL_ROW_TRIGGERS)),
    ]
