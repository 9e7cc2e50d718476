"""The note list's filters and columns."""

import django_filters
import django_tables2 as tables

from clientbook.core.kit.filters import SearchFilter
from clientbook.notes.models import Note


class NoteFilterSet(django_filters.FilterSet):
    q = SearchFilter()
    customer = django_filters.CharFilter(field_name="customer__code", lookup_expr="iexact", label="Customer code")
    pinned = django_filters.BooleanFilter()

    class Meta:
        model = Note
        fields = ["q", "customer", "pinned"]


class NoteTable(tables.Table):
    note = tables.Column(
        accessor="excerpt",
        order_by=("-pinned", "-created_at"),
        verbose_name="Note",
        linkify=("notes:note_detail", {"pk": tables.A("pk")}),
    )
    customer = tables.Column(accessor="customer__display_name", order_by=("customer__sort_name",))
    author = tables.Column(accessor="author_name", order_by=("author__username",))
    pinned = tables.BooleanColumn()
    created_at = tables.DateTimeColumn(verbose_name="Written", format="Y-m-d H:i")

    class Meta:
        model = Note
        fields = ()
        sequence = ("note", "customer", "author", "pinned", "created_at")
