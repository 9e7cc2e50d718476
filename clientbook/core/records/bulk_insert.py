"""New rows of one model written in a few statements, for batch writers (imports).

``QuerySet.bulk_create`` sends every value of every row through several layers of field and SQL
compiler methods (~2 µs a value: 80 ms for a batch of 1,000 customers of 40 columns) and gives
SQLite at most 999 parameters a statement (24 customers). ``insert`` (or ``prepare``, then
``insert_prepared``) chooses once per call how each column's value is prepared: a text column's
``str`` (or ``None``) goes as it is, which is what its ``get_db_prep_save`` returns; a date, an
aware moment, a decimal or an integer in a field of that type is only adapted for the database, as
``get_db_prep_save`` does once it has checked the type; every other value goes through the
field's own ``pre_save`` (when the field has one that does something) and ``get_db_prep_save``,
as in ``bulk_create``. The rows then go in as multi-row ``INSERT … RETURNING`` statements of up
to the database's parameter limit when their primary keys are wanted (PostgreSQL: one
``executemany`` returning them), else as one ``executemany``.

Like ``bulk_create``: the objects must be new (no primary key), relations are checked as
``bulk_create`` checks them, no ``save()`` runs and no signal is sent; afterwards each object
has its primary key (when returned) and is marked as saved. Values must be plain values, not
query expressions.
"""

import dataclasses
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import connections, models, router

# Exact classes whose get_db_prep_save returns a str (or None) unchanged.
_TEXT_FIELDS = (models.CharField, models.TextField, models.EmailField, models.URLField, models.SlugField)
_INTEGER_FIELDS = (
    models.IntegerField,
    models.BigIntegerField,
    models.SmallIntegerField,
    models.PositiveIntegerField,
    models.PositiveBigIntegerField,
    models.PositiveSmallIntegerField,
)
_POSTGRES_MAX_PARAMETERS = 65_535


@dataclass(frozen=True)
class PreparedRows:
    """New objects of one model with each column's value ready for the database (``prepare``)."""

    model: type[models.Model]
    objs: Sequence[models.Model]
    fields: list[models.Field]
    rows: list[tuple[Any, ...]]


def prepare(model: type[models.Model], objs: Sequence[models.Model]) -> PreparedRows:
    """Read and prepare every column of ``objs`` (new instances of ``model``); nothing is written.

    Apart from ``insert`` so a batch writer can do this work before it takes the database's write
    lock: the objects must not change in between.
    """
    connection = connections[router.db_for_write(model)]
    pk_field = model._meta.pk
    if any(obj.pk is not None for obj in objs):
        raise ValueError("bulk_insert writes new objects only (their primary key is set by the database).")
    fields = [field for field in model._meta.concrete_fields if field is not pk_field and not field.generated]
    readers = [_reader(field, connection) for field in fields]
    for obj in objs:
        obj._prepare_related_fields_for_save(operation_name="bulk_create")  # type: ignore[attr-defined]
    return PreparedRows(model, objs, fields, [tuple(read(obj) for read in readers) for obj in objs])


def replace_column(prepared: PreparedRows, field_name: str, values: Sequence[Any]) -> PreparedRows:
    """``prepared`` with one column's value of each row (and of its object) replaced by ``values``.

    For a value known only once other rows are written (the primary key of the record a row is
    about); ``values`` are plain values of the field's Python type, prepared here like the rest.
    """
    connection = connections[router.db_for_write(prepared.model)]
    position = next(at for at, field in enumerate(prepared.fields) if field.name == field_name)
    field = prepared.fields[position]
    rows = []
    for obj, row, value in zip(prepared.objs, prepared.rows, values, strict=True):
        setattr(obj, field.attname, value)
        rows.append((*row[:position], field.get_db_prep_save(value, connection), *row[position + 1 :]))
    return dataclasses.replace(prepared, rows=rows)


def insert(model: type[models.Model], objs: Sequence[models.Model], *, return_pks: bool = True) -> None:
    """INSERT ``objs`` (new instances of ``model``), setting their primary keys when ``return_pks``."""
    insert_prepared(prepare(model, objs), return_pks=return_pks)


