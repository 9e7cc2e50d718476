"""One ``ModelSpec`` per model, one registry keyed by model label (``app_label.ModelName``).

An app declares its specs in ``specs.py`` (autodiscovered when the project starts). What can be
derived is derived: titles from the model's verbose names, the lookup field from whether the model
has a ``code``, the recorded, API and export fields from the one ``fields`` list, sort fields from
the table's orderable columns. Registering a spec also registers what the older per-concern
registries (list, audit, trash, bulk) need, so every shared page keeps working.
"""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import django_filters
import django_tables2 as tables
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.text import capfirst, slugify

from clientbook.core.kit.api_options import ApiOptions
from clientbook.core.listing.columns import ExportField
from clientbook.core.listing.pipeline import BulkAction, RowAction
from clientbook.core.listing.search import digits
from clientbook.core.permissions import restrict


@dataclass(frozen=True)
class NavEntry:
    """The model's sidebar entry, shown to users holding ``permission`` (an action) on the model."""

    label: str = ""
    icon: str = "bi-list"
    order: int = 100
    permission: str = "view"


@dataclass(frozen=True)
class NavPage:
    """A page of the model's app in the sidebar, beside the lists (the facility's Presence): ``url_name`` is
    reversed without arguments, shown to users holding ``permission`` (an action) on the spec's model and
    placed by ``order`` among the specs' entries."""

    label: str
    url_name: str
    icon: str = "bi-list"
    order: int = 100
    permission: str = "view"


def _no_rule(*args: Any, **kwargs: Any) -> None:
    return None


@dataclass(frozen=True)
class Hooks:
    """A model's own rules, called by the write skeleton (``clientbook.core.kit.writes``).

    ``tidy(obj)`` puts typed values into their stored form (a name trimmed) before they are compared
    with the stored ones, so a value that only differs in that way changes nothing;
    ``derive(obj, before)`` sets fields that follow from the values just applied, before anything is
    compared (``before``: the recorded values before the write, empty on create; a customer's block
    remembers the status it left); ``validate(obj)`` raises ``ValidationError`` (by field) after the
    model's ``full_clean``; ``before_save(obj, user, changed)`` and ``after_save(obj, user, created)``
    run on the locked row inside the write's transaction (``changed``: the names of changed fields,
    empty on create); ``after_change(obj, user, before)`` runs after them once a change is saved,
    with the recorded values before it (empty on create: a deal's timeline entry names the stage it
    left); ``before_insert(obj, user)`` runs once the new record is valid, just before it
    is first saved (it takes the next code); ``after_delete(obj, user)`` may return a sentence added
    to the delete's message; ``before_restore(obj, user)`` may refuse a restore (``ValidationError``)
    before the record is validated among the live rows; ``before_purge(obj, user)`` runs on the
    locked row before it is deleted for good (clearing, audited, the links the database would clear
    silently); ``search_words(obj)`` gives the texts of the model's search document.
    """

    tidy: Callable[..., None] = _no_rule
    derive: Callable[..., None] = _no_rule
    validate: Callable[..., None] = _no_rule
    before_save: Callable[..., None] = _no_rule
    before_insert: Callable[..., None] = _no_rule
    after_save: Callable[..., None] = _no_rule
    after_change: Callable[..., None] = _no_rule
    after_delete: Callable[..., str | None] = _no_rule
    after_restore: Callable[..., None] = _no_rule
    before_restore: Callable[..., None] = _no_rule
    before_purge: Callable[..., None] = _no_rule
    search_words: Callable[[Any], Iterable[str | None]] | None = None
    search_phones: Callable[[Any], Iterable[str]] | None = None


@dataclass(frozen=True)
class RecordAction:
    """A button on one record ("Set as primary"): ``run(user, obj, expected_version)`` does it through the
    model's services and returns the sentence for the toast; offered when ``shown(obj)`` and the user
    holds ``permission`` on the model."""

    key: str
    label: str
    run: Callable[[Any, Any, int | None], str]
    icon: str = "bi-lightning"
    permission: str = "change"
    shown: Callable[[Any], bool] = field(default=lambda obj: True)


