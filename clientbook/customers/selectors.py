"""Reads with logic: the customer queryset every list, search, export and API call starts from."""

from typing import Any

from django.db.models import QuerySet

from clientbook.core.permissions import restrict
from clientbook.core.search import apply_search, search_terms
from clientbook.customers.models import CODE_PREFIX, Customer, Label

FTS_TABLE = "customers_customer_fts"
# Columns with an index on live rows in list order, ``(column, id)`` (migration 0003): a page
# sorted by one of them can walk the index instead of sorting every match.
LIVE_SORT_INDEXES = frozenset(
    {
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
    }
)


def customer_queryset(user: Any) -> QuerySet[Customer]:
    """Live customers ``user`` may view, with what list rows show loaded in few queries."""
    return restrict(user, "view", Customer.objects.select_related("officer", "organization")).prefetch_related("labels")


def customer_queryset_with_deleted(user: Any) -> QuerySet[Customer]:
    """Live and deleted customers ``user`` may view (callers check that ``user`` may see deleted ones)."""
    queryset = Customer.all_objects.select_related("officer", "organization")
    return restrict(user, "view", queryset).prefetch_related("labels")


def search_customers(queryset: QuerySet[Customer], query: str, *, include_deleted: bool = False) -> QuerySet[Customer]:
    """Customers of ``queryset`` matching every term of ``query``.

    The search index holds live rows only; with ``include_deleted`` deleted rows of ``queryset``
    are matched by their document's text as well (few rows, read through their partial index).
    """
    live = apply_search(queryset, query, fts_table=FTS_TABLE, sort_indexes=LIVE_SORT_INDEXES, code_prefix=CODE_PREFIX)
    if not include_deleted:
        return live
    deleted = queryset.filter(deleted_at__isnull=False)
    for term in search_terms(query):
        deleted = deleted.filter(search_document__contains=term)
    return live.filter(deleted_at__isnull=True) | deleted


def label_queryset(user: Any) -> QuerySet[Label]:
    return restrict(user, "view", Label.objects.all())


def get_customer(user: Any, code: str) -> Customer:
    """The live customer with ``code`` that ``user`` may view (raises ``Customer.DoesNotExist``)."""
    return customer_queryset(user).get(code=code.strip().upper())
