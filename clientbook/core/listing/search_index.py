"""Migration operations that give a model the search index ``clientbook.core.listing.search`` queries.

In a model's migration, after the one that creates its ``search_document`` column::

    from clientbook.core.listing.search_index import CreateSearchIndex

    operations = [CreateSearchIndex(model_name="contact", extra_trigram_fields=("sort_name",))]

SQLite: an external-content FTS5 table ``<table>_fts`` (trigram tokenizer) over the document
column, filled from the table and kept in step by three triggers, ``<table>_fts_insert``,
``_delete`` and ``_update``, so that every write path (services, bulk updates, raw seeds) updates
it. With ``live_only`` (the default, for a soft-deleted model) it holds the rows whose
``deleted_at`` is NULL, so a search's hit count is read from the index alone; without it, every
row. PostgreSQL: the ``pg_trgm`` extension and a GIN ``gin_trgm_ops`` index ``<table>_search_trgm``
on the document, plus ``<table>_<column>_trgm`` for each of ``extra_trigram_fields``, which serve
``LIKE '%term%'`` directly. The statements are those of the customers' index (migrations 0002 and
0003 of ``clientbook.customers``), named after the model's table in the same way.

SQLite gotcha: an operation that Django carries out by copying the table into a new one drops the
triggers with the old table, and the index silently stops following writes. In Django 5.2 that is
an ``AlterField`` that changes the column, an ``AddField`` of a NOT NULL column or one with a
default, a ``RemoveField`` of an indexed, unique or foreign-key column, and an ``AddConstraint`` or
``RemoveConstraint`` other than a conditional or expression ``UniqueConstraint``. When only the
field's Python side changes, put the ``AlterField`` in ``SeparateDatabaseAndState(state_operations=…)``
(as customers' 0003, 0008 and 0009 do); otherwise surround the operation with
``RecreateSearchTriggers``, which puts the triggers back and refills the index.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.operations.base import Operation
from django.db.migrations.state import ProjectState

from clientbook.core.listing.search import fts_table_for

SOFT_DELETE_FIELD = "deleted_at"
# The statements name tables and columns unquoted, exactly as the customers' index does.
_PLAIN_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


def _plain(identifier: str) -> str:
    if not _PLAIN_IDENTIFIER.match(identifier):
        raise ValueError(f"search index: {identifier!r} is not a plain SQL identifier")
    return identifier


def _column(model: type[models.Model], field_name: str) -> str:
    field = model._meta.get_field(field_name)
    if not isinstance(field, models.Field):
        raise ValueError(f"search index: {model._meta.label}.{field_name} is not a column")
    return _plain(field.column)


@dataclass(frozen=True)
class SearchIndexSQL:
    """The statements of one model's search index."""

    table: str
    # Where clientbook.core.listing.search looks for it.
    fts: str
    pk: str
    document: str
    # The soft-delete column when the index holds live rows only.
    deleted: str | None
    trigram_columns: tuple[str, ...] = ()

    @classmethod
    def for_model(
        cls,
        model: type[models.Model],
        *,
        document_field: str = "search_document",
        live_only: bool = True,
        extra_trigram_fields: tuple[str, ...] = (),
    ) -> "SearchIndexSQL":
        meta = model._meta
        deleted = None
        if live_only:
            try:
                deleted = _column(model, SOFT_DELETE_FIELD)
            except FieldDoesNotExist:
                raise ValueError(f"{meta.label} has no {SOFT_DELETE_FIELD} field: give it live_only=False") from None
        return cls(
            table=_plain(meta.db_table),
            fts=_plain(fts_table_for(model)),
            pk=_column(model, meta.pk.name),
            document=_column(model, document_field),
            deleted=deleted,
            trigram_columns=tuple(_column(model, name) for name in extra_trigram_fields),
        )

    @property
    def trigger_names(self) -> tuple[str, str, str]:
        return (f"{self.table}_fts_insert", f"{self.table}_fts_delete", f"{self.table}_fts_update")

    @property
    def trigram_indexes(self) -> list[tuple[str, str]]:
        """(index name, column) of each PostgreSQL trigram index, the document's first."""
        return [(f"{self.table}_search_trgm", self.document)] + [
            (f"{self.table}_{column}_trgm", column) for column in self.trigram_columns
        ]

    # --- SQLite ----------------------------------------------------------------------------------

    def sqlite_fts_table(self) -> str:
        return (
            f"CREATE VIRTUAL TABLE {self.fts} USING fts5({self.document}, "
            f"content='{self.table}', content_rowid='{self.pk}', tokenize='trigram')"
        )

    def sqlite_triggers(self) -> list[str]:
        table, fts, pk, doc = self.table, self.fts, self.pk, self.document
        insert, delete, update = self.trigger_names
        add_new = f"INSERT INTO {fts}(rowid, {doc}) VALUES (new.{pk}, new.{doc});"
        remove_old = f"INSERT INTO {fts}({fts}, rowid, {doc}) VALUES ('delete', old.{pk}, old.{doc});"
        if self.deleted is None:
            return [
                f"CREATE TRIGGER {insert} AFTER INSERT ON {table} BEGIN {add_new} END",
                f"CREATE TRIGGER {delete} AFTER DELETE ON {table} BEGIN {remove_old} END",
                f"CREATE TRIGGER {update} AFTER UPDATE OF {doc} ON {table} BEGIN {remove_old} {add_new} END",
            ]
        deleted = self.deleted
        # One update trigger, two guarded statements, so the old entry always goes before the new one comes.
        return [
            f"CREATE TRIGGER {insert} AFTER INSERT ON {table} WHEN new.{deleted} IS NULL BEGIN {add_new} END",
            f"CREATE TRIGGER {delete} AFTER DELETE ON {table} WHEN old.{deleted} IS NULL BEGIN {remove_old} END",
            f"CREATE TRIGGER {update} AFTER UPDATE OF {doc}, {deleted} ON {table} BEGIN "
            f"INSERT INTO {fts}({fts}, rowid, {doc}) SELECT 'delete', old.{pk}, old.{doc} WHERE old.{deleted} IS NULL; "
            f"INSERT INTO {fts}(rowid, {doc}) SELECT new.{pk}, new.{doc} WHERE new.{deleted} IS NULL; "
            "END",
        ]

    def sqlite_drop_triggers(self) -> list[str]:
        return [f"DROP TRIGGER IF EXISTS {name}" for name in self.trigger_names]

    def sqlite_fill(self) -> list[str]:
        """Make the index hold exactly the rows it should, whatever it held before."""
        if self.deleted is None:
            return [f"INSERT INTO {self.fts}({self.fts}) VALUES ('rebuild')"]
        return [
            f"INSERT INTO {self.fts}({self.fts}) VALUES ('delete-all')",
            f"INSERT INTO {self.fts}(rowid, {self.document}) "
            f"SELECT {self.pk}, {self.document} FROM {self.table} WHERE {self.deleted} IS NULL",
        ]

    # --- PostgreSQL ------------------------------------------------------------------------------

    def postgres_create(self) -> list[str]:
        return ["CREATE EXTENSION IF NOT EXISTS pg_trgm"] + [
            f"CREATE INDEX IF NOT EXISTS {name} ON {self.table} USING gin ({column} gin_trgm_ops)"
            for name, column in self.trigram_indexes
        ]

    def postgres_drop(self) -> list[str]:
        # The extension stays: other tables' indexes may use it.
        return [f"DROP INDEX IF EXISTS {name}" for name, _ in reversed(self.trigram_indexes)]

    # --- Operations --------------------------------------------------------------------------------

    def create(self, vendor: str) -> list[str]:
        if vendor == "sqlite":
            return [self.sqlite_fts_table(), *self.sqlite_triggers(), *self.sqlite_fill()]
        if vendor == "postgresql":
            return self.postgres_create()
        return []

    def drop(self, vendor: str) -> list[str]:
        if vendor == "sqlite":
            return [*reversed(self.sqlite_drop_triggers()), f"DROP TABLE IF EXISTS {self.fts}"]
        if vendor == "postgresql":
            return self.postgres_drop()
        return []

    def recreate_triggers(self, vendor: str) -> list[str]:
        if vendor == "sqlite":
            return [*self.sqlite_drop_triggers(), *self.sqlite_triggers(), *self.sqlite_fill()]
        # PostgreSQL alters a table in place and keeps its indexes.
        return []


