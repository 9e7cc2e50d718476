"""The generic list page: one view class serves every ``ListSpec``'s page and its htmx results fragment.

A model gets its list page with ``SpecListView.as_view(spec=SPEC)``. The page state (search, filters,
sort, page, page size, visible columns) lives in the query string; the column and page-size choices are
also remembered per user. One template, ``core/list.html``, renders the whole page and, for htmx
requests aimed at the results container, only its ``results`` partial.
"""

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import urlencode

import django_filters
from django import forms
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Page
from django.http import HttpRequest, HttpResponse, HttpResponseBase, QueryDict
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, reverse
from django.utils.cache import patch_vary_headers
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.views import View
from django_tables2 import Table

from clientbook.core.imports import engine as imports
from clientbook.core.listing.pipeline import (
    InvalidListQuery,
    ListResult,
    ListSpec,
    order_by_for,
    page_size_from,
    run_list,
)
from clientbook.core.permissions import can
from clientbook.core.web.operations import SELECT_COLUMN, BulkBar, bulk_bar, select_column
from clientbook.core.web.preferences import ListPreferences, load_list_preferences, remember_list_choices

RESULTS_ID = "results"
FILTER_ID = "filter_%s"
SEARCH_PARAM = "q"
# Sent by the Columns menu alone: only the user's own choice there replaces their saved columns.
SAVE_COLUMNS_PARAM = "save_columns"
PAGE_WINDOW = 2  # page links shown on each side of the current page
RANGE_SUFFIXES = (("_min", "_max"), ("_after", "_before"))
RANGE_LABEL_ENDINGS = (" from", " after", " min", " minimum")


@dataclass(frozen=True)
class ColumnChoice:
    name: str
    label: str
    visible: bool
    default: bool


@dataclass(frozen=True)
class HeaderCell:
    """One column heading: its bound column, and where clicking it leads when it can sort."""

    column: Any
    url: str = ""
    direction: str = ""  # "asc", "desc" or "" when the list is not sorted by this column

    @property
    def sortable(self) -> bool:
        return bool(self.url)


@dataclass(frozen=True)
class PageLink:
    number: int | None  # None marks the gap ("…") between distant pages
    url: str = ""
    current: bool = False


@dataclass(frozen=True)
class Chip:
    """One choice of the list's ``chip_filter`` ("All" first): a link to the list with that choice."""

    label: str
    url: str
    active: bool


@dataclass(frozen=True)
class SortChoice:
    """One order of a list shown as rows rather than a table (a parent's tab), for its Sort menu."""

    value: str
    label: str
    selected: bool


@dataclass(frozen=True)
class FilterCell:
    """A group in the advanced-search panel: one field, or a from/to pair shown under one label."""

    label: str
    fields: tuple[forms.BoundField, ...]
    kind: str  # "single", "select", "range" or "checks"
    options_html: str = ""  # the <option> elements of a "select" cell

    @property
    def errors(self) -> list[str]:
        return [str(error) for bound in self.fields for error in bound.errors]


@dataclass(frozen=True)
class ListQuery:
    """The page state as it appears in the URL; ``url()`` builds links that change one part of it.

    Only what differs from the defaults is written, so URLs stay short and bookmarkable.
    """

    path: str
    filter_params: tuple[tuple[str, str], ...]
    sort: str
    per_page: int
    columns: tuple[str, ...]
    page: int
    default_sort: str
    default_columns: tuple[str, ...]
    default_per_page: int = settings.CLIENTBOOK_DEFAULT_PAGE_SIZE

    def url(
        self,
        *,
        sort: str | None = None,
        page: int | None = None,
        per_page: int | None = None,
        columns: Sequence[str] | None = None,
        filter_params: Iterable[tuple[str, str]] | None = None,
    ) -> str:
        params = list(self.filter_params if filter_params is None else filter_params)
        sort = self.sort if sort is None else sort
        per_page = self.per_page if per_page is None else per_page
        columns = tuple(self.columns if columns is None else columns)
        page = self.page if page is None else page
        if sort != self.default_sort:
            params.append(("sort", sort))
        if per_page != self.default_per_page:
            params.append(("per_page", str(per_page)))
        if columns != self.default_columns:
            params.append(("columns", ",".join(columns)))
        if page > 1:
            params.append(("page", str(page)))
        return f"{self.path}?{urlencode(params)}" if params else self.path

    @property
    def search_params(self) -> tuple[tuple[str, str], ...]:
        return tuple((name, value) for name, value in self.filter_params if name == SEARCH_PARAM)

    @property
    def active_filter_names(self) -> list[str]:
        return list(dict.fromkeys(name for name, _ in self.filter_params if name != SEARCH_PARAM))


