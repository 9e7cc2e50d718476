"""The write skeleton: create, update, delete (to the trash), restore and purge for every spec.

Each write checks the permission, then in one transaction locks the row, checks the version the
caller read, applies the values, runs the model's rules (``ModelSpec.hooks``), validates once
(``full_clean`` and the ``validate`` hook, so a form and the API get the same messages), bumps the
version only when something changed, refreshes the search documents (the row's and its parent's)
and records the audit event. A model's ``services.py`` keeps only its rules.
"""

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction

from clientbook.core.kit.spec import ModelSpec, children_of, link_to, spec_for
from clientbook.core.listing.search import build_document, normalise
from clientbook.core.models import AuditEvent
from clientbook.core.permissions import can, is_admin
from clientbook.core.records import audit, history, trash, versions


def require(user: Any, action: str, spec: ModelSpec) -> None:
    """``user`` None is the system (a task, a command), which may do anything."""
    if user is not None and not can(user, action, spec.model):
        raise PermissionDenied(f"Your role may not {action} {spec.plural}.")


def require_record(user: Any, spec: ModelSpec, obj: Any) -> None:
    """The spec's per-record rule (``ModelSpec.record_permission``): a note only by its author or an admin."""
    if not spec.may_write(user, obj):
        assert spec.record_permission is not None
        raise PermissionDenied(spec.record_permission.refusal)


def create(spec: ModelSpec, *, user: Any, values: Mapping[str, Any]) -> Any:
    """A new record from ``values`` (editable fields), validated, audited; ``ValidationError`` by field."""
    require(user, "add", spec)
    obj = spec.model(**_plain_values(spec, values))
    spec.hooks.tidy(obj)
    many = _many_values(spec, values)
    with transaction.atomic():
        spec.hooks.derive(obj, {})
        spec.hooks.before_save(obj, user, ())
        validate(spec, obj)
        spec.hooks.before_insert(obj, user)
        refresh_search_document(spec, obj)
        obj.save(force_insert=True)
        if many:
            _set_many(obj, many)
            # The document holds the related rows' words too (a customer's labels), known only now.
            _save_search_document(spec, obj)
        audit.record_create(obj, user=user)
        spec.hooks.after_save(obj, user, True)
        spec.hooks.after_change(obj, user, {})
        refresh_parent_document(spec, obj)
    return obj


def update(
    obj: Any,
    *,
    user: Any,
    values: Mapping[str, Any],
    expected_version: int | None = None,
    action: str = AuditEvent.Action.UPDATE,
) -> Any:
    """Apply ``values`` to the stored ``obj`` (locked, at ``expected_version``); the stored row is returned.

    Nothing is written, bumped or recorded when no value changes. ``action``: what the audit event
    calls the change (a status change, a revert).
    """
    spec = spec_for(obj)
    require(user, "change", spec)
    with transaction.atomic():
        row = trash.lock(spec.model, obj.pk)
        require_record(user, spec, row)
        if getattr(row, "deleted_at", None) is not None:
            raise ValidationError(f"{spec.named(row)} is deleted; restore it first.")
        versions.check(row, expected_version)
        before = audit.snapshot(row)
        old_parents = spec.parents_of(row)
        for name, value in _plain_values(spec, values).items():
            setattr(row, name, value)
        spec.hooks.tidy(row)
        many = _many_values(spec, values)
        spec.hooks.derive(row, before)
        changed = tuple(audit.diff(before, _snapshot(spec, row, many)))
        if not changed:
            return row
        spec.hooks.before_save(row, user, changed)
        validate(spec, row)
        # Compared again once validated, which turns what was sent into stored values.
        if not audit.diff(before, _snapshot(spec, row, many)):
            return row
        versions.bump(row)
        _set_many(row, many)
        refresh_search_document(spec, row)
        row.save()
        audit.record_update(row, before, user=user, action=action)
        spec.hooks.after_save(row, user, False)
        spec.hooks.after_change(row, user, before)
        refresh_parent_document(spec, row, also=old_parents)
    return row


