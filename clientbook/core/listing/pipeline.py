"""The list pipeline: one spec per listable model serves the page, its htmx fragment and the API.

``run_list`` applies permission restriction, the search box, the advanced filters, sorting and
paging in that order, for every caller, so the web list and ``GET /api/v1/<plural>`` can never
disagree about what a user sees.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import django_filters
import django_tables2 as tables
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.paginator import EmptyPage, Page
from django.db.models import Model, QuerySet
from django.urls import reverse

from clientbook.core.listing.columns import ExportField
from clientbook.core.listing.paging import IndexedPaginator
from clientbook.core.permissions import can

_REGISTRY: dict[str, "ListSpec"] = {}


@dataclass(frozen=True)
class BulkAction:
    """An action on the rows selected in a list (``clientbook.core.records.bulk``): a button of its bulk bar
    opening the form at ``url_name``, offered to users holding ``permission`` on the model."""

    key: str
    label: str
    icon: str
    url_name: str
    permission: str = "change"
    # ``run(user, selection, values)`` does it through the model's services and returns the
    # ``BulkOperation``; ``fields`` names the values it takes. An action that can run is offered by
    # the model's API too (``POST /api/v1/<slug>/bulk``).
    run: Callable[[Any, Any, Mapping[str, Any]], Any] | None = None
    fields: tuple[str, ...] = ()


@dataclass(frozen=True)
class RowAction:
    """An icon button at the end of each list row (``core/table.html``), offered to users holding
    ``permission`` on the model: a link to ``url_name`` with the row's ``url_field`` as the URL's
    argument of that name, which htmx opens in the modal (a confirmation, a form)."""

    key: str
    label: str
    icon: str
    url_name: str
    permission: str
    url_field: str = "code"
    # Whether ``user`` may run it on this record beyond the role (a converted lead is deleted by nobody):
    # the row shows no button rather than one that is refused.
    allowed: Callable[[Any, Model], bool] | None = None

    def url_for(self, record: Model) -> str:
        return reverse(self.url_name, kwargs={self.url_field: getattr(record, self.url_field)})

    def allows(self, user: Any, record: Model) -> bool:
        return self.allowed is None or self.allowed(user, record)


@dataclass(frozen=True)
class ListSpec:
    """What a model declares to get a list page, a results fragment and an API list endpoint."""

    key: str
    model: type[Model]
    queryset: Callable[[Any], QuerySet]
    filterset: type[django_filters.FilterSet]
    table: type[tables.Table]
    sort_fields: Mapping[str, tuple[str, ...]]
    default_sort: str
    default_columns: tuple[str, ...]
    url_namespace: str
    title: str
    detail_url_name: str | None = None
    create_url_name: str | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)
    # What the list's Export offers (clientbook.core.exports.engine); a list without fields has no export.
    export_fields: tuple[ExportField, ...] = ()
    # The format the Export dialog preselects (an ``ExportJob.Format`` value).
    export_format: str = "csv"
    # Actions on selected rows; a list with any shows a checkbox column and a bulk bar to who may run them.
    bulk_actions: tuple[BulkAction, ...] = ()
    # Buttons at the end of each row (delete …); the server checks the permission again on every request.
    row_actions: tuple[RowAction, ...] = ()
    # Rows per page until the user picks another size (None: ``CLIENTBOOK_DEFAULT_PAGE_SIZE``).
    per_page: int | None = None
    # Count exactly, never from a sample: a list fixed to one parent (a customer's timeline), whose rows
    # the parent's index holds, counts its rows faster than the sample that would estimate them.
    exact_count: bool = False
    # A single-choice filter shown as a row of chips above the rows instead of in the filter panel.
    chip_filter: str = ""

    @property
    def default_per_page(self) -> int:
        return self.per_page or int(settings.CLIENTBOOK_DEFAULT_PAGE_SIZE)

    # What the search box finds, for its placeholder: "code, name, email, phone".
    search_hint: str = ""

    @property
    def preference_key(self) -> str:
        return f"list:{self.key}"

    def row_actions_for(self, user: Any) -> list[RowAction]:
        """The row actions ``user`` may run; none means the list has no actions column."""
        return [action for action in self.row_actions if can(user, action.permission, self.model)]


def register(spec: ListSpec) -> ListSpec:
    _REGISTRY[spec.key] = spec
    return spec


def get_spec(key: str) -> ListSpec:
    return _REGISTRY[key]


def all_specs() -> list[ListSpec]:
    return list(_REGISTRY.values())


class InvalidListQuery(Exception):
    """The query string asked for something invalid; ``errors`` maps parameter to message.

    ``filterset`` is set when the filters were at fault, so a page can show each message next to
    its field.
    """

    def __init__(self, errors: dict[str, str], *, filterset: django_filters.FilterSet | None = None) -> None:
        super().__init__("Invalid list query")
        self.errors = errors
        self.filterset = filterset


@dataclass
class ListResult:
    queryset: QuerySet
    page: Page
    count: int
    sort: str
    page_size: int
    filterset: django_filters.FilterSet
    # The count is the paginator's estimate (clientbook.core.listing.counting); the user must be told so.
    count_is_estimate: bool = False

    @property
    def first_index(self) -> int:
        return self.page.start_index() if self.count else 0

    @property
    def last_index(self) -> int:
        return self.page.end_index() if self.count else 0

    @property
    def past_end(self) -> bool:
        """The page asked for lies past the last row, which an estimated count did not know."""
        return bool(getattr(self.page, "past_end", False))


def page_size_from(value: Any, *, allowed: list[int] | None = None, maximum: int = 100) -> int:
    """Parse a page size: one of ``allowed`` (web) or any value from 1 to ``maximum`` (API)."""
    try:
        size = int(value) if value not in (None, "") else settings.CLIENTBOOK_DEFAULT_PAGE_SIZE
    except (TypeError, ValueError):
        raise InvalidListQuery({"page_size": "Must be a whole number."}) from None
    if allowed is not None and size not in allowed:
        raise InvalidListQuery({"page_size": f"Must be one of {', '.join(map(str, allowed))}."})
    if not 1 <= size <= maximum:
        raise InvalidListQuery({"page_size": f"Must be between 1 and {maximum}."})
    return size


def order_by_for(spec: ListSpec, sort: str | None) -> tuple[str, tuple[str, ...]]:
    """Translate a public ``sort`` value (``name``, ``-balance``) into ORDER BY expressions."""
    sort = (sort or spec.default_sort).strip()
    descending = sort.startswith("-")
    name = sort.lstrip("-")
    if name not in spec.sort_fields:
        choices = ", ".join(sorted(spec.sort_fields))
        raise InvalidListQuery({"sort": f"Cannot sort by “{name}”; choose one of {choices}."})
    expressions = tuple(_reversed(expr) if descending else expr for expr in (*spec.sort_fields[name], "pk"))
    return sort, expressions


def _reversed(expression: str) -> str:
    return expression[1:] if expression.startswith("-") else "-" + expression


def filtered_queryset(spec: ListSpec, user: Any, params: Mapping[str, Any]) -> tuple[QuerySet, Any]:
    """The restricted, searched and filtered queryset (no ordering), or ``InvalidListQuery``."""
    filterset = spec.filterset(params, queryset=spec.queryset(user))
    # Filters that depend on who asks (``kit.filters.SensitiveExactFilter``) read it here.
    filterset.user = user
    if filterset.is_valid():
        _refuse_unusable_filters(filterset, user)
        if filterset.is_valid():
            try:
                return filterset.qs, filterset
            except ValidationError:
                pass
    # Report every refused value at once, those refused while filtering included.
    _record_filtering_errors(filterset)
    errors = {name: " ".join(str(message) for message in messages) for name, messages in filterset.errors.items()}
    raise InvalidListQuery(errors, filterset=filterset)


NO_FILTER_VALUES: tuple[Any, ...] = (None, "", [], ())


def _refuse_unusable_filters(filterset: django_filters.FilterSet, user: Any) -> None:
    """A filter with ``shown_to(user)`` false (another app's on this list, a sensitive value's look-up)
    is refused when given a value, with its ``refusal`` or a sentence naming it, so its answer tells
    nothing to who may not use it."""
    for name, list_filter in filterset.filters.items():
        shown_to = getattr(list_filter, "shown_to", None)
        if shown_to is None or shown_to(user) or filterset.form.cleaned_data.get(name) in NO_FILTER_VALUES:
            continue
        refusal = getattr(list_filter, "refusal", "") or f"You may not filter by {str(list_filter.label).lower()}."
        filterset.form.add_error(name, refusal)


def _record_filtering_errors(filterset: django_filters.FilterSet) -> None:
    """Put errors raised while filtering (a malformed code, a phone without digits) on their fields.

    Such filters refuse a value only when applied, and django-filter does not say which one did,
    so each is applied alone; that builds querysets without running them.
    """
    for name, value in list(filterset.form.cleaned_data.items()):
        try:
            filterset.filters[name].filter(filterset.queryset.all(), value)
        except ValidationError as error:
            filterset.form.add_error(name, error)


def run_list(
    spec: ListSpec,
    user: Any,
    params: Mapping[str, Any],
    *,
    page_size: int,
    page_number: Any = 1,
) -> ListResult:
    queryset, filterset = filtered_queryset(spec, user, params)
    sort, ordering = order_by_for(spec, params.get("sort"))
    queryset = queryset.order_by(*ordering)
    limit = None if spec.exact_count else settings.CLIENTBOOK_EXACT_COUNT_LIMIT
    paginator = IndexedPaginator(queryset, page_size, exact_count_limit=limit)
    try:
        number = int(page_number or 1)
    except (TypeError, ValueError):
        raise InvalidListQuery({"page": "Must be a whole number."}) from None
    if number < 1:
        raise InvalidListQuery({"page": "Must be 1 or more."})
    try:
        page = paginator.page(number)
    except EmptyPage:
        page = paginator.page(paginator.num_pages)
    # Read after the page: a page that reaches the last row turns an estimated count into the exact one.
    return ListResult(
        queryset=queryset,
        page=page,
        count=paginator.count,
        sort=sort,
        page_size=page_size,
        filterset=filterset,
        count_is_estimate=paginator.count_is_estimate,
    )