@dataclass
class ListPage:
    """Everything the list template shows, computed from one request."""

    spec: ListSpec
    query: ListQuery
    search: str
    form: forms.Form
    filter_cells: list[FilterCell]
    column_choices: list[ColumnChoice]
    notices: list[str] = field(default_factory=list)
    filter_errors: dict[str, str] = field(default_factory=dict)
    result: ListResult | None = None
    table: Table | None = None
    header_cells: list[HeaderCell] = field(default_factory=list)
    page_links: list[PageLink] = field(default_factory=list)
    create_url: str | None = None
    # The "Add" button of a parent's tab ("Add contact", "Log a call").
    add_label: str = ""
    import_url: str | None = None
    bulk: BulkBar | None = None
    # Filters the page fixes (a parent's tab: its record), neither shown nor in its links, sent to exports.
    fixed: tuple[tuple[str, str], ...] = ()
    chips: list[Chip] = field(default_factory=list)
    # A list shown as rows (a parent's tab with its own row template): the rows and their orders.
    row_template: str = ""
    rows: list[Any] = field(default_factory=list)
    sort_choices: list[SortChoice] = field(default_factory=list)

    @property
    def chip_value(self) -> str:
        name = self.spec.chip_filter
        return next((value for key, value in self.query.filter_params if key == name), "")

    @property
    def export_query(self) -> str:
        """The list's state as the export dialog reads it: its search, filters and fixed filters."""
        return urlencode([*self.query.filter_params, *self.fixed, ("sort", self.query.sort)])

    @property
    def page(self) -> Page | None:
        return self.result.page if self.result else None

    @property
    def count(self) -> int:
        return self.result.count if self.result else 0

    @property
    def filter_count(self) -> int:
        return len(self.query.active_filter_names)

    @property
    def filters_open(self) -> bool:
        return bool(self.filter_count or self.filter_errors)

    @property
    def current_url(self) -> str:
        return self.query.url()

    @property
    def clear_filters_url(self) -> str:
        return self.query.url(filter_params=self.query.search_params, page=1)

    @property
    def clear_all_url(self) -> str:
        return self.query.url(filter_params=(), page=1)

    @property
    def reset_columns_url(self) -> str:
        """The default columns, saved as the user's choice (the menu's link, followed without JavaScript)."""
        base = self.query.url(columns=self.query.default_columns)
        choice = urlencode([("columns", ",".join(self.query.default_columns)), (SAVE_COLUMNS_PARAM, "1")])
        return f"{base}{'&' if '?' in base else '?'}{choice}"

    @property
    def previous_url(self) -> str:
        return self.query.url(page=self.page.previous_page_number()) if self.page and self.page.has_previous() else ""

    @property
    def next_url(self) -> str:
        return self.query.url(page=self.page.next_page_number()) if self.page and self.page.has_next() else ""

    @property
    def plural(self) -> str:
        return str(self.spec.model._meta.verbose_name_plural)

    @property
    def singular(self) -> str:
        return str(self.spec.model._meta.verbose_name)

    @property
    def count_is_estimate(self) -> bool:
        return bool(self.result and self.result.count_is_estimate)

    @property
    def past_end(self) -> bool:
        return bool(self.result and self.result.past_end)

    @property
    def count_text(self) -> str:
        """``1,234``, or ``about 87,000`` when the count is an estimate."""
        return f"about {self.count:,}" if self.count_is_estimate else f"{self.count:,}"

    @property
    def first_page_url(self) -> str:
        return self.query.url(page=1)

    @property
    def total_text(self) -> str:
        noun = self.singular if self.count == 1 and not self.count_is_estimate else self.plural
        return f"{self.count_text} {noun}"

    @property
    def page_sizes(self) -> list[int]:
        return list(settings.CLIENTBOOK_PAGE_SIZES)

    @property
    def range_text(self) -> str:
        """``21–40 of 1,234``, ``21–40 of about 87,000`` (or ``0 customers``)."""
        if not self.result or not self.count:
            return f"0 {self.plural}"
        if self.past_end:
            return self.total_text
        return f"{self.result.first_index:,}–{self.result.last_index:,} of {self.count_text}"