@dataclass(frozen=True)
class RecordPermission:
    """Who may write one record, beyond the role's permission on the model (a note: its author or an admin).

    ``allows(user, obj)`` is asked before every edit, delete, restore, revert and record action, by the
    write skeleton (so the pages, the API, bulk changes and scripts all honour it) and by the pages,
    which hide the buttons and answer 403 with ``refusal``. The system (``user`` None) is never refused.
    ``unrestricted_roles``: the roles ``allows`` lets write every record; the permission matrix, whose
    records the system wrote, expects only them to write there.
    """

    allows: Callable[[Any, Any], bool]
    refusal: str = "You may not change this record."
    unrestricted_roles: tuple[str, ...] = ("admin",)


@dataclass(frozen=True)
class Fact:
    """A figure a child model shows in its parent's page header ("Won value", "Deals: 3 open · 2 won").

    ``hint``: a small line under the value (how it was computed); ``key`` names it for tests
    (``data-testid="fact-<key>"``).
    """

    label: str
    value: str
    hint: str = ""
    key: str = ""


@dataclass(frozen=True)
class TabView:
    """One more tab a child spec gives its parent: the child's list narrowed by ``fixed`` filter values (a
    customer's Calls: its activities of type call), beside the child's own tab.

    ``key``: the tab's URL segment and name (``/customers/CUST0000001/calls/``, ``customers:calls_tab``),
    unique among the parent's tabs; ``fixed``: values of the child's FilterSet the tab sets, hidden from
    its filter panel, sent with its exports and preset in its "Add" form; ``filterset``: the filters the
    tab offers (a FilterSet of the child's filters; None: the child's), ``chip_filter`` its chips (None:
    the child's; empty: none); ``add_label``: its "Add" button ("Log a call"); ``row_template``: its rows
    (default ``<app>/_<model>_<key>_row.html`` where the app has one, else the child's tab rows);
    ``shown(parent)``: whether that record has the tab.
    """

    key: str
    label: str
    fixed: Mapping[str, str] = field(default_factory=dict)
    order: int = 100
    filterset: type[django_filters.FilterSet] | None = None
    chip_filter: str | None = None
    add_label: str = ""
    row_template: str = ""
    shown: Callable[[Any], bool] = lambda parent: True


@dataclass(frozen=True)
class Parent:
    """The record a model belongs to (a contact's organization): its detail page shows a tab of them.

    ``field``: the foreign key; ``tab``: the tab's title (default: the model's plural); ``order``: the
    tab's place among the parent's tabs; ``search_words``: texts a child adds to its parent's search
    document (its people's names); ``shown(parent)``: whether that record has the tab at all (an
    organization has contacts, a person not). ``overview(user, parent)``: the context of the child's
    ``<app>/_<model>_overview.html`` panel on the parent's first tab (None or empty: no panel);
    ``facts(user, parent)``: the child's figures in the parent's header; ``quick_add``: the label of a
    button in the parent's header that adds a child in the modal ("Log activity"), with ``quick_icon``.
    ``views``: further tabs of the same children, each narrowed by fixed filter values (``TabView``).
    """

    field: str
    tab: str = ""
    order: int = 100
    search_words: Callable[[Any], Iterable[str | None]] | None = None
    shown: Callable[[Any], bool] = lambda parent: True
    overview: Callable[[Any, Any], Mapping[str, Any] | None] | None = None
    overview_order: int = 100
    facts: Callable[[Any, Any], Iterable[Fact]] | None = None
    quick_add: str = ""
    quick_icon: str = "bi-plus-lg"
    views: tuple[TabView, ...] = ()


