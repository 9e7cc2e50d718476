"""How many rows a list says it has: exact when that is cheap, otherwise a labelled estimate.

docs/architecture.md and docs/development/decisions/0001-search-and-counting.md. Counting 87,000 search
hits exactly costs PostgreSQL ~150 ms (it visits every row) and SQLite ~80 ms once filters are
combined with the search (every hit's row is looked up), while the page itself takes a millisecond.
So a list counts exactly only what is cheap to count:

1. a count the database keeps at hand (``search.kept_count``): all live rows, or on SQLite a
   search alone, read from the FTS5 index up to ``INDEX_COUNT_LIMIT`` hits;
2. otherwise a sample estimates the count: the same query restricted to ``SAMPLE_WINDOWS`` runs of
   consecutive ids spread evenly over the table (``SAMPLE_ROWS`` ids in all), its search terms
   checked row by row so that the id index drives it; the hits found, scaled up, are the estimate.
   Filters that go together (a Nigerian surname and country NG) are sampled together, which the
   planner's row estimate cannot do (PostgreSQL estimates 473 rows for ``okafor`` + NG + active,
   which has 16,342);
3. an estimate at or below the exact-count limit is replaced by the exact count, which then costs
   at most a few thousand rows; above it, the list shows the estimate, rounded to two significant
   figures and flagged, so that the user is told it is one.

Exports and bulk actions never come here: they count exactly (``search.count_rows``).
"""

from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.db.models import AutoField, BigAutoField, Q, QuerySet, SmallAutoField

from clientbook.core.listing.search import count_rows, kept_count, record_hits, scanning_search

# A search alone on SQLite is counted in the FTS5 index up to here (about 10-30 ms at the limit).
INDEX_COUNT_LIMIT = 100_000
# About 5 ms to read and check on either database; 50 hits in the sample at 1% of the rows.
SAMPLE_ROWS = 5_000
SAMPLE_WINDOWS = 20
SIGNIFICANT_FIGURES = 2


@dataclass(frozen=True)
class RowCount:
    total: int
    is_estimate: bool


def count_for_list(queryset: QuerySet, *, exact_limit: int) -> RowCount:
    """The count a list shows for ``queryset``: exact up to ``exact_limit`` rows, else an estimate."""
    kept = kept_count(queryset, index_limit=max(INDEX_COUNT_LIMIT, exact_limit + 1))
    if kept is not None:
        record_hits(queryset, kept)
        return RowCount(kept, is_estimate=False)
    estimate = estimate_rows(queryset)
    if estimate is not None and not estimate.is_estimate:
        record_hits(queryset, estimate.total)
        return estimate
    if estimate is not None and estimate.total > exact_limit:
        rounded = RowCount(round_significant(estimate.total), is_estimate=True)
        record_hits(queryset, rounded.total)
        return rounded
    return RowCount(count_rows(queryset), is_estimate=False)


def estimate_rows(queryset: QuerySet) -> RowCount | None:
    """Estimate how many rows ``queryset`` has from a sample of id windows (module docstring).

    Exact (``is_estimate`` False) when the windows cover every id; None when the model's ids are
    not integers or the query cannot be restricted (a slice or a union).
    """
    query = queryset.query
    if query.is_empty():
        return RowCount(0, is_estimate=False)
    if query.is_sliced or query.combinator or not isinstance(queryset.model._meta.pk, _INTEGER_KEYS):
        return None
    rows = queryset.model._base_manager.using(queryset.db).values_list("pk", flat=True)
    low, high = rows.order_by("pk").first(), rows.order_by("-pk").first()
    if low is None or high is None:
        return RowCount(0, is_estimate=False)
    windows = sample_windows(low, high)
    sampled = sum(last - first + 1 for first, last in windows)
    in_windows = reduce(or_, (Q(pk__range=window) for window in windows))
    hits = scanning_search(queryset).filter(in_windows).count()
    span = high - low + 1
    return RowCount(round(hits * span / sampled), is_estimate=sampled < span)


_INTEGER_KEYS = (AutoField, BigAutoField, SmallAutoField)


def sample_windows(low: int, high: int) -> list[tuple[int, int]]:
    """Id ranges, ``(first, last)`` inclusive, that sample ``low``–``high``: one centred in each of
    ``SAMPLE_WINDOWS`` equal strata, ``SAMPLE_ROWS`` ids in all; the whole range when it is smaller.

    Evenly spread windows follow trends over time (ids grow with creation), and the same query
    always gets the same sample, so its estimate does not change from one page to the next.
    """
    span = high - low + 1
    if span <= SAMPLE_ROWS:
        return [(low, high)]
    count = min(SAMPLE_WINDOWS, SAMPLE_ROWS)
    width = SAMPLE_ROWS // count
    stratum = span / count
    margin = (stratum - width) / 2
    starts = [low + int(index * stratum + margin) for index in range(count)]
    return [(start, start + width - 1) for start in starts]


def round_significant(number: int, figures: int = SIGNIFICANT_FIGURES) -> int:
    """``87,240`` → ``87,000``: an estimate shown with no more precision than it has."""
    places = len(str(abs(number))) - figures
    return round(number, -places) if places > 0 else number