class SpecListView(View):
    """The list page of ``spec``; anonymous users go to the login page, users without the view right get 403."""

    spec: ListSpec | None = None
    template_name = "core/list.html"
    http_method_names = ["get", "head", "options"]

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        assert self.spec is not None, "SpecListView.as_view(spec=...) needs a ListSpec"
        if not can(request.user, "view", self.spec.model):
            raise PermissionDenied(f"Your role may not view {self.spec.model._meta.verbose_name_plural}.")
        return super().dispatch(request, *args, **kwargs)

    def get_template_names(self) -> list[str]:
        assert self.spec is not None
        meta = self.spec.model._meta
        return [f"{meta.app_label}/{meta.model_name}_list.html", self.template_name]

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        assert self.spec is not None
        results_only = wants_results_only(request)
        listing = build_list_page(self.spec, request, with_filter_panel=not results_only)
        templates = self.get_template_names()
        if results_only:
            templates = [f"{name}#results" for name in templates]
        context = {"listing": listing, "spec": self.spec, "oob": results_only, "results_id": RESULTS_ID}
        response = TemplateResponse(request, templates, context)
        if results_only:
            canonical = listing.query.url(page=listing.page.number if listing.page else 1)
            if request.htmx.current_url_abs_path != canonical:  # type: ignore[attr-defined]
                response["HX-Push-Url"] = canonical
        patch_vary_headers(response, ("HX-Request", "HX-Target"))
        return response


def wants_results_only(request: HttpRequest) -> bool:
    """An htmx request that will swap the results container gets only the ``results`` partial.

    Any other htmx request (a history restore, a boosted link) needs the whole page.
    """
    htmx = getattr(request, "htmx", None)
    if not htmx:
        return False
    return not htmx.history_restore_request and htmx.target == RESULTS_ID


def build_list_page(
    spec: ListSpec,
    request: HttpRequest,
    *,
    with_filter_panel: bool = True,
    fixed: Mapping[str, str] | None = None,
) -> ListPage:
    """The page's content; without the filter panel (a results-only response) its choice lists are not loaded.

    ``fixed``: filter values the page sets itself (a parent's tab: ``{"customer": "CUST0000001"}``),
    left out of the panel and of the page's links, applied and handed to exports.
    """
    fixed = dict(fixed or {})
    user = request.user
    data = request.GET
    notices: list[str] = []
    choices = columns_for(spec, user)
    known = [name for name, _ in choices]
    stored = load_list_preferences(user, spec.preference_key)

    requested_columns = _requested_columns(data, known)
    requested_per_page = _requested_page_size(data, notices)
    # A link's columns show a view without replacing the user's own: a bookmark or a shared link
    # (one with a typo in it) must not change every later visit.
    chosen_columns = requested_columns if data.get(SAVE_COLUMNS_PARAM) else None
    if chosen_columns is not None or requested_per_page is not None:
        # Like NetBox's per_page, the choice is remembered when it is made: the next visit without
        # these parameters shows the same columns and page size.
        stored = remember_list_choices(
            user, spec.preference_key, stored, columns=chosen_columns, per_page=requested_per_page
        )
    columns = requested_columns or _stored_columns(stored, known) or _known(spec.default_columns, known)
    per_page = requested_per_page or _stored_page_size(stored, spec.default_per_page)
    sort = _requested_sort(spec, data, notices)
    page_number = _requested_page(data, notices)

    query = ListQuery(
        path=request.path,
        filter_params=tuple((name, value) for name, value in _filter_params(spec, data) if name not in fixed),
        sort=sort,
        per_page=per_page,
        columns=columns,
        page=page_number,
        default_sort=spec.default_sort,
        default_columns=_known(spec.default_columns, known),
        default_per_page=spec.default_per_page,
    )
    # The list is computed from the same cleaned state as its URL: blank fields (every empty input
    # of the submitted form) mean "no filter", never an invalid choice.
    params = QueryDict(mutable=True)
    for name, value in query.filter_params:
        params.appendlist(name, value)
    for name, value in fixed.items():
        params[name] = value
    params["sort"] = sort
    result: ListResult | None = None
    filter_errors: dict[str, str] = {}
    try:
        result = run_list(spec, user, params, page_size=per_page, page_number=page_number)
        filterset = result.filterset
    except InvalidListQuery as error:
        filter_errors = error.errors
        filterset = error.filterset if error.filterset is not None else spec.filterset(data)
    # Filter fields get ids of their own: a create form opened in the modal on the same page has fields
    # of the same names, whose labels would otherwise point at the filters.
    filterset.form.auto_id = FILTER_ID
    if with_filter_panel:
        style_filter_form(filterset, spec)

    listing = ListPage(
        spec=spec,
        query=query,
        search=data.get(SEARCH_PARAM, "").strip(),
        form=filterset.form,
        filter_cells=filter_cells(filterset.form, leave_out={*fixed, spec.chip_filter, *_unusable(filterset, user)})
        if with_filter_panel
        else [],
        column_choices=[
            ColumnChoice(name, label, visible=name in columns, default=name in query.default_columns)
            for name, label in choices
        ],
        notices=notices,
        filter_errors=filter_errors,
        result=result,
        create_url=_create_url(spec, user),
        import_url=_import_url(spec, user),
        bulk=None if fixed else bulk_bar(spec, user, query.filter_params),
        fixed=tuple(fixed.items()),
    )
    listing.chips = chips(spec, filterset.form, query)
    if result is not None:
        query = replace(query, page=result.page.number)
        listing.query = query
        hidden = [name for name, _ in available_columns(spec) if name not in columns]
        listing.table = _table(spec, result, exclude=hidden, bulk=listing.bulk)
        listing.header_cells = header_cells(spec, listing.table, query)
        # Past the real end of an estimated count, the pages after this one are known to be empty.
        last_page = result.page.number if result.past_end else result.page.paginator.num_pages
        listing.page_links = page_links(result.page.number, last_page, query)
    return listing


