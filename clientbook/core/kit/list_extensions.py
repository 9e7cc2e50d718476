"""Filters and columns an app adds to another model's list.

The facility knows when a customer last came and whether they are inside; the customer list is the
customers' spec's. ``extend_list`` lets the app that holds the data add its filters and columns to that
list without the list's app knowing it (core and the customers app import nothing of the facility).

The filters join the spec's FilterSet, so the list page's panel, its URL, the API's query parameters
(built from the FilterSet when the URLs load, after every app's specs), exports and bulk "all
matching" take them as the list's own. The columns join its Table; a ``PageValuesColumn`` reads its
values for the page's rows in one query, never for the whole list. An extension's ``shown_to`` says
who may use them: anyone else finds the filters refused by the list pipeline and the columns absent.
"""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import django_filters
import django_tables2 as tables

from clientbook.core.kit.spec import ModelSpec


def _everyone(user: Any) -> bool:
    return True


@dataclass(frozen=True)
class ListExtension:
    """What one app adds to a spec's list; ``shown_to(user)``: who may filter by and see them."""

    filters: Mapping[str, django_filters.Filter] = field(default_factory=dict)
    columns: Mapping[str, tables.Column] = field(default_factory=dict)
    shown_to: Callable[[Any], bool] = _everyone


def extend_list(spec: ModelSpec, extension: ListExtension) -> None:
    """Add ``extension``'s filters and columns to ``spec``'s list, after its own (call it from specs.py)."""
    assert spec.filterset is not None and spec.table is not None, f"{spec.label} has no list to extend"
    for name, list_filter in extension.filters.items():
        assert name not in spec.filterset.base_filters, f"{spec.label}'s list already has a filter {name}"
        # What the FilterSet's metaclass does for the filters it declares.
        list_filter.field_name = list_filter.field_name or name
        list_filter.shown_to = extension.shown_to  # type: ignore[attr-defined]
        spec.filterset.base_filters[name] = list_filter
    for name, column in extension.columns.items():
        assert name not in spec.table.base_columns, f"{spec.label}'s list already has a column {name}"
        column.shown_to = extension.shown_to  # type: ignore[attr-defined]
        spec.table.base_columns[name] = column


class PageValuesColumn(tables.Column):
    """A column whose values ``load(pks)`` reads for the rows of the page at once (``{pk: value}``).

    Not sortable: ordering by it would compute it for every row of the list. A row ``load`` leaves out
    shows the column's ``default``.
    """

    def __init__(self, load: Callable[[list[Any]], Mapping[Any, Any]], **kwargs: Any) -> None:
        kwargs.setdefault("orderable", False)
        kwargs.setdefault("accessor", "pk")
        super().__init__(**kwargs)
        self.load = load

    def render(self, value: Any, record: Any, table: Any, bound_column: Any) -> Any:
        values = self._page_values(table, bound_column.name)
        found = values.get(record.pk)
        return bound_column.default if found is None else self.render_value(found)

    def render_value(self, value: Any) -> Any:
        """How one loaded value is shown; a subclass formats it."""
        return value

    def _page_values(self, table: Any, name: str) -> Mapping[Any, Any]:
        cache: dict[str, Mapping[Any, Any]] = table.__dict__.setdefault("_page_values", {})
        if name not in cache:
            cache[name] = self.load(_page_pks(table.data))
        return cache[name]


def _page_pks(rows: Iterable[Any]) -> list[Any]:
    return [row.pk for row in rows]
