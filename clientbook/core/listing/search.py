"""Search documents and the indexed search backend (docs/architecture.md, Search).

Every searchable model keeps a ``search_document`` column: lower-cased, accent-folded text of its
searchable fields plus the digits of every phone number and the code with and without prefix. The
backend turns a query into AND-ed term matches served by an index: an FTS5 trigram table on SQLite
(holding live rows only), a ``gin_trgm_ops`` index on PostgreSQL.

Which plan serves a query depends on how many rows match, so the match is an expression
(``SearchMatch``) that writes its SQL when the statement is compiled, knowing what is asked:

- counts, exports and every rare term *drive from the index*: the matching ids come from the
  FTS5 table (SQLite) or the trigram index (PostgreSQL), then only those rows are read and sorted;
- an ordered page of a common term *walks the sort column's index* and keeps the rows whose
  document contains the terms, stopping after the page: 20 of 100,000 hits without sorting
  100,000 rows.

The hit count that decides comes from the paginator's count when there is one (``record_hits``),
otherwise from a count through the index that stops as soon as the answer is known (at most
``PLAN_PROBE_LIMIT``).
"""

import re
import unicodedata
from collections.abc import Collection, Iterable, Sequence
from math import isqrt
from typing import Any

from django.db import connections
from django.db.models import BooleanField, Expression, F, Model, Q, QuerySet
from django.db.models.lookups import Exact, IsNull
from django.db.models.options import Options
from django.db.models.sql.where import WhereNode

from clientbook.core.sequences import CODE_WIDTH