@dataclass(frozen=True)
class ModelSpec:
    """Everything the kit needs to know about one model; only ``model`` and ``fields`` are required."""

    model: type[models.Model]
    # The editable fields: the forms, the recorded audit fields, the API schemas and the exports derive from it.
    fields: tuple[str, ...]
    key: str = ""
    lookup_field: str = ""
    queryset: Callable[[Any], models.QuerySet] | None = None
    # Relations the default queryset reads with each row (the list's columns, the detail page).
    select_related: tuple[str, ...] = ()
    form_fields: tuple[str, ...] | None = None
    # A form of the model's own (a ``clientbook.core.kit.forms.KitForm``) instead of the derived one.
    form: type[Any] | None = None
    # Widgets of the derived form by field name (a note's textarea with its Markdown toolbar).
    form_widgets: Mapping[str, Any] = field(default_factory=dict)
    audit_fields: tuple[str, ...] | None = None
    api_fields: tuple[str, ...] | None = None
    export_fields: tuple[ExportField, ...] | None = None
    # The format the export dialog preselects (``ExportJob.Format``: "csv", "xlsx", "pdf").
    export_format: str = "csv"
    filterset: type[django_filters.FilterSet] | None = None
    table: type[tables.Table] | None = None
    default_columns: tuple[str, ...] = ()
    sort_fields: Mapping[str, tuple[str, ...]] | None = None
    default_sort: str = ""
    # Rows per list page until the user picks another size (None: the site's default).
    per_page: int | None = None
    search_fields: tuple[str, ...] = ()
    phone_fields: tuple[str, ...] = ()
    natural_keys: Mapping[str, str] = field(default_factory=dict)
    sensitive: frozenset[str] = frozenset()
    bulk_actions: tuple[BulkAction, ...] = ()
    record_actions: tuple[RecordAction, ...] = ()
    row_actions: tuple[RowAction, ...] | None = None
    import_fields: tuple[str, ...] | None = None
    importable: bool = True
    # Fields an import matches a related record on: {"organization": ("code", "name")}.
    import_lookups: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    nav: NavEntry | None = None
    # Further sidebar entries for pages of the app's own that the spec's permission guards.
    nav_pages: tuple[NavPage, ...] = ()
    # Roles (accounts.Role values) granted the model's permissions after migrate.
    read_roles: tuple[str, ...] = ("admin", "sales", "support", "accounting")
    write_roles: tuple[str, ...] = ("admin", "sales")
    # Roles granted the right to see the model's sensitive fields unmasked (``view_sensitive_<model>``,
    # a permission the model declares in its Meta) after migrate: the reveal, the API's ``?reveal=``.
    sensitive_roles: tuple[str, ...] = ("admin",)
    parent: Parent | None = None
    # Other records a row may belong to instead (an activity: a customer's or a lead's), each giving its
    # model's page a tab like ``parent``; their foreign keys are nullable, a row fills one or more.
    also_parents: tuple[Parent, ...] = ()
    # Who may write one record beyond the role's model permission (None: whoever holds the permission).
    record_permission: RecordPermission | None = None
    hooks: Hooks = field(default_factory=Hooks)
    describe: Callable[[Any], str] = str
    # A record's short name where it has one (a customer's code): breadcrumbs, and messages beside
    # ``describe`` ("Customer CUST0000001 (Ada Lovelace) saved.", "Reverted city of CUST0000001 …").
    short_name: Callable[[Any], str] | None = None
    # True: a record created in the modal opens its page (a customer); else the list or tab stays, refreshed.
    open_after_create: bool = False
    # Extra context of the detail page, ``page_context(user, obj)``, for a model's own detail template.
    page_context: Callable[[Any, Any], Mapping[str, Any]] | None = None
    # A module whose ``urlpatterns`` (the model's own pages: a status form, bulk forms) are mounted in the
    # spec's namespace before the generated ones, so a fixed path ("import/") is never read as a record.
    extra_urls: str = ""
    # What a row shows under its name in a parent's tab, and a yes/no field shown as a badge (``is_primary``).
    summary_fields: tuple[str, ...] = ()
    flag_field: str = ""
    # A single-choice filter of the FilterSet shown as a row of chips above the rows ("All" first).
    chip_filter: str = ""
    # The title of the record page's first tab (its details; a customer's "Overview").
    details_tab: str = "Details"
    # The search box's placeholder ("code, name, email"); derived from the searched fields when empty.
    search_hint: str = ""
    # Fields whose whole value names one record (a code, an e-mail address, a phone): a universal search
    # typed as one ranks that record first (``kit/universal.py``). None: the code, when the model has one.
    identifiers: tuple[str, ...] | None = None
    # The line under a record's name in universal search results; None: its ``summary_fields``.
    subtitle: Callable[[Any], str] | None = None
    trash: bool = True
    # Rows the model's own services write and nothing changes or deletes (a gate's events): the kit serves
    # their list, record page, parent tab, export and the API's list and retrieve, and nothing that
    # writes; no audit trail (the rows are one), trash, bulk change or import. Give it no ``write_roles``.
    append_only: bool = False
    # Fields that only make sense together: reverting one of them to an earlier state brings back the others.
    linked_fields: tuple[tuple[str, ...], ...] = ()
    # The model's API (``clientbook.api.kit.router_for``); None: the model has no generated one.
    api: ApiOptions | None = field(default_factory=ApiOptions)

    # --- Derived ------------------------------------------------------------------------------------

    @property
    def label(self) -> str:
        """The registry key: ``contacts.Contact``."""
        return str(self.model._meta.label)

    @property
    def slug(self) -> str:
        """The URL segment and URL namespace: ``contacts``."""
        return self.key or slugify(str(self.model._meta.verbose_name_plural))

    @property
    def lookup(self) -> str:
        """The field a URL or the API names a record by: ``code`` when the model has one, else ``pk``."""
        if self.lookup_field:
            return self.lookup_field
        return "code" if _has_field(self.model, "code") else "pk"

    @property
    def title(self) -> str:
        return capfirst(str(self.model._meta.verbose_name_plural))

    @property
    def singular(self) -> str:
        return capfirst(str(self.model._meta.verbose_name))

    @property
    def plural(self) -> str:
        return str(self.model._meta.verbose_name_plural)

    @property
    def model_name(self) -> str:
        return str(self.model._meta.model_name)

    def short_name_of(self, obj: Any) -> str:
        """``obj`` as breadcrumbs name it: by ``short_name``, else by ``describe``."""
        return (self.short_name or self.describe)(obj)

    def named(self, obj: Any) -> str:
        """``obj`` as a message names it: ``Contact “Awa Bojang”``, ``Customer CUST0000001 (Ada Lovelace)``."""
        if self.short_name is not None:
            return f"{self.singular} {self.short_name(obj)} ({self.describe(obj)})"
        return f"{self.singular} “{self.describe(obj)}”"

    def may_write(self, user: Any, obj: Any) -> bool:
        """Whether ``record_permission`` lets ``user`` write ``obj`` (the role's permission is checked apart)."""
        return user is None or self.record_permission is None or self.record_permission.allows(user, obj)

    def lookup_value(self, value: str) -> str:
        """A typed record key in its stored form: codes are upper case (``cust0000001`` finds CUST0000001)."""
        return value.strip().upper() if self.lookup == "code" else value

    def url_name(self, view: str) -> str:
        """The name of one of the kit's views for this model: ``contacts:contact_detail``."""
        return f"{self.slug}:{self.model_name}_{view}"

    @property
    def editable_fields(self) -> tuple[str, ...]:
        return self.form_fields if self.form_fields is not None else self.fields

    @property
    def recorded_fields(self) -> tuple[str, ...]:
        return self.audit_fields if self.audit_fields is not None else self.fields

    @property
    def schema_fields(self) -> tuple[str, ...]:
        return self.api_fields if self.api_fields is not None else self.fields

    @property
    def importable_fields(self) -> tuple[str, ...]:
        return self.import_fields if self.import_fields is not None else self.fields

    @property
    def has_code(self) -> bool:
        return _has_field(self.model, "code")

    @property
    def identifier_fields(self) -> tuple[str, ...]:
        if self.identifiers is not None:
            return self.identifiers
        return ("code",) if self.has_code else ()

    def subtitle_of(self, obj: Any) -> str:
        """The line under ``obj``'s name in search results: ``subtitle``, else its non-empty ``summary_fields``."""
        if self.subtitle is not None:
            return self.subtitle(obj)
        values = (getattr(obj, name) for name in self.summary_fields)
        return " · ".join(text for value in values if value is not None and (text := str(value)))

    @property
    def has_search(self) -> bool:
        searched = self.hooks.search_words is not None or bool(self.search_fields or self.phone_fields)
        return _has_field(self.model, "search_document") and searched

    def search_words(self, obj: Any) -> list[str | None]:
        """The texts of ``obj``'s search document: the ``search_fields`` (or the hook's)."""
        if self.hooks.search_words is not None:
            return list(self.hooks.search_words(obj))
        return [str(getattr(obj, name) or "") for name in self.search_fields]

    def search_phones(self, obj: Any) -> list[str]:
        """The ``phone_fields`` in E.164 and national digits, so a number is found as it is written either way."""
        if self.hooks.search_phones is not None:
            return list(self.hooks.search_phones(obj))
        phones: list[str] = []
        for name in self.phone_fields:
            number = getattr(obj, name)
            if hasattr(number, "as_e164"):
                phones.extend(digits(str(part)) for part in (number.as_e164, number.national_number))
        return phones

    @property
    def parents(self) -> tuple[Parent, ...]:
        """``parent`` and ``also_parents``: every record kind whose page has a tab of this model."""
        return ((self.parent,) if self.parent is not None else ()) + self.also_parents

    def parent_toward(self, model_or_record: type[models.Model] | models.Model) -> Parent | None:
        """The parent link whose foreign key points at ``model_or_record``'s model (None: none does)."""
        model = model_or_record if isinstance(model_or_record, type) else type(model_or_record)
        for link in self.parents:
            if self.model._meta.get_field(link.field).related_model is model:
                return link
        return None

    def parents_of(self, obj: Any) -> list[Any]:
        """The records ``obj`` belongs to, through each parent link that is filled."""
        return [parent for link in self.parents if (parent := getattr(obj, link.field)) is not None]

    def get_queryset(self, user: Any) -> models.QuerySet:
        """The live rows ``user`` may view (of live parents)."""
        if self.queryset is not None:
            return self.queryset(user)
        queryset = self.model._default_manager.select_related(*self.select_related)
        for link in self.parents:
            parent_model = self.model._meta.get_field(link.field).related_model
            if isinstance(parent_model, type) and _has_field(parent_model, "deleted_at"):
                # A deleted parent takes its rows out of sight with it (they come back with it); a row
                # without that parent (a nullable link left empty) stays.
                queryset = queryset.filter(**{f"{link.field}__deleted_at__isnull": True})
        return restrict(user, "view", queryset)

    def derived_sort_fields(self) -> dict[str, tuple[str, ...]]:
        """``sort_fields`` as declared, else every orderable column of the table by its accessor."""
        if self.sort_fields is not None:
            return dict(self.sort_fields)
        if self.table is None:
            return {}
        sorts: dict[str, tuple[str, ...]] = {}
        for name, column in self.table.base_columns.items():
            if column.orderable is False:
                continue
            order_by = column.order_by or (str(column.accessor or name).replace(".", "__"),)
            sorts[name] = tuple(str(part).replace(".", "__") for part in order_by)
        return sorts

    @property
    def sensitive_permission(self) -> str:
        """``customers.view_sensitive_customer``: seeing the model's encrypted fields unmasked."""
        meta = self.model._meta
        return f"{meta.app_label}.view_sensitive_{meta.model_name}"

    @property
    def has_sensitive_permission(self) -> bool:
        codename = self.sensitive_permission.split(".", 1)[1]
        return any(name == codename for name, _ in self.model._meta.permissions)

    def permission_codenames(self, *, write: bool) -> list[str]:
        meta = self.model._meta
        actions = ("view", "add", "change", "delete") if write else ("view",)
        return [f"{meta.app_label}.{action}_{meta.model_name}" for action in actions]