class _SearchIndexOperation(Operation):
    """Shared by the search-index operations: which model, which column, which rows."""

    reversible = True

    def __init__(self, model_name: str, document_field: str = "search_document", live_only: bool = True) -> None:
        self.model_name = model_name
        self.document_field = document_field
        self.live_only = live_only

    def state_forwards(self, app_label: str, state: ProjectState) -> None:
        """The index is the database's alone: the models do not change."""

    def deconstruct(self) -> tuple[str, list[Any], dict[str, Any]]:
        kwargs: dict[str, Any] = {"model_name": self.model_name}
        if self.document_field != "search_document":
            kwargs["document_field"] = self.document_field
        if not self.live_only:
            kwargs["live_only"] = False
        return self.__class__.__name__, [], kwargs

    @property
    def model_name_lower(self) -> str:
        return self.model_name.lower()

    def sql_for(self, model: type[models.Model]) -> SearchIndexSQL:
        return SearchIndexSQL.for_model(model, document_field=self.document_field, live_only=self.live_only)

    def _run(
        self,
        app_label: str,
        schema_editor: BaseDatabaseSchemaEditor,
        state: ProjectState,
        statements: Callable[[SearchIndexSQL, str], list[str]],
    ) -> None:
        model = state.apps.get_model(app_label, self.model_name)
        if not self.allow_migrate_model(schema_editor.connection.alias, model):
            return
        for statement in statements(self.sql_for(model), schema_editor.connection.vendor):
            schema_editor.execute(statement)