_SPACES = re.compile(r"\s+")
TRIGRAM = 3
# Letters that are not "base letter + accent" in Unicode, so NFKD leaves them; people type the
# plain Latin letter when searching for them.
_LATIN_FOLDS = str.maketrans({"ı": "i", "ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "æ": "ae", "œ": "oe"})
# A counted probe stops here: enough to tell a rare term from a common one.
PLAN_PROBE_LIMIT = 5_000
# Reading a hit through the index and sorting it costs about this many index entries walked.
DRIVE_COST_PER_HIT = 4
# PostgreSQL: the longest part of a term handed to the trigram index (see _postgres_contains).
ANCHOR_LENGTH = 10
# A run of this many digits in a term is its anchor: rarer than any window with letters in it.
DIGIT_ANCHOR_LENGTH = 6
_DIGIT_RUNS = re.compile(r"[0-9]+")


def normalise(text: str) -> str:
    """Lower-case, strip accents, fold compatibility forms and collapse whitespace."""
    if text.isascii():
        # Most texts; for them the Unicode steps below change nothing but cost ten times more.
        return " ".join(text.lower().split())
    return normalise_unicode(text)


def normalise_unicode(text: str) -> str:
    """``normalise`` for any text: the steps that matter once a text has a non-ASCII character."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).translate(_LATIN_FOLDS)
    return _SPACES.sub(" ", unicodedata.normalize("NFKD", stripped).casefold()).strip()


def digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())


def search_terms(query: str) -> list[str]:
    """The terms of a query, normalised; a term made only of phone punctuation becomes its digits.

    ``+1 940-986-3836`` is read as one phone term ``19409863836`` so that phones match however
    they were typed.
    """
    normalised = normalise(query)
    if not normalised:
        return []
    phone_like = digits(normalised)
    if len(phone_like) >= 5 and all(ch.isdigit() or ch in " +-().x/" for ch in normalised):
        return [_phone_term(phone_like)]
    return [term for term in normalised.split(" ") if term]


def _phone_term(number: str) -> str:
    # Documents hold each phone's national digits and its full international digits, so a number
    # typed with or without its country code is found; the trunk prefix 00 is dropped.
    return number[2:] if number.startswith("00") else number


def build_document(texts: Iterable[str | None], phones: Iterable[str] = ()) -> str:
    """Join the searchable texts and phone digit strings into one normalised document."""
    parts = [normalise(text) for text in texts if text]
    parts.extend(phones)
    return " ".join(part for part in parts if part)


def like_escape(term: str) -> str:
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def fts_table_for(model: type[Model]) -> str:
    """The SQLite FTS5 table of ``model``'s search index (``clientbook.core.listing.search_index``)."""
    return f"{model._meta.db_table}_fts"


def apply_search(
    queryset: QuerySet,
    query: str,
    *,
    fts_table: str | None = None,
    sort_indexes: Collection[str] = (),
    name_field: str = "sort_name",
    code_prefix: str | None = None,
) -> QuerySet:
    """Filter ``queryset`` to rows whose search document contains every term of ``query``.

    ``sort_indexes`` names the columns that have an index on live rows in sort order, which an
    ordered page may walk. Terms of one or two characters are too short for a trigram index: alone
    they match the start of the name (``name_field``) or, given ``code_prefix``, the code with that
    number (``7`` → ``CUST0000007``), both indexed; beside a longer term they match the start of any
    word of the document. ``fts_table`` defaults to the model's (``fts_table_for``).
    """
    if fts_table is None:
        fts_table = fts_table_for(queryset.model)
    terms = search_terms(query)
    if not terms:
        return queryset
    long_terms = tuple(term for term in terms if len(term) >= TRIGRAM)
    short_terms = [term for term in terms if len(term) < TRIGRAM]
    if long_terms:
        queryset = queryset.filter(SearchMatch(long_terms, fts_table=fts_table, sort_indexes=sort_indexes))
    elif short_terms:
        first = short_terms.pop(0)
        condition = Q(**{f"{name_field}__gte": first, f"{name_field}__lt": _next_prefix(first)})
        if code_prefix is not None and first.isdigit():
            condition |= Q(code=f"{code_prefix}{int(first):0{CODE_WIDTH}d}")
        queryset = queryset.filter(condition)
    for term in short_terms:
        queryset = queryset.filter(Q(search_document__startswith=term) | Q(search_document__contains=" " + term))
    return queryset


def _next_prefix(prefix: str) -> str:
    """The smallest string above every string that starts with ``prefix``."""
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)


class SearchMatch(Expression):
    """``search_document`` contains every term; the SQL is chosen per statement (module docstring)."""

    conditional = True
    output_field = BooleanField()

    def __init__(
        self,
        terms: tuple[str, ...],
        *,
        fts_table: str,
        sort_indexes: Collection[str] = (),
        pk: Any = None,
        document: Any = None,
    ) -> None:
        super().__init__()
        self.terms = terms
        self.fts_table = fts_table
        self.sort_indexes = frozenset(sort_indexes)
        self.pk = pk if pk is not None else F("pk")
        self.document = document if document is not None else F("search_document")
        # Shared by the clones of one queryset: the count the paginator made (exact), and the probes'
        # counts by the limit they stopped at.
        self.hits: dict[str, int] = {}
        self.probes: dict[str, dict[int, int]] = {}
        # Check each row's document instead of asking the index (``scanning``).
        self.scan = False

    def get_source_expressions(self) -> list[Any]:
        return [self.pk, self.document]

    def set_source_expressions(self, exprs: Sequence[Any]) -> None:
        self.pk, self.document = exprs

    def __repr__(self) -> str:
        return f"SearchMatch({self.terms!r})"

    @property
    def identity(self) -> tuple[Any, ...]:
        return (type(self), self.terms, self.fts_table, self.scan)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, SearchMatch) and other.identity == self.identity

    def __hash__(self) -> int:
        return hash(self.identity)

    def copy(self) -> "SearchMatch":
        clone = super().copy()
        clone.hits = self.hits
        clone.probes = self.probes
        return clone

    def scanning(self) -> "SearchMatch":
        """This match checking each row's document, for a statement that reads few rows by other means.

        A sample of rows picked by id (``clientbook.core.listing.counting``) reads a few thousand rows; the
        index would first collect every hit of a common term, which costs more than the sample.
        """
        clone = self.copy()
        clone.scan = True
        return clone

    # --- SQL -----------------------------------------------------------------------------------

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        pk_sql, pk_params = compiler.compile(self.pk)
        document_sql, document_params = compiler.compile(self.document)
        walk = self.scan or self._walks_sort_index(compiler, connection)
        if connection.vendor == "sqlite" and not walk:
            match = " AND ".join('"' + term.replace('"', '""') + '"' for term in self.terms)
            fts = connection.ops.quote_name(self.fts_table)
            return f"{pk_sql} IN (SELECT rowid FROM {fts} WHERE {fts} MATCH %s)", [*pk_params, match]
        if connection.vendor == "postgresql" and walk:
            # strpos() is invisible to the trigram index and estimated as unselective, so the
            # planner walks the sort index instead of collecting and sorting every hit.
            conditions = [f"strpos({document_sql}, %s) > 0" for _ in self.terms]
            return " AND ".join(conditions), [param for term in self.terms for param in (*document_params, term)]
        if connection.vendor == "postgresql":
            return _postgres_contains(document_sql, document_params, self.terms)
        conditions = [f"{document_sql} LIKE %s ESCAPE '\\'" for _ in self.terms]
        params = [param for term in self.terms for param in (*document_params, f"%{like_escape(term)}%")]
        return " AND ".join(conditions), params

    def _walks_sort_index(self, compiler: Any, connection: Any) -> bool:
        """True for an ordered page, by an indexed column, of a term common enough to walk for."""
        query = compiler.query
        if query.high_mark is None:
            return False
        ordering = query.order_by or (query.get_meta().ordering if query.default_ordering else ())
        if not ordering or not isinstance(ordering[0], str) or ordering[0].lstrip("-") not in self.sort_indexes:
            return False
        table_rows = _table_rows(connection, query.get_meta().db_table)
        hits = self.hits.get(connection.alias)
        if hits is None:
            # Walking wins once rows_to_walk < DRIVE_COST_PER_HIT * hits, that is once hits passes
            # sqrt(high_mark * table_rows / DRIVE_COST_PER_HIT): counting further cannot change the
            # answer (six results of a million rows: 1,225, where a common term has 87,000 hits).
            enough = min(PLAN_PROBE_LIMIT, isqrt(query.high_mark * table_rows // DRIVE_COST_PER_HIT) + 1)
            probes = self.probes.setdefault(connection.alias, {})
            if enough not in probes:
                probes[enough] = self._probe_hits(connection, query.get_meta(), enough)
            hits = probes[enough]
        if hits == 0:
            return False
        rows_to_walk = query.high_mark * table_rows / hits
        return rows_to_walk < DRIVE_COST_PER_HIT * hits

    def _probe_hits(self, connection: Any, meta: Options, limit: int) -> int:
        """How many live rows match, counted through the index up to ``limit``."""
        if connection.vendor == "sqlite":
            return _fts_count(connection, self.fts_table, list(self.terms), limit=limit)
        conditions, params = _postgres_contains("search_document", [], self.terms)
        # A model without soft delete has only live rows.
        if any(field.name == "deleted_at" for field in meta.concrete_fields):
            conditions = f"deleted_at IS NULL AND {conditions}"
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT count(*) FROM (SELECT 1 FROM {connection.ops.quote_name(meta.db_table)} "
                f"WHERE {conditions} LIMIT {int(limit)}) AS probe",
                params,
            )
            return int(cursor.fetchone()[0])


def _postgres_contains(document_sql: str, document_params: list[Any], terms: Iterable[str]) -> tuple[str, list[Any]]:
    """``LIKE`` conditions for the trigram index; a long term gives the index a window of itself.

    The index intersects one posting list per trigram of the pattern, and an e-mail address or a
    long name brings trigrams that nearly every document has (``exa``, ``com``): reading those
    costs more than the search. A window of the term, chosen for its digits (rare in names), finds
    the few candidates; ``strpos`` then checks the whole term on them.
    """
    conditions: list[str] = []
    params: list[Any] = []
    for term in terms:
        anchor = _anchor(term)
        conditions.append(f"{document_sql} LIKE %s ESCAPE '\\'")
        params.extend([*document_params, f"%{like_escape(anchor)}%"])
        if anchor != term:
            conditions.append(f"strpos({document_sql}, %s) > 0")
            params.extend([*document_params, term])
    return " AND ".join(conditions), params


def _anchor(term: str) -> str:
    digits = max(_DIGIT_RUNS.findall(term), key=len, default="")
    if len(digits) >= DIGIT_ANCHOR_LENGTH and digits != term:
        # Letters beside a number bring common trigrams (``ust`` of every code, ``han`` of a name):
        # the number alone reads a quarter of the posting lists (cust0501527: 31 ms → 7 ms).
        return digits[:ANCHOR_LENGTH]
    if len(term) <= ANCHOR_LENGTH:
        return term
    windows = [term[start : start + ANCHOR_LENGTH] for start in range(len(term) - ANCHOR_LENGTH + 1)]
    # The earliest window with the most digits: the local part of an address before its domain.
    return max(windows, key=lambda window: sum(ch.isdigit() for ch in window))


def _table_rows(connection: Any, table: str) -> int:
    """The table's row count as the database keeps it at hand.

    Exact on SQLite (it counts a b-tree's cells); PostgreSQL's planner estimate, or an exact count
    for a table that was never analysed (new, and so usually small).
    """
    quoted = connection.ops.quote_name(table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass", [table])
            row = cursor.fetchone()
            if row is not None and row[0] >= 0:
                return max(int(row[0]), 1)
        cursor.execute(f"SELECT count(*) FROM {quoted}")
        return max(int(cursor.fetchone()[0]), 1)


def search_matches(queryset: QuerySet) -> list[SearchMatch]:
    """The ``SearchMatch`` conditions ANDed at the top of ``queryset``'s WHERE clause."""
    where = queryset.query.where
    if where.connector != "AND" or where.negated:
        return []
    found = []
    for child in where.children:
        if isinstance(child, Exact) and isinstance(child.lhs, SearchMatch):
            found.append(child.lhs)
        elif isinstance(child, SearchMatch):
            found.append(child)
    return found


def scanning_search(queryset: QuerySet) -> QuerySet:
    """``queryset`` with its search conditions checking each row's document (``SearchMatch.scanning``)."""
    clone = queryset.all()
    where = clone.query.where
    if where.connector != "AND" or where.negated:
        return clone
    # The clone's WHERE node is its own, but its lookups are shared with ``queryset``: replace, never change.
    where.children = [_scanning_condition(child) for child in where.children]
    return clone


def _scanning_condition(condition: Any) -> Any:
    if isinstance(condition, Exact) and isinstance(condition.lhs, SearchMatch):
        return Exact(condition.lhs.scanning(), condition.rhs)
    if isinstance(condition, SearchMatch):
        return condition.scanning()
    return condition


def record_hits(queryset: QuerySet, hits: int) -> None:
    """Tell the search conditions of ``queryset`` how many rows it has (its count), for planning."""
    alias = queryset.db
    for match in search_matches(queryset):
        match.hits[alias] = hits


def live_where_only(queryset: QuerySet, model_table: str) -> bool:
    """True when ``queryset`` filters on ``deleted_at IS NULL`` and otherwise only on search matches.

    Without that condition the rows are not the live ones (deleted rows included, or a model
    without soft delete), so the live-row shortcuts do not apply.
    """
    where: WhereNode = queryset.query.where
    if where.connector != "AND" or where.negated or queryset.query.distinct or queryset.query.combinator:
        return False
    live = False
    for child in where.children:
        if isinstance(child, Exact) and isinstance(child.lhs, SearchMatch):
            continue
        if isinstance(child, IsNull) and child.rhs is True:
            target = getattr(child.lhs, "target", None)
            if (
                target is not None
                and target.column == "deleted_at"
                and getattr(child.lhs, "alias", None) == model_table
            ):
                live = True
                continue
        return False
    return live


def count_rows(queryset: QuerySet) -> int:
    """Count ``queryset`` the cheapest exact way, and remember the count for page planning.

    ``kept_count`` when the database keeps the answer at hand; otherwise the queryset's own COUNT,
    which the search conditions drive from the index.
    """
    count = kept_count(queryset)
    if count is None:
        count = queryset.count()
    record_hits(queryset, count)
    return count


def kept_count(queryset: QuerySet, *, index_limit: int | None = None) -> int | None:
    """The exact count when the database keeps it at hand, else None.

    All live rows: the table's count less the deleted ones (SQLite, both read from b-trees) or the
    counter that triggers keep (PostgreSQL). Live rows matching a search and nothing else, on
    SQLite: the FTS5 table alone, since it holds live rows only. That costs 0.1–0.3 µs per hit
    (more for longer terms, which intersect more trigrams); with ``index_limit`` the index stops
    there and a count that reaches it is None.
    """
    if queryset.query.is_empty():
        return 0
    connection = connections[queryset.db]
    table = queryset.model._meta.db_table
    if queryset.query.is_sliced or not live_where_only(queryset, table):
        return None
    matches = search_matches(queryset)
    if not matches:
        return _live_rows(connection, table)
    if connection.vendor == "sqlite" and len({match.fts_table for match in matches}) == 1:
        terms = [term for match in matches for term in match.terms]
        count = _fts_count(connection, matches[0].fts_table, terms, limit=index_limit)
        return None if index_limit is not None and count >= index_limit else count
    return None


def _live_rows(connection: Any, table: str) -> int | None:
    """All live rows: SQLite counts its b-trees for free; PostgreSQL keeps a counter (migration 0006)."""
    quoted = connection.ops.quote_name(table)
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                f"SELECT (SELECT count(*) FROM {quoted}) - (SELECT count(*) FROM {quoted} WHERE deleted_at IS NOT NULL)"
            )
        elif connection.vendor == "postgresql" and _has_live_counter(connection, table):
            cursor.execute(f"SELECT live FROM {connection.ops.quote_name(table + '_live_count')} WHERE id = 1")
        else:
            return None
        row = cursor.fetchone()
    return int(row[0]) if row else None


def _has_live_counter(connection: Any, table: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [f"{table}_live_count"])
        return bool(cursor.fetchone()[0])


def _fts_count(connection: Any, fts_table: str, terms: list[str], *, limit: int | None = None) -> int:
    match = " AND ".join('"' + term.replace('"', '""') + '"' for term in terms)
    fts = connection.ops.quote_name(fts_table)
    with connection.cursor() as cursor:
        if limit is None:
            cursor.execute(f"SELECT count(*) FROM {fts} WHERE {fts} MATCH %s", [match])
        else:
            cursor.execute(f"SELECT count(*) FROM (SELECT 1 FROM {fts} WHERE {fts} MATCH %s LIMIT %s)", [match, limit])
        return int(cursor.fetchone()[0])
