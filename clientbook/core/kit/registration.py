"""Registering a ``ModelSpec`` with the per-concern registries that the shared pages read.

The list, audit, trash and bulk registries each keep their own record; here they are derived from
the one spec, so a model declares nothing twice.
"""

from django.urls import reverse
from django.utils.text import capfirst

from clientbook.core.imports import engine as imports
from clientbook.core.kit.spec import ModelSpec
from clientbook.core.listing import pipeline as listing
from clientbook.core.listing.columns import ExportField
from clientbook.core.records import audit, bulk, trash


def register_everywhere(spec: ModelSpec) -> None:
    from clientbook.core.kit import writes

    if spec.append_only:
        # Nothing writes these rows through the kit: only their list (pages, API, exports) is registered.
        if spec.filterset is not None and spec.table is not None:
            listing.register(list_spec(spec))
        return
    audit.register(
        audit.AuditSpec(
            model=spec.model,
            fields=spec.recorded_fields,
            natural_keys=spec.natural_keys,
            sensitive=spec.sensitive,
            code_field="code" if spec.has_code else None,
        )
    )
    bulk.register(spec.model, writes.apply_recorded_values)
    if spec.trash:
        trash.register(
            trash.TrashSpec(
                model=spec.model,
                restore=lambda user, obj: writes.restore(obj, user=user),
                purge=lambda user, obj: writes.purge(obj, user=user),
                describe=spec.describe,
                code=lambda obj: str(getattr(obj, "code", "") or ""),
                restored_url=lambda obj: record_url(spec, "detail", obj),
                history_url=lambda obj: record_url(spec, "history", obj),
            )
        )
    if spec.filterset is not None and spec.table is not None:
        listing.register(list_spec(spec))
    if spec.importable:
        from clientbook.core.kit.importing import SpecImporter

        imports.register(SpecImporter(spec))


def record_url(spec: ModelSpec, view: str, obj: object, **kwargs: object) -> str:
    """The URL of one of the kit's views of ``obj`` (detail, edit, delete, history …); ``kwargs``: the
    view's other URL arguments (``event_id`` of the as-of page and the revert)."""
    return reverse(spec.url_name(view), kwargs={spec.lookup: getattr(obj, spec.lookup), **kwargs})


def list_spec(spec: ModelSpec) -> listing.ListSpec:
    assert spec.filterset is not None and spec.table is not None
    sorts = spec.derived_sort_fields()
    return listing.ListSpec(
        key=spec.slug,
        model=spec.model,
        queryset=spec.get_queryset,
        filterset=spec.filterset,
        table=spec.table,
        sort_fields=sorts,
        default_sort=spec.default_sort or next(iter(sorts), "pk"),
        default_columns=spec.default_columns or tuple(spec.table.base_columns),
        per_page=spec.per_page,
        chip_filter=spec.chip_filter,
        url_namespace=spec.slug,
        title=spec.title,
        detail_url_name=spec.url_name("detail"),
        create_url_name=None if spec.append_only else spec.url_name("create"),
        export_fields=spec.export_fields if spec.export_fields is not None else derived_export_fields(spec),
        export_format=spec.export_format,
        bulk_actions=spec.bulk_actions,
        search_hint=spec.search_hint or search_hint(spec),
        row_actions=spec.row_actions
        if spec.row_actions is not None
        else ()
        if spec.append_only
        else (
            listing.RowAction(
                "delete", "Delete", "bi-trash", spec.url_name("delete"), "delete", spec.lookup, allowed=spec.may_write
            ),
        ),
    )


def derived_export_fields(spec: ModelSpec) -> tuple[ExportField, ...]:
    """One export column per field (a relation by its natural key), the code first when there is one."""
    names = ("code", *spec.fields) if spec.has_code else spec.fields
    exported = []
    for name in names:
        model_field = spec.model._meta.get_field(name)
        if getattr(model_field, "many_to_many", False):
            continue
        column = f"{name}__{spec.natural_keys.get(name, 'pk')}" if model_field.is_relation else name
        exported.append(
            ExportField(
                name=name,
                label=capfirst(str(getattr(model_field, "verbose_name", name))),
                columns=(column,),
                value=_cell,
                masked=name in spec.sensitive,
            )
        )
    return tuple(exported)


def _cell(value: object) -> object:
    """A stored value as a cell: numbers and flags as they are, a phone number in E.164, the rest as text."""
    if value is None:
        return ""
    if isinstance(value, bool | int):
        return value
    return str(getattr(value, "as_e164", value))


def search_hint(spec: ModelSpec) -> str:
    """The searched fields by their names, for the search box: "first name, last name, email, phone"."""
    names = (
        ("code", *spec.search_fields, *spec.phone_fields)
        if spec.has_code
        else (*spec.search_fields, *spec.phone_fields)
    )
    return ", ".join(str(getattr(spec.model._meta.get_field(name), "verbose_name", name)) for name in names)
