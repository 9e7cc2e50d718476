"""The search-index migration operations (clientbook/core/listing/search_index.py), applied to scratch tables."""

import importlib
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.apps import apps as installed_apps
from django.db import connection, migrations, models, transaction
from django.db.migrations.operations.base import Operation
from django.db.migrations.state import ProjectState
from django.db.migrations.writer import MigrationWriter
from django.utils import timezone

from clientbook.core.listing.search import apply_search, fts_table_for
from clientbook.core.listing.search_index import CreateSearchIndex, RecreateSearchTriggers, SearchIndexSQL

APP = "searchkit"
SOFT_DELETED = f"{APP}_entry"
PLAIN = f"{APP}_memo"
on_sqlite = pytest.mark.skipif("connection.vendor != 'sqlite'")
on_postgres = pytest.mark.skipif("connection.vendor != 'postgresql'")


def apply(operation: Operation, state: ProjectState, *, backwards: bool = False) -> ProjectState:
    """Run ``operation`` on the database (reversed with ``backwards``) and return the state after it."""
    new_state = state.clone()
    operation.state_forwards(APP, new_state)
    with connection.schema_editor() as editor:
        if backwards:
            operation.database_backwards(APP, editor, new_state, state)
        else:
            operation.database_forwards(APP, editor, state, new_state)
    return new_state


SCRATCH_MODELS = [
    migrations.CreateModel(
        "Entry",
        [
            ("id", models.BigAutoField(primary_key=True)),
            ("sort_name", models.CharField(max_length=300, db_default="")),
            ("search_document", models.TextField(default="")),
            ("deleted_at", models.DateTimeField(null=True)),
        ],
    ),
    migrations.CreateModel(
        "Memo",
        [("id", models.BigAutoField(primary_key=True)), ("search_document", models.TextField(default=""))],
    ),
]


@pytest.fixture
def scratch(transactional_db: Any) -> Iterator[ProjectState]:
    """A migration state with two scratch tables, created for the test (DDL: outside a transaction)."""
    states = [ProjectState()]
    for operation in SCRATCH_MODELS:
        states.append(apply(operation, states[-1]))
    yield states[-1]
    with connection.cursor() as cursor:
        for table in (SOFT_DELETED, PLAIN):
            cursor.execute(f"DROP TABLE IF EXISTS {table}_fts")
            cursor.execute(f"DROP TABLE IF EXISTS {table}")


def insert(table: str, document: str, **columns: Any) -> int:
    values = {"search_document": document, **columns}
    names = ", ".join(values)
    placeholders = ", ".join(["%s"] * len(values))
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {table} ({names}) VALUES ({placeholders})", list(values.values()))
        cursor.execute(f"SELECT max(id) FROM {table}")
        return int(cursor.fetchone()[0])


def execute(sql: str, params: list[Any] | None = None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])