def chips(spec: ListSpec, form: forms.Form, query: ListQuery) -> list[Chip]:
    """ "All", then one link per choice of the spec's ``chip_filter``, each keeping the rest of the list's state."""
    name = spec.chip_filter
    if not name or name not in form.fields:
        return []
    others = [(key, value) for key, value in query.filter_params if key != name]
    current = next((value for key, value in query.filter_params if key == name), "")
    choices = [(str(value), str(label)) for value, label in form.fields[name].choices if str(value)]  # type: ignore[attr-defined]
    return [
        Chip("All", query.url(filter_params=others, page=1), active=not current),
        *(
            Chip(label, query.url(filter_params=[*others, (name, value)], page=1), active=current == value)
            for value, label in choices
        ),
    ]


def sort_choices(spec: ListSpec, query: ListQuery) -> list[SortChoice]:
    """Each sortable column in both directions, for a list whose rows have no headings to click."""
    headings = dict(available_columns(spec))
    choices = []
    for name in spec.sort_fields:
        heading = headings.get(name, name.replace("_", " ").capitalize())
        for value, arrow in ((name, "↑"), (f"-{name}", "↓")):
            choices.append(SortChoice(value, f"{heading} {arrow}", selected=query.sort == value))
    return choices


def _table(spec: ListSpec, result: ListResult, *, exclude: list[str], bulk: BulkBar | None) -> Table:
    """The page's table; with a bulk bar, a checkbox column comes first."""
    rows = list(result.page.object_list)
    if bulk is None:
        return spec.table(rows, exclude=exclude)
    return spec.table(
        rows,
        exclude=exclude,
        extra_columns=[(SELECT_COLUMN, select_column(spec))],
        sequence=(SELECT_COLUMN, *(name for name, _ in available_columns(spec))),
    )


_TABLE_COLUMNS: dict[type, list[tuple[str, str]]] = {}


def available_columns(spec: ListSpec) -> list[tuple[str, str]]:
    """``(name, heading)`` of every column the spec's table can show, in table order."""
    # A table class's columns are fixed by its code; building a table to read them costs milliseconds.
    if spec.table not in _TABLE_COLUMNS:
        columns = spec.table([]).columns.iterall()
        _TABLE_COLUMNS[spec.table] = [(column.name, str(column.header)) for column in columns]
    return list(_TABLE_COLUMNS[spec.table])