def revert(obj: Any, *, user: Any, event: AuditEvent, fields: list[str] | None = None) -> Any:
    """Put ``fields`` (every field that differs, when None) back to their values right after ``event``.

    Administrators only. The values go through the same rules as any edit, so a revert that would
    break one (an email the rules now refuse, a related row deleted since) is refused with a message
    on each field concerned; fields the spec links (a status and its block reason) go back together.
    The revert is audited as its own action.
    """
    spec = spec_for(obj)
    if user is not None and not (can(user, "change", spec.model) and is_admin(user)):
        raise PermissionDenied(f"Only administrators may revert {spec.plural} to an earlier state.")
    if event.object_type != audit.object_type(spec.model) or event.object_id != str(obj.pk):
        raise ValidationError(f"This event is not about this {spec.model._meta.verbose_name}.")
    with transaction.atomic():
        # The values compared are the stored ones, locked until the revert is written.
        row = trash.lock(spec.model, obj.pk)
        if getattr(row, "deleted_at", None) is not None:
            raise ValidationError(
                f"The {spec.model._meta.verbose_name} is deleted; restore it before reverting a change."
            )
        audit_spec = audit.spec_for(spec.model)
        state = history.recorded_state(event)
        chosen = history.fields_to_revert(audit_spec, state, audit.snapshot(row), fields)
        for linked in spec.linked_fields:
            if set(linked) & set(chosen):
                chosen = list(dict.fromkeys([*chosen, *linked]))
        values = history.resolve_recorded_values(audit_spec, state, chosen)
        return update(row, user=user, values=values, action=AuditEvent.Action.REVERT)


def apply_recorded_values(*, user: Any, obj: Any, values: dict[str, Any]) -> Any:
    """Bulk undo puts recorded values back through the same skeleton, audited as a revert."""
    return update(obj, user=user, values=values, action=AuditEvent.Action.REVERT)


def delete(obj: Any, *, user: Any, expected_version: int | None = None) -> str:
    """Move ``obj`` to the trash; returns the sentence that tells what happened (for the toast)."""
    spec = spec_for(obj)
    require(user, "delete", spec)
    require_record(user, spec, obj)
    with transaction.atomic():
        row = trash.soft_delete(obj, user=user, expected_version=expected_version)
        said = spec.hooks.after_delete(row, user)
        refresh_parent_document(spec, row)
    message = f"{spec.named(row)} deleted."
    return f"{message} {said}" if said else message


def restore(obj: Any, *, user: Any) -> Any:
    """Bring ``obj`` back from the trash, validated against the live rows (a unique rule may refuse)."""
    spec = spec_for(obj)
    require(user, "delete", spec)
    require_record(user, spec, obj)
    with transaction.atomic():

        def check(row: Any) -> None:
            spec.hooks.before_restore(row, user)
            row.deleted_at = None
            validate(spec, row)

        def rebuild_search_document(row: Any) -> list[str]:
            """What the document holds may have changed meanwhile (a label renamed or deleted)."""
            refresh_search_document(spec, row)
            return _search_columns(spec)

        row = trash.restore(obj, user=user, check=check, prepare=rebuild_search_document)
        spec.hooks.after_restore(row, user)
        refresh_parent_document(spec, row)
    return row


def purge(obj: Any, *, user: Any, parent_goes_too: bool = False) -> None:
    """Delete ``obj`` for good (administrators); its audit events stay.

    The rows of child specs (an organization's contacts) are purged first, each audited, deleted or
    not, so that the database's cascade has nothing left to delete unrecorded.
    """
    spec = spec_for(obj)
    with transaction.atomic():
        parents = [] if parent_goes_too else _parents_with_words(spec, obj)

        def before(row: Any) -> None:
            spec.hooks.before_purge(row, user)
            for child_spec in children_of(spec.model):
                if child_spec.append_only:
                    # Their rows stay, as audit events do, naming a record that is gone.
                    continue
                field = link_to(child_spec, spec.model).field
                for child in child_spec.model._base_manager.filter(**{field: row}):
                    purge(child, user=user, parent_goes_too=True)

        trash.purge(obj, user=user, before=before)
        for parent in parents:
            _save_parent_document(parent)