def found(table: str, term: str) -> set[int]:
    """The rows the FTS5 table finds for ``term``."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT rowid FROM {table}_fts WHERE {table}_fts MATCH %s", [f'"{term}"'])
        return {row[0] for row in cursor.fetchall()}


def sqlite_objects(table: str) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE (type = 'trigger' AND tbl_name = %s) OR name GLOB %s",
            [table, f"{table}_fts*"],
        )
        return {row[0] for row in cursor.fetchall()}


def postgres_indexes(table: str) -> dict[str, str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s", [table])
        return dict(cursor.fetchall())


def normalised(sql: str) -> str:
    """``sql`` with its layout dropped: one space between words, none around punctuation."""
    return re.sub(r"\s*([(),;])\s*", r"\1", " ".join(sql.split()))


# --- SQLite -------------------------------------------------------------------------------------


@on_sqlite
def test_live_index_follows_inserts_updates_soft_and_hard_deletes(scratch: ProjectState) -> None:
    before = insert(SOFT_DELETED, "ada lovelace")
    deleted_before = insert(SOFT_DELETED, "ada byron", deleted_at=timezone.now())
    apply(CreateSearchIndex(model_name="entry", extra_trigram_fields=("sort_name",)), scratch)
    assert found(SOFT_DELETED, "ada") == {before}, "the initial fill takes live rows only"

    row = insert(SOFT_DELETED, "grace hopper")
    assert found(SOFT_DELETED, "hopper") == {row}
    execute(f"UPDATE {SOFT_DELETED} SET search_document = 'grace brewster' WHERE id = %s", [row])
    assert found(SOFT_DELETED, "hopper") == set()
    assert found(SOFT_DELETED, "brewster") == {row}

    execute(f"UPDATE {SOFT_DELETED} SET deleted_at = %s WHERE id = %s", [timezone.now(), row])
    assert found(SOFT_DELETED, "brewster") == set()
    execute(f"UPDATE {SOFT_DELETED} SET deleted_at = NULL WHERE id = %s", [row])
    assert found(SOFT_DELETED, "brewster") == {row}, "a restored row comes back"

    execute(f"DELETE FROM {SOFT_DELETED} WHERE id = %s", [row])
    execute(f"DELETE FROM {SOFT_DELETED} WHERE id = %s", [deleted_before])
    assert found(SOFT_DELETED, "brewster") == set()
    execute(f"INSERT INTO {SOFT_DELETED}_fts({SOFT_DELETED}_fts) VALUES ('integrity-check')")


@on_sqlite
def test_all_row_index_of_a_model_without_soft_delete(scratch: ProjectState) -> None:
    before = insert(PLAIN, "call the plumber")
    apply(CreateSearchIndex(model_name="memo", live_only=False), scratch)
    assert found(PLAIN, "plumber") == {before}

    row = insert(PLAIN, "order paint")
    execute(f"UPDATE {PLAIN} SET search_document = 'order brushes' WHERE id = %s", [row])
    assert found(PLAIN, "paint") == set()
    assert found(PLAIN, "brushes") == {row}
    execute(f"DELETE FROM {PLAIN} WHERE id = %s", [before])
    assert found(PLAIN, "plumber") == set()
    execute(f"INSERT INTO {PLAIN}_fts({PLAIN}_fts) VALUES ('integrity-check')")


@on_sqlite
def test_backwards_leaves_no_table_or_trigger(scratch: ProjectState) -> None:
    operation = CreateSearchIndex(model_name="entry")
    state = apply(operation, scratch)
    assert sqlite_objects(SOFT_DELETED) >= {
        f"{SOFT_DELETED}_fts",
        f"{SOFT_DELETED}_fts_insert",
        f"{SOFT_DELETED}_fts_delete",
        f"{SOFT_DELETED}_fts_update",
    }
    apply(operation, state, backwards=True)
    assert sqlite_objects(SOFT_DELETED) == set()
    insert(SOFT_DELETED, "still writable")


@on_sqlite
def test_triggers_recreated_after_a_table_rebuild(scratch: ProjectState) -> None:
    indexed = apply(CreateSearchIndex(model_name="entry"), scratch)
    widen = migrations.AlterField("entry", "sort_name", models.CharField(max_length=400, db_default=""))
    widened = apply(widen, indexed)
    assert sqlite_objects(SOFT_DELETED) == {f"{SOFT_DELETED}_fts"} | {
        f"{SOFT_DELETED}_fts_{shadow}" for shadow in ("data", "idx", "docsize", "config")
    }, "the rebuild dropped the triggers"
    missed = insert(SOFT_DELETED, "written without triggers")

    recreate = RecreateSearchTriggers(model_name="entry")
    apply(recreate, widened)
    assert found(SOFT_DELETED, "without") == {missed}, "the refill catches up"
    row = insert(SOFT_DELETED, "written with triggers")
    assert found(SOFT_DELETED, "written") == {missed, row}

    # Unapplying: the rebuild again drops the triggers, and the operation before it restores them.
    apply(recreate, widened, backwards=True)
    apply(widen, indexed, backwards=True)
    assert f"{SOFT_DELETED}_fts_insert" not in sqlite_objects(SOFT_DELETED)
    apply(recreate, indexed, backwards=True)
    later = insert(SOFT_DELETED, "written after unapplying")
    assert found(SOFT_DELETED, "unapplying") == {later}


@on_sqlite
@pytest.mark.django_db
def test_customers_index_is_the_one_migrations_made() -> None:
    """The kit's statements for customers give exactly the schema migrations 0002 and 0003 left."""
    sql = CreateSearchIndex(model_name="customer", extra_trigram_fields=("sort_name",)).sql_for(
        installed_apps.get_model("customers", "customer")
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name, sql FROM sqlite_master WHERE name IN (%s, %s, %s, %s)", [sql.fts, *sql.trigger_names]
        )
        migrated = {name: normalised(text) for name, text in cursor.fetchall()}
    built = [sql.sqlite_fts_table(), *sql.sqlite_triggers()]
    assert migrated == {name: normalised(text) for name, text in zip([sql.fts, *sql.trigger_names], built, strict=True)}


@on_sqlite
def test_a_live_index_needs_a_soft_delete_column(scratch: ProjectState) -> None:
    with pytest.raises(ValueError, match="has no deleted_at field"):
        apply(CreateSearchIndex(model_name="memo"), scratch)


# --- PostgreSQL ---------------------------------------------------------------------------------