def insert_prepared(prepared: PreparedRows, *, return_pks: bool = True) -> None:
    """INSERT the rows ``prepare`` made, setting their objects' primary keys when ``return_pks``."""
    model, objs, fields, rows = prepared.model, prepared.objs, prepared.fields, prepared.rows
    if not objs:
        return
    database = router.db_for_write(model)
    connection = connections[database]
    meta = model._meta
    pk_field = meta.pk
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in fields)
    row_marks = f"({', '.join(['%s'] * len(fields))})"
    table = quote(meta.db_table)
    with connection.cursor() as cursor:
        if not return_pks:
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES {row_marks}", rows)
        elif connection.vendor == "postgresql":
            # psycopg sends the one-row statement once per row in a pipeline and returns each key;
            # a multi-row statement would be parsed for its placeholders in Python every time.
            raw = cursor.cursor
            raw.executemany(
                f"INSERT INTO {table} ({columns}) VALUES {row_marks} RETURNING {quote(pk_field.column)}",
                rows,
                returning=True,
            )
            returned: list[Any] = []
            while True:
                returned.append(raw.fetchone()[0])
                if not raw.nextset():
                    break
            _set_pks(objs, returned)
        else:
            size = max(1, _max_parameters(connection) // len(fields))
            pks: list[Any] = []
            for start in range(0, len(rows), size):
                chunk = rows[start : start + size]
                cursor.execute(
                    f"INSERT INTO {table} ({columns}) VALUES {', '.join([row_marks] * len(chunk))} "
                    f"RETURNING {quote(pk_field.column)}",
                    [value for row in chunk for value in row],
                )
                pks.extend(row[0] for row in cursor.fetchall())
            _set_pks(objs, pks)
    for obj in objs:
        obj._state.adding = False
        obj._state.db = database


def _set_pks(objs: Sequence[models.Model], pks: list[Any]) -> None:
    if len(pks) != len(objs):
        raise RuntimeError(f"{len(objs)} rows inserted but {len(pks)} primary keys returned.")
    for obj, pk in zip(objs, pks, strict=True):
        obj.pk = pk


def _reader(field: models.Field, connection: Any) -> Callable[[models.Model], Any]:
    """How one column's value is read from an object and prepared for the database."""
    attname = field.attname
    prepare = _preparer(field, connection)
    plain_pre_save = type(field).pre_save is models.Field.pre_save or (
        isinstance(field, models.DateField) and not field.auto_now and not field.auto_now_add  # type: ignore[attr-defined]
    )
    # A new object holds every field's value in its ``__dict__``; reading it there skips what a
    # descriptor makes of it on each read (django-countries builds a Country object every time).
    if plain_pre_save:
        return lambda obj: prepare(obj.__dict__[attname])
    return lambda obj: prepare(field.pre_save(obj, True))


def _preparer(field: models.Field, connection: Any) -> Callable[[Any], Any]:
    """``field.get_db_prep_save`` for one value, by a shorter way for the value types it leaves as they are.

    ``get_db_prep_save`` converts a value to the field's Python type (``to_python``) before it
    adapts it for the database: ~2 µs a value. A value already of that type needs only the adapting
    (a text field's ``str``: nothing); any other value takes the field's own way.
    """
    field_type, ops = type(field), connection.ops

    def through_field(value: Any) -> Any:
        return field.get_db_prep_save(value, connection)

    if field_type in _TEXT_FIELDS:
        return lambda value: value if value is None or type(value) is str else through_field(value)
    if field_type is models.DateTimeField:
        return lambda value: (
            ops.adapt_datetimefield_value(value)
            if type(value) is datetime and value.tzinfo is not None
            else through_field(value)
        )
    if field_type is models.DateField:
        return lambda value: ops.adapt_datefield_value(value) if type(value) is date else through_field(value)
    if field_type is models.DecimalField:
        digits, places = field.max_digits, field.decimal_places  # type: ignore[attr-defined]
        return lambda value: (
            ops.adapt_decimalfield_value(value, digits, places) if type(value) is Decimal else through_field(value)
        )
    if field_type in _INTEGER_FIELDS:
        internal_type = field.get_internal_type()
        return lambda value: (
            ops.adapt_integerfield_value(value, internal_type) if type(value) is int else through_field(value)
        )
    return through_field


def _max_parameters(connection: Any) -> int:
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        return int(connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER))
    if connection.vendor == "postgresql":
        return _POSTGRES_MAX_PARAMETERS
    return int(connection.features.max_query_params or 2_000)