def validate(spec: ModelSpec, obj: Any) -> None:
    """The model's own validation and the spec's rule, as one ``ValidationError`` by field."""
    errors: dict[str, list[str]] = {}
    try:
        # Fields no one edits are the system's (a code, a search document), set after this check.
        obj.full_clean(exclude=[field.name for field in spec.model._meta.concrete_fields if not field.editable])
    except ValidationError as error:
        errors = error.message_dict
    if not errors:
        spec.hooks.validate(obj)
    if errors:
        raise ValidationError(errors)


def refresh_search_document(spec: ModelSpec, obj: Any) -> None:
    if not spec.has_search:
        return
    obj.search_document = build_document(spec.search_words(obj), spec.search_phones(obj))
    if _has_sort_name(spec):
        obj.sort_name = normalise(spec.describe(obj))[:300]


def _has_sort_name(spec: ModelSpec) -> bool:
    return any(model_field.name == "sort_name" for model_field in spec.model._meta.concrete_fields)


def _search_columns(spec: ModelSpec) -> list[str]:
    if not spec.has_search:
        return []
    return ["search_document", "sort_name"] if _has_sort_name(spec) else ["search_document"]


def _save_search_document(spec: ModelSpec, obj: Any) -> None:
    columns = _search_columns(spec)
    if columns:
        refresh_search_document(spec, obj)
        spec.model._base_manager.filter(pk=obj.pk).update(**{name: getattr(obj, name) for name in columns})


def refresh_parent_document(spec: ModelSpec, obj: Any, *, also: list[Any] | None = None) -> None:
    """A child's words are in its parents' search documents: rebuild the parents' (old and new)."""
    parents = [*_parents_with_words(spec, obj), *(also or [])]
    unique = {(type(parent), parent.pk): parent for parent in parents if _gives_words(spec, parent)}
    for parent in unique.values():
        _save_parent_document(parent)


def _gives_words(spec: ModelSpec, parent: Any) -> bool:
    link = spec.parent_toward(parent)
    return link is not None and link.search_words is not None


def _parents_with_words(spec: ModelSpec, obj: Any) -> list[Any]:
    """The records ``obj`` belongs to whose search documents hold its words."""
    return [parent for parent in spec.parents_of(obj) if _gives_words(spec, parent)]


def _save_parent_document(parent: models.Model) -> None:
    """The parent builds its own document (``refresh_search_fields``), asking the registry for its children's words."""
    refresh = getattr(parent, "refresh_search_fields", None)
    if refresh is None:
        return
    refresh()
    type(parent)._base_manager.filter(pk=parent.pk).update(search_document=parent.search_document)  # type: ignore[attr-defined]


def _many_to_many_names(spec: ModelSpec) -> set[str]:
    return {name for name in spec.editable_fields if getattr(spec.model._meta.get_field(name), "many_to_many", False)}


def _plain_values(spec: ModelSpec, values: Mapping[str, Any]) -> dict[str, Any]:
    """The values of plain fields; a field no one may write (the code the system gives) is refused by name."""
    many = _many_to_many_names(spec)
    writable = (set(spec.recorded_fields) | set(spec.editable_fields)) - {"code"}
    unknown = set(values) - writable
    if unknown:
        raise ValidationError({name: "This field cannot be written." for name in sorted(unknown)})
    return {name: value for name, value in values.items() if name not in many}


def _many_values(spec: ModelSpec, values: Mapping[str, Any]) -> dict[str, list[Any]]:
    """The related rows given for many-to-many fields, each once, in the order given."""
    return {name: list(dict.fromkeys(values[name])) for name in _many_to_many_names(spec) if name in values}


def _snapshot(spec: ModelSpec, obj: Any, many: Mapping[str, list[Any]]) -> dict[str, Any]:
    """``obj``'s recorded values, the many-to-many ones as given (not yet stored)."""
    natural_keys = audit.spec_for(spec.model).natural_keys
    return audit.snapshot(
        obj,
        many_to_many={
            name: [str(getattr(item, natural_keys.get(name, "pk"))) for item in items] for name, items in many.items()
        },
    )


def _set_many(obj: Any, many: Mapping[str, list[Any]]) -> None:
    for name, items in many.items():
        getattr(obj, name).set(items)