@on_postgres
def test_trigram_indexes_created_used_and_dropped(scratch: ProjectState) -> None:
    operation = CreateSearchIndex(model_name="entry", extra_trigram_fields=("sort_name",))
    state = apply(operation, scratch)
    indexes = postgres_indexes(SOFT_DELETED)
    assert "gin (search_document gin_trgm_ops)" in indexes[f"{SOFT_DELETED}_search_trgm"]
    assert "gin (sort_name gin_trgm_ops)" in indexes[f"{SOFT_DELETED}_sort_name_trgm"]

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN SELECT id FROM {SOFT_DELETED} WHERE search_document LIKE '%%lovelace%%'")
        plan = " ".join(row[0] for row in cursor.fetchall())
    assert f"{SOFT_DELETED}_search_trgm" in plan

    apply(operation, state, backwards=True)
    assert not [name for name in postgres_indexes(SOFT_DELETED) if name.endswith("_trgm")]


@on_postgres
def test_trigram_index_of_a_model_without_soft_delete(scratch: ProjectState) -> None:
    operation = CreateSearchIndex(model_name="memo", live_only=False)
    state = apply(operation, scratch)
    assert f"{PLAIN}_search_trgm" in postgres_indexes(PLAIN)
    apply(RecreateSearchTriggers(model_name="memo", live_only=False), state)
    apply(operation, state, backwards=True)
    assert f"{PLAIN}_search_trgm" not in postgres_indexes(PLAIN)


# --- Both ---------------------------------------------------------------------------------------


def _migration(name: str) -> Any:
    return importlib.import_module(f"clientbook.customers.migrations.{name}")


def test_statements_for_customers_are_those_of_their_migrations() -> None:
    """Same statements as 0002 (PostgreSQL, the FTS5 table) and 0003 (the live-row triggers and fill)."""
    search_index, at_scale = _migration("0002_search_index"), _migration("0003_search_at_scale")
    sql = CreateSearchIndex(model_name="customer", extra_trigram_fields=("sort_name",)).sql_for(
        installed_apps.get_model("customers", "customer")
    )
    assert [normalised(s) for s in sql.create("postgresql")] == [normalised(s) for s in search_index.POSTGRES_FORWARD]
    assert [normalised(s) for s in sql.drop("postgresql")] == [normalised(s) for s in search_index.POSTGRES_BACKWARD]
    assert normalised(sql.sqlite_fts_table()) == normalised(search_index.SQLITE_FORWARD[0])
    assert [normalised(s) for s in sql.recreate_triggers("sqlite")] == [normalised(s) for s in at_scale.LIVE_TRIGGERS]
    assert [normalised(s) for s in sql.drop("sqlite")] == [normalised(s) for s in search_index.SQLITE_BACKWARD]
    all_rows = SearchIndexSQL.for_model(installed_apps.get_model("customers", "customer"), live_only=False)
    assert [normalised(s) for s in all_rows.recreate_triggers("sqlite")] == [
        normalised(s) for s in at_scale.ALL_ROW_TRIGGERS
    ]
    assert sql.fts == fts_table_for(installed_apps.get_model("customers", "customer")) == "customers_customer_fts"


def test_operation_is_written_into_a_migration_and_read_back() -> None:
    operation = CreateSearchIndex(model_name="contact", live_only=False, extra_trigram_fields=["sort_name"])
    name, args, kwargs = operation.deconstruct()
    assert (name, args, kwargs) == (
        "CreateSearchIndex",
        [],
        {"model_name": "contact", "live_only": False, "extra_trigram_fields": ("sort_name",)},
    )
    written, imports = MigrationWriter.serialize(operation)
    assert "import clientbook.core.listing.search_index" in imports
    assert written.startswith("clientbook.core.listing.search_index.CreateSearchIndex(")
    namespace: dict[str, Any] = {}
    exec(f"{next(iter(imports))}\noperation = {written}", namespace)
    assert namespace["operation"].deconstruct() == (name, args, kwargs)

    assert operation.reversible
    assert operation.describe() == "Create the search index of contact"
    assert operation.migration_name_fragment == "search_index_contact"
    assert RecreateSearchTriggers(model_name="Contact").migration_name_fragment == "search_triggers_contact"


@on_sqlite
@pytest.mark.django_db
def test_search_finds_the_models_fts_table_by_itself() -> None:
    customers = installed_apps.get_model("customers", "customer").objects.all()
    assert str(apply_search(customers, "lovelace").query) == str(
        apply_search(customers, "lovelace", fts_table="customers_customer_fts").query
    )
    assert "customers_customer_fts" in str(apply_search(customers, "lovelace").query)


def test_ordered_search_page_of_a_model_without_soft_delete(scratch: ProjectState) -> None:
    """The page planner counts a common term's hits through the index; a plain model has no deleted rows to skip."""
    state = apply(CreateSearchIndex(model_name="memo", live_only=False), scratch)
    rows = {insert(PLAIN, f"order paint {number}") for number in range(3)}
    memos = state.apps.get_model(APP, "memo").objects.order_by("id")
    page = apply_search(memos, "paint", fts_table=f"{PLAIN}_fts", sort_indexes={"id"})[:2]
    assert [memo.id for memo in page] == sorted(rows)[:2]