def _has_field(model: type[models.Model], name: str) -> bool:
    try:
        model._meta.get_field(name)
    except FieldDoesNotExist:
        return False
    return True


# --- The registry ------------------------------------------------------------------------------------

_SPECS: dict[str, ModelSpec] = {}


def register(spec: ModelSpec) -> ModelSpec:
    """Add ``spec`` to the registry and to the per-concern registries the shared pages still read."""
    _SPECS[spec.label] = spec
    from clientbook.core.kit import registration

    registration.register_everywhere(spec)
    return spec


def spec_for(model_or_label: type[models.Model] | models.Model | str) -> ModelSpec:
    """The spec of a model, an instance or a label (``contacts.Contact``, case-insensitive)."""
    if isinstance(model_or_label, str):
        wanted = model_or_label.lower()
        for label, spec in _SPECS.items():
            if label.lower() == wanted:
                return spec
        raise LookupError(f"No model spec for {model_or_label!r}.")
    return _SPECS[str(model_or_label._meta.label)]


def spec_for_slug(slug: str) -> ModelSpec:
    """The spec whose URL segment is ``slug`` (``contacts``)."""
    for spec in _SPECS.values():
        if spec.slug == slug:
            return spec
    raise LookupError(f"No model spec at {slug!r}.")


def all_specs() -> list[ModelSpec]:
    return list(_SPECS.values())


