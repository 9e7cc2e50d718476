"""The importer of a spec (``clientbook.core.imports.engine``), derived from its fields: every row goes
through the write skeleton, so an imported record obeys the same rules as one typed in a form."""

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.text import capfirst

from clientbook.core.imports import engine as imports
from clientbook.core.imports.engine import ImportField, Options
from clientbook.core.imports.values import parse_choice, parse_phone, text
from clientbook.core.kit import writes
from clientbook.core.kit.spec import ModelSpec

TRUE_WORDS = {"1", "yes", "y", "true", "x", "primary"}
FALSE_WORDS = {"", "0", "no", "n", "false"}


class SpecImporter:
    """Imports rows of ``spec``'s model; duplicates match on the email when the model has one."""

    key: str
    model: type[models.Model]
    title: str
    fields: Sequence[ImportField]
    match_keys: Mapping[str, str]
    default_match_on: Sequence[str]

    def __init__(self, spec: ModelSpec) -> None:
        self.spec = spec
        self.key = spec.slug
        self.model = spec.model
        self.title = spec.title
        self.fields = tuple(self._field(name) for name in spec.importable_fields)
        names = set(spec.importable_fields)
        self.match_keys = {"email": "Email (any case)"} if "email" in names else {}
        self.default_match_on = tuple(self.match_keys)

    def _field(self, name: str) -> ImportField:
        model_field = self.model._meta.get_field(name)
        lookups = self.spec.import_lookups.get(name)
        help_text = f"Matched by {' or '.join(lookups)}." if lookups else ""
        return ImportField(name, capfirst(str(getattr(model_field, "verbose_name", name))), (), "", help_text)

    def parse(self, values: Mapping[str, Any], options: Options) -> dict[str, Any]:
        parsed: dict[str, Any] = {}
        errors: dict[str, str] = {}
        for name, raw in values.items():
            if name == imports.NOTE:
                continue
            try:
                parsed[name] = self._value(self.model._meta.get_field(name), raw, options)
            except ValueError as error:
                errors[name] = str(error)
        if errors:
            raise ValidationError(errors)
        return {name: value for name, value in parsed.items() if value not in ("", None)}

    def _value(self, model_field: Any, raw: Any, options: Options) -> Any:
        if model_field.many_to_one:
            return self._related(model_field, text(raw), options)
        if isinstance(model_field, models.BooleanField):
            word = text(raw).lower()
            if word not in TRUE_WORDS | FALSE_WORDS:
                raise ValueError(f"“{raw}” is not yes or no.")
            return word in TRUE_WORDS
        if model_field.get_internal_type() == "CharField" and type(model_field).__name__ == "PhoneField":
            return parse_phone(raw, [options.region])
        if model_field.choices:
            return parse_choice(raw, model_field.choices)
        return text(raw)

    def _related(self, model_field: Any, wanted: str, options: Options) -> Any:
        if not wanted:
            return None
        cache = options.cache.setdefault(model_field.name, {})
        if wanted.lower() not in cache:
            condition = Q()
            for lookup in self.spec.import_lookups.get(model_field.name, ("pk",)):
                condition |= Q(**{f"{lookup}__iexact": wanted})
            related = model_field.related_model._default_manager.complex_filter(model_field.get_limit_choices_to())
            cache[wanted.lower()] = related.filter(condition).order_by("pk").first()
        if cache[wanted.lower()] is None:
            raise ValueError(f"No {model_field.related_model._meta.verbose_name} “{wanted}”.")
        return cache[wanted.lower()]

    def match_values(self, parsed: Mapping[str, Any], match_on: Sequence[str]) -> list[tuple[str, Any]]:
        return [(key, str(parsed[key]).lower()) for key in match_on if parsed.get(key)]

    def find_existing(self, pairs: Iterable[tuple[str, Any]]) -> dict[tuple[str, Any], Any]:
        found: dict[tuple[str, Any], Any] = {}
        for key, value in pairs:
            row = self.model._default_manager.filter(**{f"{key}__iexact": value}).order_by("pk").first()
            if row is not None:
                found.setdefault((key, value), row)
        return found

    def build(self, parsed: Mapping[str, Any]) -> Any:
        record = self.model(**parsed)
        writes.validate(self.spec, record)
        return record

    def merge(self, existing: Any, parsed: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
        changes = {}
        for name, value in parsed.items():
            if getattr(existing, name) != value:
                changes[name] = {"before": getattr(existing, name), "after": value}
                setattr(existing, name, value)
        if changes:
            writes.validate(self.spec, existing)
        return changes

    def prepare_many(self, user: Any, records: Sequence[Any]) -> Sequence[Any]:
        return records

    def create_many(self, user: Any, prepared: Sequence[Any]) -> None:
        for record in prepared:
            values = {name: getattr(record, name) for name in self.spec.importable_fields}
            writes.create(self.spec, user=user, values=values)

    def update_many(self, user: Any, records: Sequence[tuple[Any, dict[str, dict[str, Any]]]]) -> None:
        for record, changes in records:
            writes.update(record, user=user, values={name: getattr(record, name) for name in changes})

    def remove(self, *, user: Any, obj: Any) -> None:
        writes.delete(obj, user=user)