def columns_for(spec: ListSpec, user: Any) -> list[tuple[str, str]]:
    """The columns ``user`` may show: those another app added for some users only (``shown_to``) left out."""
    base_columns = spec.table.base_columns
    return [
        (name, heading)
        for name, heading in available_columns(spec)
        if getattr(base_columns.get(name), "shown_to", lambda user: True)(user)
    ]


def _known(names: Iterable[str], known: list[str]) -> tuple[str, ...]:
    wanted = set(names)
    return tuple(name for name in known if name in wanted)


def _requested_columns(data: QueryDict, known: list[str]) -> tuple[str, ...] | None:
    """Columns named in ``columns`` (comma-separated or repeated); None when absent or naming none we know."""
    names = [name.strip() for value in data.getlist("columns") for name in value.split(",")]
    return _known(names, known) or None


def _stored_columns(stored: ListPreferences, known: list[str]) -> tuple[str, ...] | None:
    if not stored.columns:
        return None
    return _known(stored.columns, known) or None


def _requested_page_size(data: QueryDict, notices: list[str]) -> int | None:
    raw = data.get("per_page", "").strip()
    if not raw:
        return None
    try:
        return page_size_from(raw, allowed=list(settings.CLIENTBOOK_PAGE_SIZES))
    except InvalidListQuery:
        sizes = ", ".join(str(size) for size in settings.CLIENTBOOK_PAGE_SIZES)
        notices.append(f"“{raw}” is not a page size; choose {sizes}. Showing the usual page size instead.")
        return None


def _stored_page_size(stored: ListPreferences, default: int) -> int:
    if stored.per_page in settings.CLIENTBOOK_PAGE_SIZES:
        return stored.per_page  # type: ignore[return-value]
    return default


def _requested_sort(spec: ListSpec, data: QueryDict, notices: list[str]) -> str:
    try:
        sort, _ = order_by_for(spec, data.get("sort") or None)
    except InvalidListQuery as error:
        notices.append(f"{error.errors['sort']} Showing the usual order instead.")
        return spec.default_sort
    return sort


def _requested_page(data: QueryDict, notices: list[str]) -> int:
    raw = data.get("page", "").strip()
    if not raw:
        return 1
    try:
        number = int(raw)
    except ValueError:
        number = 0
    if number < 1:
        notices.append(f"“{raw}” is not a page number; showing the first page.")
        return 1
    return number


def _filter_params(spec: ListSpec, data: QueryDict) -> tuple[tuple[str, str], ...]:
    """The search and filter values of the request, blanks left out, in the filter set's order."""
    names = list(spec.filterset.base_filters)
    return tuple((name, value) for name in names for value in data.getlist(name) if value.strip())


def _import_url(spec: ListSpec, user: Any) -> str | None:
    """The list's import wizard, for who may import into it (a list of a model without an importer has none)."""
    try:
        importer = imports.get_importer(spec.key)
    except ValidationError:
        return None
    return reverse("imports:upload", args=[importer.key]) if imports.may_import(user, importer) else None


def _create_url(spec: ListSpec, user: Any) -> str | None:
    if not spec.create_url_name or not can(user, "add", spec.model):
        return None
    try:
        return reverse(spec.create_url_name)
    except NoReverseMatch:
        return None


def header_cells(spec: ListSpec, table: Table, query: ListQuery) -> list[HeaderCell]:
    """Headings of the visible columns; sortable ones link to the list sorted by them (ascending first)."""
    current = query.sort.lstrip("-")
    descending = query.sort.startswith("-")
    cells = []
    for column in table.columns:
        if column.name not in spec.sort_fields:
            cells.append(HeaderCell(column=column))
            continue
        direction = ("desc" if descending else "asc") if column.name == current else ""
        next_sort = f"-{column.name}" if direction == "asc" else column.name
        cells.append(HeaderCell(column=column, url=query.url(sort=next_sort, page=1), direction=direction))
    return cells


def page_numbers(current: int, total: int, window: int = PAGE_WINDOW) -> list[int | None]:
    """First, last and the pages around ``current``; None where pages are left out.

    A gap of a single page shows that page instead of "…", which would take the same room.
    """
    shown = sorted({1, total, *range(current - window, current + window + 1)} & set(range(1, total + 1)))
    numbers: list[int | None] = []
    for number in shown:
        if numbers and numbers[-1] is not None:
            gap = number - numbers[-1]  # type: ignore[operator]
            if gap == 2:
                numbers.append(number - 1)
            elif gap > 2:
                numbers.append(None)
        numbers.append(number)
    return numbers