def role_permissions(role: str) -> list[str]:
    """The permissions the specs grant ``role`` (a role's group gets them when it is created)."""
    names: list[str] = []
    for spec in _SPECS.values():
        if role in spec.write_roles:
            names.extend(spec.permission_codenames(write=True))
        elif role in spec.read_roles:
            names.extend(spec.permission_codenames(write=False))
        if role in spec.sensitive_roles and spec.has_sensitive_permission:
            names.append(spec.sensitive_permission)
    return names


def children_of(model: type[models.Model] | models.Model) -> list[ModelSpec]:
    """The specs with a parent link to ``model`` (``parent`` or one of ``also_parents``), in their tabs' order:
    each gives its detail page a tab. ``ModelSpec.parent_toward(model)`` is that link."""
    model_class = model if isinstance(model, type) else type(model)
    children = [(spec, link) for spec in _SPECS.values() if (link := spec.parent_toward(model_class)) is not None]
    return [spec for spec, link in sorted(children, key=lambda pair: pair[1].order)]


def link_to(child: ModelSpec, parent: type[models.Model] | models.Model) -> Parent:
    """``child``'s parent link to ``parent`` (a spec ``children_of`` returned for it)."""
    link = child.parent_toward(parent)
    if link is None:
        raise LookupError(f"{child.label} has no parent link to {parent._meta.label}.")
    return link


def parent_search_words(parent: models.Model) -> list[str | None]:
    """What child specs add to ``parent``'s search document (their live rows' words)."""
    words: list[str | None] = []
    for spec in children_of(parent):
        link = link_to(spec, parent)
        if link.search_words is None or spec.append_only:
            continue
        for child in spec.model._default_manager.filter(**{link.field: parent}):
            words.extend(link.search_words(child))
    return words
