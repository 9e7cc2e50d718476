"""The paginator of every list (page, fragment, API): indexed counts and deep pages by id.

``count`` is exact (``search.count_rows``) unless the paginator is given ``exact_count_limit``:
then a count above it may be an estimate (``counting.count_for_list``, ``count_is_estimate``).
Either way counting first tells the search conditions how selective the query is before the page
is fetched. A deep page first reads the ids of its rows alone, which an index on the sort column
answers without touching the rows it skips (PostgreSQL reads them from the index only), then loads
those rows with their relations.

With an estimated count any page number may be asked for: a page is read with one row more than it
shows, so a page that reaches the real end makes the count exact, a full last page that is not the
end lets the count grow past it, and a page past the real end is empty (``IndexedPage.past_end``) instead
of an error.
"""

from functools import cached_property
from typing import Any

from django.core.paginator import EmptyPage, Page, Paginator
from django.db.models import QuerySet

from clientbook.core.listing.counting import RowCount, count_for_list
from clientbook.core.listing.search import count_rows

# From this offset on, a page is fetched by id first (cheaper than joining every skipped row).
LATE_LOOKUP_OFFSET = 1_000


class IndexedPage(Page):
    """A page whose range is counted from its own rows, which an estimated total cannot give."""

    # An estimated count promised this page, but the rows ended before it.
    past_end = False

    def start_index(self) -> int:
        return (self.number - 1) * self.paginator.per_page + 1 if len(self) else 0

    def end_index(self) -> int:
        return (self.number - 1) * self.paginator.per_page + len(self) if len(self) else 0

    def has_next(self) -> bool:
        return not self.past_end and super().has_next()


class IndexedPaginator(Paginator):
    def __init__(self, object_list: Any, per_page: int, *, exact_count_limit: int | None = None, **options: Any):
        super().__init__(object_list, per_page, **options)
        self.exact_count_limit = exact_count_limit

    @cached_property
    def row_count(self) -> RowCount:
        if not isinstance(self.object_list, QuerySet):
            return RowCount(len(self.object_list), is_estimate=False)
        if self.exact_count_limit is None:
            return RowCount(count_rows(self.object_list), is_estimate=False)
        return count_for_list(self.object_list, exact_limit=self.exact_count_limit)

    @property
    def count(self) -> int:  # type: ignore[override]
        return self.row_count.total

    @property
    def count_is_estimate(self) -> bool:
        return self.row_count.is_estimate

    def page(self, number: Any) -> Page:
        queryset = self.object_list
        if not isinstance(queryset, QuerySet):
            return super().page(number)
        if self.count_is_estimate:
            return self._estimated_page(queryset, number)
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        return self._get_page(_rows(queryset, bottom, top), number, self)

    def _estimated_page(self, queryset: QuerySet, number: Any) -> IndexedPage:
        try:
            number = self.validate_number(number)
        except EmptyPage:
            # Past the estimated last page: the estimate may be low, so the rows decide.
            number = int(number)
            if number < 1:
                raise
        bottom = (number - 1) * self.per_page
        rows = _rows(queryset, bottom, bottom + self.per_page + 1)
        more = len(rows) > self.per_page
        rows = rows[: self.per_page]
        if not more and (rows or number == 1):
            self._settle(RowCount(bottom + len(rows), is_estimate=False))
        elif more and bottom + len(rows) >= self.count:
            self._settle(RowCount(bottom + len(rows) + 1, is_estimate=True))
        page = self._get_page(rows, number, self)
        page.past_end = not rows and number > 1
        return page

    def _settle(self, counted: RowCount) -> None:
        """Replace the count by what a page found; the page count follows it."""
        self.__dict__["row_count"] = counted
        self.__dict__.pop("num_pages", None)

    def _get_page(self, *args: Any, **kwargs: Any) -> IndexedPage:
        return IndexedPage(*args, **kwargs)


def _rows(queryset: QuerySet, bottom: int, top: int) -> list[Any]:
    if bottom < LATE_LOOKUP_OFFSET or queryset.query.annotations:
        return list(queryset[bottom:top])
    ids = list(queryset.values_list("pk", flat=True)[bottom:top])
    rows = queryset.model._base_manager.filter(pk__in=ids)
    rows.query.select_related = queryset.query.select_related
    rows = rows.prefetch_related(*getattr(queryset, "_prefetch_related_lookups", ()))
    by_pk = {row.pk: row for row in rows}
    return [by_pk[pk] for pk in ids if pk in by_pk]