def page_links(current: int, total: int, query: ListQuery) -> list[PageLink]:
    if total <= 1:
        return []
    return [
        PageLink(number=number, url=query.url(page=number), current=number == current)
        if number is not None
        else PageLink(number=None)
        for number in page_numbers(current, total)
    ]


def style_filter_form(filterset: django_filters.FilterSet, spec: ListSpec) -> None:
    """Give the advanced-search fields Bootstrap widgets suited to a compact panel.

    Multiple choices become checkbox lists, dates use the browser's date picker, and a choice among
    rows of the listed model itself becomes a text box for a code, since that choice list can be
    as long as the list (a million options on every page).
    """
    form = filterset.form
    for name, form_field in form.fields.items():
        widget = form_field.widget
        queryset = form_field.queryset if isinstance(form_field, forms.ModelChoiceField) else None
        if queryset is not None and queryset.model is spec.model:
            form_field.widget = forms.TextInput(
                attrs={"class": "form-control form-control-sm", "placeholder": "Code", "autocomplete": "off"}
            )
        elif isinstance(widget, forms.SelectMultiple):
            checkboxes = forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"})
            checkboxes.choices = form_field.choices  # type: ignore[attr-defined]
            form_field.widget = checkboxes
        elif isinstance(widget, forms.NullBooleanSelect):
            # "Unknown" is the widget's word for no choice; in a filter it means any.
            form_field.widget = forms.Select(
                choices=[("", "Any"), ("true", "Yes"), ("false", "No")], attrs={"class": "form-select form-select-sm"}
            )
        elif isinstance(widget, forms.Select):
            widget.attrs["class"] = "form-select form-select-sm"
        else:
            if isinstance(widget, forms.DateInput):
                widget.input_type = "date"
            widget.attrs["class"] = "form-control form-control-sm"
        if name in form.errors:
            form_field.widget.attrs["aria-invalid"] = "true"


def _unusable(filterset: Any, user: Any) -> set[str]:
    """Filters this user may not use (a sensitive value's exact look-up: ``shown_to(user)`` false), left
    out of the panel; the pipeline refuses them anyway."""
    return {
        name
        for name, list_filter in filterset.filters.items()
        if not getattr(list_filter, "shown_to", lambda user: True)(user)
    }


def filter_cells(form: forms.Form, *, leave_out: Collection[str] = ()) -> list[FilterCell]:
    """The advanced-search panel's groups in the filter set's order, the search box (and ``leave_out``) left out."""
    cells: list[FilterCell] = []
    grouped: set[str] = set()
    for name in form.fields:
        if name == SEARCH_PARAM or name in grouped or name in leave_out:
            continue
        partner = _range_partner(name, form)
        if partner:
            grouped.add(partner)
            label = _range_label(str(form[name].label))
            cells.append(FilterCell(label=label, fields=(form[name], form[partner]), kind="range"))
        elif isinstance(form.fields[name].widget, forms.CheckboxSelectMultiple):
            cells.append(FilterCell(label=str(form[name].label), fields=(form[name],), kind="checks"))
        elif isinstance(form.fields[name].widget, forms.Select):
            bound = form[name]
            cells.append(FilterCell(str(bound.label), (bound,), kind="select", options_html=_options_html(bound)))
        else:
            cells.append(FilterCell(label=str(form[name].label), fields=(form[name],), kind="single"))
    return cells


def _options_html(bound: forms.BoundField) -> str:
    """The options of a single-choice filter, the blank one reading "Any".

    Built here rather than by the widget's templates: those render each option through a template
    of its own, which for a country list costs more than the rest of the page.
    """
    current = bound.value()
    selected = "" if current is None else str(current)
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        (
            (value, mark_safe(" selected") if str(value) == selected else "", label if str(value) else "Any")
            for value, label in bound.field.widget.choices  # type: ignore[attr-defined]
        ),
    )


def _range_partner(name: str, form: forms.Form) -> str | None:
    for low, high in RANGE_SUFFIXES:
        if name.endswith(low) and name.removesuffix(low) + high in form.fields:
            return name.removesuffix(low) + high
    return None


def _range_label(label: str) -> str:
    for ending in RANGE_LABEL_ENDINGS:
        if label.lower().endswith(ending):
            return label[: -len(ending)]
    return label
