"""Paging for API list operations: ``{"items": [...], "count": N, "page": P, "page_size": S}``."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.paginator import EmptyPage, Paginator
from django.db.models import QuerySet
from django.http import QueryDict

from clientbook.core.listing.pipeline import ListResult

MAX_PAGE_SIZE = 100
PAGE_DESCRIPTION = "Page number, from 1. A page past the last one returns no items."
PAGE_SIZE_DESCRIPTION = f"Items per page, 1 to {MAX_PAGE_SIZE} (default 20)."


COUNT_IS_ESTIMATE_DESCRIPTION = (
    "True when `count` is an estimate (a sample of the rows, rounded to two significant figures): "
    "lists count exactly only up to a limit (10,000 rows by default). A page past the real end has no items."
)


@dataclass(frozen=True)
class ApiPage:
    items: Sequence[Any]
    count: int
    page: int
    page_size: int
    count_is_estimate: bool = False


def query_dict(values: Mapping[str, Any]) -> QueryDict:
    """The validated query parameters as the QueryDict a FilterSet expects (lists stay lists)."""
    data = QueryDict(mutable=True)
    for name, value in values.items():
        if value is None:
            continue
        if isinstance(value, list | tuple):
            data.setlist(name, [str(item) for item in value])
        else:
            data[name] = str(value)
    return data


def page_from_result(result: ListResult, requested_page: int) -> ApiPage:
    """The pipeline shows the last page for a page past the end; an API client asked for that page."""
    items = list(result.page.object_list) if result.page.number == requested_page else []
    return ApiPage(
        items=items,
        count=result.count,
        page=requested_page,
        page_size=result.page_size,
        count_is_estimate=result.count_is_estimate,
    )


def paginate(queryset: QuerySet, *, page: int, page_size: int) -> ApiPage:
    """Page a queryset that has no list spec of its own."""
    paginator = Paginator(queryset, page_size)
    try:
        items = list(paginator.page(page).object_list)
    except EmptyPage:
        items = []
    return ApiPage(items=items, count=paginator.count, page=page, page_size=page_size)