class CreateSearchIndex(_SearchIndexOperation):
    """Create a model's search index (module docstring); reversed, drop it.

    SQLite: an AlterField (or another operation) that rebuilds the table drops the index's
    triggers; follow it with ``RecreateSearchTriggers`` (module docstring).
    """

    def __init__(
        self,
        model_name: str,
        document_field: str = "search_document",
        live_only: bool = True,
        extra_trigram_fields: tuple[str, ...] | list[str] = (),
    ) -> None:
        super().__init__(model_name, document_field, live_only)
        self.extra_trigram_fields = tuple(extra_trigram_fields)

    def deconstruct(self) -> tuple[str, list[Any], dict[str, Any]]:
        name, args, kwargs = super().deconstruct()
        if self.extra_trigram_fields:
            kwargs["extra_trigram_fields"] = self.extra_trigram_fields
        return name, args, kwargs

    def sql_for(self, model: type[models.Model]) -> SearchIndexSQL:
        return SearchIndexSQL.for_model(
            model,
            document_field=self.document_field,
            live_only=self.live_only,
            extra_trigram_fields=self.extra_trigram_fields,
        )

    def database_forwards(
        self, app_label: str, schema_editor: BaseDatabaseSchemaEditor, from_state: ProjectState, to_state: ProjectState
    ) -> None:
        self._run(app_label, schema_editor, to_state, SearchIndexSQL.create)

    def database_backwards(
        self, app_label: str, schema_editor: BaseDatabaseSchemaEditor, from_state: ProjectState, to_state: ProjectState
    ) -> None:
        self._run(app_label, schema_editor, from_state, SearchIndexSQL.drop)

    def describe(self) -> str:
        return f"Create the search index of {self.model_name}"

    @property
    def migration_name_fragment(self) -> str:
        return f"search_index_{self.model_name_lower}"


class RecreateSearchTriggers(_SearchIndexOperation):
    """SQLite: put back the triggers of a model's search index and refill it; nothing elsewhere.

    For after an operation that rebuilt the table (module docstring). It does the same reversed,
    so one placed before that operation restores the triggers when the migration is unapplied::

        RecreateSearchTriggers(model_name="contact"),  # for the way back
        migrations.AlterField(model_name="contact", name="city", field=...),
        RecreateSearchTriggers(model_name="contact"),
    """

    def database_forwards(
        self, app_label: str, schema_editor: BaseDatabaseSchemaEditor, from_state: ProjectState, to_state: ProjectState
    ) -> None:
        self._run(app_label, schema_editor, to_state, SearchIndexSQL.recreate_triggers)

    def database_backwards(
        self, app_label: str, schema_editor: BaseDatabaseSchemaEditor, from_state: ProjectState, to_state: ProjectState
    ) -> None:
        self._run(app_label, schema_editor, to_state, SearchIndexSQL.recreate_triggers)

    def describe(self) -> str:
        return f"Recreate the search-index triggers of {self.model_name}"

    @property
    def migration_name_fragment(self) -> str:
        return f"search_triggers_{self.model_name_lower}"
