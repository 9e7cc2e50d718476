"""PostgreSQL: the number of live customers, kept by triggers (docs/architecture.md, Counting).

``count(*)`` of a million rows costs PostgreSQL ~40 ms even from an index, on every unfiltered
list. Statement-level triggers keep the exact figure in a one-row table instead; a statement
that changes no live count (an ordinary edit) does not touch that row, so only creations,
deletions and restores queue on it, and creations already queue on the code sequence. SQLite
counts its b-tree for free and needs none of this.
"""

from django.db import migrations

COUNTER = "customers_customer_live_count"
TABLE = "customers_customer"

FORWARD = [
    f"CREATE TABLE {COUNTER} (id smallint PRIMARY KEY CHECK (id = 1), live bigint NOT NULL)",
    f"INSERT INTO {COUNTER} (id, live) SELECT 1, count(*) FROM {TABLE} WHERE deleted_at IS NULL",
    f"""CREATE FUNCTION {COUNTER}_apply() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
        delta bigint := 0;
    BEGIN
        IF TG_OP = 'TRUNCATE' THEN
            UPDATE {COUNTER} SET live = 0 WHERE id = 1;
            RETURN NULL;
        END IF;
        IF TG_OP IN ('INSERT', 'UPDATE') THEN
            SELECT delta + count(*) INTO delta FROM new_rows WHERE deleted_at IS NULL;
        END IF;
        IF TG_OP IN ('UPDATE', 'DELETE') THEN
            SELECT delta - count(*) INTO delta FROM old_rows WHERE deleted_at IS NULL;
        END IF;
        IF delta <> 0 THEN
            UPDATE {COUNTER} SET live = live + delta WHERE id = 1;
        END IF;
        RETURN NULL;
    END $$""",
    f"""CREATE TRIGGER {COUNTER}_insert AFTER INSERT ON {TABLE}
        REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION {COUNTER}_apply()""",
    f"""CREATE TRIGGER {COUNTER}_update AFTER UPDATE ON {TABLE}
        REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION {COUNTER}_apply()""",
    f"""CREATE TRIGGER {COUNTER}_delete AFTER DELETE ON {TABLE}
        REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION {COUNTER}_apply()""",
    f"""CREATE TRIGGER {COUNTER}_truncate AFTER TRUNCATE ON {TABLE}
        FOR EACH STATEMENT EXECUTE FUNCTION {COUNTER}_apply()""",
]
BACKWARD = [
    f"DROP TRIGGER IF EXISTS {COUNTER}_truncate ON {TABLE}",
    f"DROP TRIGGER IF EXISTS {COUNTER}_delete ON {TABLE}",
    f"DROP TRIGGER IF EXISTS {COUNTER}_update ON {TABLE}",
    f"DROP TRIGGER IF EXISTS {COUNTER}_insert ON {TABLE}",
    f"DROP FUNCTION IF EXISTS {COUNTER}_apply()",
    f"DROP TABLE IF EXISTS {COUNTER}",
]


def _on_postgres(statements):  # type: ignore[no-untyped-def]
    def run(apps, schema_editor):  # type: ignore[no-untyped-def]
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("customers", "0005_organization_link_survives_delete")]

    operations = [migrations.RunPython(_on_postgres(FORWARD), _on_postgres(BACKWARD))]
