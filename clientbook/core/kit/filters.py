"""Filters every kit list can use: the search box over the model's search index, exact sensitive values."""

from typing import Any

import django_filters
from django.core.exceptions import ValidationError
from django.db.models import QuerySet

from clientbook.core import sensitive
from clientbook.core.listing.search import apply_search
from clientbook.core.permissions import can


class SearchFilter(django_filters.CharFilter):
    """``q``: every term must be in the row's search document (the index ``CreateSearchIndex`` made)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label", "Search")
        super().__init__(*args, **kwargs)

    def filter(self, qs: QuerySet, value: str) -> QuerySet:
        if not value:
            return qs
        return apply_search(qs, value, sort_indexes=("sort_name",))


class SensitiveExactFilter(django_filters.CharFilter):
    """An exact value of a sensitive field (``clientbook.core.sensitive``), matched by its keyed hash.

    Only for users who may see the field unmasked (the list pipeline gives the FilterSet its ``user``);
    anyone else is refused on the field, so the filter tells them nothing about who holds a value.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 40)
        super().__init__(*args, **kwargs)

    def shown_to(self, user: Any) -> bool:
        """Whether the list page's filter panel offers this filter to ``user``."""
        return can(user, "view_sensitive", self.parent.queryset.model)

    @property
    def refusal(self) -> str:
        """What anyone else is told (the list pipeline says it before filtering)."""
        return f"Only users allowed to see sensitive data may filter by {self._field_label()}."

    def _field_label(self) -> str:
        return str(getattr(self.model._meta.get_field(self.field_name), "verbose_name", self.field_name))

    def filter(self, qs: QuerySet, value: str) -> QuerySet:
        if not value:
            return qs
        if not can(getattr(self.parent, "user", None), "view_sensitive", qs.model):
            raise ValidationError(self.refusal)
        field = qs.model._meta.get_field(self.field_name)
        label = self._field_label()
        assert isinstance(field, sensitive.EncryptedField)
        condition = sensitive.exact_condition(field, value)
        if condition is None:
            raise ValidationError(f"This is not a valid {label}.")
        return qs.filter(condition)
