"""Universal search: one query over every searchable spec the user may view.

The Ctrl+K palette, the ``/search/`` page and ``GET /api/v1/search`` all read ``universal_search``.
Each group is one spec's list searched as its own list page searches it (its FilterSet's ``q``
through the search index, its default sort, the user's rows only), reading ``per_group + 1`` rows
and never counting: a common term over a million rows costs one short page per spec. A query
equal to one of a spec's ``identifier_fields`` (a code, an e-mail address, a phone number in any
format) finds its records by their own indexes, first in the group and marked ``exact``.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.db.models.lookups import Exact
from django.urls import reverse
from django_filters import FilterSet
from phonenumber_field.modelfields import PhoneNumberField

from clientbook.core.kit.registration import record_url
from clientbook.core.kit.spec import ModelSpec, all_specs
from clientbook.core.listing import pipeline as listing
from clientbook.core.listing.search import search_terms
from clientbook.core.permissions import can
from clientbook.core.phones import typed_e164

PER_GROUP = 5
# As the lists' search box: every word becomes a condition, and the databases limit those.
MAX_QUERY_LENGTH = 200
# A spec without a sidebar entry comes after those with one.
UNLISTED_ORDER = 1_000


@dataclass(frozen=True)
class SearchResult:
    kind: str
    title: str
    short_name: str
    subtitle: str
    url: str
    exact: bool


@dataclass(frozen=True)
class SearchGroup:
    kind: str
    title: str
    results: tuple[SearchResult, ...]
    # More rows match than ``results`` holds (they were not counted): the list page shows them all.
    more: bool
    see_all_url: str


@dataclass(frozen=True)
class UniversalResults:
    query: str
    groups: tuple[SearchGroup, ...]

    @property
    def exact(self) -> SearchResult | None:
        """The record the query names exactly, from the first group that has one: Enter opens it."""
        return next((result for group in self.groups for result in group.results if result.exact), None)


def clean_query(query: str | None) -> str:
    """The query without surrounding spaces; ``ValidationError`` on ``q`` when it is empty or too long."""
    text = (query or "").strip()
    if not text:
        raise ValidationError({"q": "Type something to search for."}, code="required")
    if len(text) > MAX_QUERY_LENGTH:
        raise ValidationError(
            {"q": f"A search has at most {MAX_QUERY_LENGTH} characters (this one has {len(text):,})."},
            code="max_length",
        )
    return text


def searchable_specs(user: Any) -> list[ModelSpec]:
    """The specs with a search index and a list that ``user`` may view, in sidebar order."""
    specs = [
        spec
        for spec in all_specs()
        if spec.has_search and spec.filterset is not None and spec.table is not None and can(user, "view", spec.model)
    ]
    specs.sort(key=lambda spec: (spec.nav.order if spec.nav else UNLISTED_ORDER, spec.title))
    return specs


def universal_search(user: Any, query: str, *, per_group: int = PER_GROUP) -> UniversalResults:
    """Up to ``per_group`` results of each spec ``user`` may view, exact identifiers first; groups
    without results are left out. ``query`` is cleaned first (``clean_query``)."""
    text = clean_query(query)
    if not search_terms(text):
        # Only marks that normalise to nothing (a lone accent): no term, so no filter, so no search.
        return UniversalResults(query=text, groups=())
    groups = [group for spec in searchable_specs(user) if (group := _group(spec, user, text, per_group)).results]
    return UniversalResults(query=text, groups=tuple(groups))


def _group(spec: ModelSpec, user: Any, query: str, per_group: int) -> SearchGroup:
    exact = _exact_rows(spec, user, query, per_group)
    exact_pks = {row.pk for row in exact}
    found = [row for row in _searched_rows(spec, user, query, per_group + 1) if row.pk not in exact_pks]
    rows = [*((row, True) for row in exact), *((row, False) for row in found)]
    return SearchGroup(
        kind=spec.slug,
        title=spec.nav.label if spec.nav and spec.nav.label else spec.title,
        results=tuple(_result(spec, row, is_exact) for row, is_exact in rows[:per_group]),
        more=len(rows) > per_group,
        see_all_url=f"{reverse(spec.url_name('list'))}?{urlencode({'q': query})}",
    )


def _searched_rows(spec: ModelSpec, user: Any, query: str, limit: int) -> list[Any]:
    """The first ``limit`` rows of the spec's list searched for ``query``, in the list's default order."""
    list_spec = listing.get_spec(spec.slug)
    filterset = _search_only(list_spec.filterset)({"q": query}, queryset=_rows_only(list_spec.queryset(user)))
    if not filterset.is_valid():
        raise ValidationError({"q": [str(message) for message in filterset.errors.get("q", ["Invalid search."])]})
    _, ordering = listing.order_by_for(list_spec, None)
    return list(filterset.qs.order_by(*ordering)[:limit])


# Built once per FilterSet class: a class per search would be as costly as the full FilterSet.
_SEARCH_ONLY: dict[type[FilterSet], type[FilterSet]] = {}


def _search_only(filterset: type[FilterSet]) -> type[FilterSet]:
    """The list's FilterSet with its ``q`` filter alone: the same search, without building the form
    fields of every other filter (a country's 250 choices) for each group of each search."""
    if filterset not in _SEARCH_ONLY:
        searching: type[FilterSet] = type(filterset.__name__, (filterset,), {})
        searching.base_filters = {"q": filterset.base_filters["q"]}
        _SEARCH_ONLY[filterset] = searching
    return _SEARCH_ONLY[filterset]


def _rows_only(queryset: models.QuerySet) -> models.QuerySet:
    """``queryset`` without its prefetches (a customer's labels): a result shows a name, a code and a subtitle."""
    return queryset.prefetch_related(None)


def _exact_rows(spec: ModelSpec, user: Any, query: str, limit: int) -> list[Any]:
    """The user's rows whose identifier equals ``query``, each identifier read through its index."""
    conditions = [
        condition
        for name in spec.identifier_fields
        if (condition := identifier_condition(spec, name, query)) is not None
    ]
    if not conditions:
        return []
    if _is_soft_deletable(spec.model):
        # The identifiers' indexes hold live rows only; SQLite uses such a partial index for a branch
        # of an OR only when the branch itself says "live" (else it scans the table: 45 ms at 1,000,000).
        conditions = [Q(deleted_at__isnull=True) & condition for condition in conditions]
    # No ORDER BY: an order would invite the planner to walk the primary key instead of the identifiers' indexes.
    rows = list(_rows_only(spec.get_queryset(user)).filter(_any(conditions)).order_by()[:limit])
    return sorted(rows, key=lambda row: row.pk)


def identifier_condition(spec: ModelSpec, name: str, query: str) -> Q | None:
    """The condition "``name`` is ``query``" as the field stores it, or None when it cannot be.

    A phone number is compared in E.164 (typed in any format, read in the default region), an
    e-mail address in lower case (the ``Lower(email)`` index), the code in upper case; any other
    field as typed.
    """
    try:
        field = spec.model._meta.get_field(name)
    except FieldDoesNotExist as missing:
        raise LookupError(f"{spec.label} declares the identifier {name!r}, which it has no field for.") from missing
    if isinstance(field, PhoneNumberField):
        number = typed_e164(query)
        return Q(**{name: number}) if number else None
    if isinstance(field, models.EmailField):
        return Q(Exact(Lower(name), query.lower())) if "@" in query else None
    if name == spec.lookup:
        return Q(**{name: spec.lookup_value(query)})
    try:
        value = field.to_python(query)  # type: ignore[union-attr]
    except ValidationError:
        return None
    return Q(**{name: value})


def _is_soft_deletable(model: type[models.Model]) -> bool:
    try:
        model._meta.get_field("deleted_at")
    except FieldDoesNotExist:
        return False
    return True


def _any(conditions: Iterable[Q]) -> Q:
    combined = Q()
    for condition in conditions:
        combined |= condition
    return combined


def _result(spec: ModelSpec, row: Any, exact: bool) -> SearchResult:
    return SearchResult(
        kind=spec.slug,
        title=spec.describe(row),
        short_name=spec.short_name(row) if spec.short_name is not None else "",
        subtitle=spec.subtitle_of(row),
        url=record_url(spec, "detail", row),
        exact=exact,
    )
