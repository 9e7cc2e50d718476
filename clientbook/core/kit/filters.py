"""Filters every kit list can use: the search box over the model's search index."""

from typing import Any

import django_filters
from django.db.models import QuerySet

from clientbook.core.listing.search import apply_search


class SearchFilter(django_filters.CharFilter):
    """``q``: every term must be in the row's search document (the index ``CreateSearchIndex`` made)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label", "Search")
        super().__init__(*args, **kwargs)

    def filter(self, qs: QuerySet, value: str) -> QuerySet:
        if not value:
            return qs
        return apply_search(qs, value, sort_indexes=("sort_name",))
