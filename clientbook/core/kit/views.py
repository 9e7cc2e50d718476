"""The generic pages of a spec: the record page and its tabs (``tabs``), create, edit, delete, restore and
record actions (history, as of an event and revert: ``history_views``). ``urls_for`` mounts them with the list."""

from dataclasses import replace
from typing import Any
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import select_template
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.text import capfirst

from clientbook.core.kit import tabs, writes
from clientbook.core.kit.forms import form_class
from clientbook.core.kit.registration import record_url
from clientbook.core.kit.spec import ModelSpec, TabView, link_to
from clientbook.core.listing import pipeline as listing
from clientbook.core.permissions import can, restrict
from clientbook.core.records import conflicts
from clientbook.core.records.versions import StaleVersion
from clientbook.core.web.editing import (
    CONFLICT,
    DeleteConfirmation,
    Undo,
    finish,
    htmx_current_path,
    posted_version,
    refuse,
    render_delete_confirmation,
    render_form,
)
from clientbook.core.web.lists import RESULTS_ID, ListPage, build_list_page, sort_choices, wants_results_only


def get_record(spec: ModelSpec, request: HttpRequest, value: Any, *, deleted: bool = False) -> Any:
    """The record ``request.user`` may view; with ``deleted``, deleted ones too (restore, admins' history)."""
    queryset = (
        restrict(request.user, "view", spec.model._base_manager.all()) if deleted else spec.get_queryset(request.user)
    )
    if isinstance(value, str):
        value = spec.lookup_value(value)
    record = queryset.filter(**{spec.lookup: value}).first()
    if record is None:
        raise Http404(f"No {spec.model._meta.verbose_name} {value}.")
    return record


def require_writable(spec: ModelSpec, request: HttpRequest, obj: Any) -> None:
    """403 with the spec's sentence when its ``record_permission`` refuses ``request.user`` this record."""
    if not spec.may_write(request.user, obj):
        assert spec.record_permission is not None
        raise PermissionDenied(spec.record_permission.refusal)


def list_url(spec: ModelSpec) -> str:
    return reverse(spec.url_name("list"))


def _parent_of(spec: ModelSpec, obj: Any) -> Any:
    """The record ``obj`` belongs to: through its first filled parent link (a lead's activity: the lead)."""
    parents = spec.parents_of(obj)
    return parents[0] if parents else None


def _parent_url(spec: ModelSpec, obj: Any) -> str:
    parent = _parent_of(spec, obj)
    return parent.get_absolute_url() if parent is not None and hasattr(parent, "get_absolute_url") else ""


def _own_template(spec: ModelSpec, part: str) -> str:
    """The model's own ``<app>/_<model>_<part>.html`` where it has one, else the kit's ``kit/_<part>.html``."""
    own = f"{spec.model._meta.app_label}/_{spec.model_name}_{part}.html"
    return str(select_template([own, f"kit/_{part}.html"]).template.name)  # type: ignore[attr-defined]


def _page_template(spec: ModelSpec, page: str) -> str:
    """The model's own ``<app>/<model>_<page>.html`` (a customer page with cards) where it has one, else the kit's."""
    own = f"{spec.model._meta.app_label}/{spec.model_name}_{page}.html"
    return str(select_template([own, f"kit/{page}.html"]).template.name)  # type: ignore[attr-defined]


def _stays(request: HttpRequest, page: str) -> bool:
    """An htmx caller stays where it is (a list, the parent's tab: toast and refresh) unless it is on
    the record's own page, which an edit reloads and a delete leaves."""
    return htmx_current_path(request) != page


def _context(spec: ModelSpec, request: HttpRequest, obj: Any = None, **extra: Any) -> dict[str, Any]:
    user = request.user
    # The record's own rule (a note's author) hides its write buttons from everyone else.
    writable = not spec.append_only and (obj is None or spec.may_write(user, obj))
    pages = ("detail",) if spec.append_only else ("detail", "edit", "delete", "history")
    urls = {view: record_url(spec, view, obj) for view in pages} if obj else {}
    return {
        "spec": spec,
        "object": obj,
        # A model's own templates name the record as it is called: ``customer``.
        spec.model_name: obj,
        "urls": urls,
        "list_url": list_url(spec),
        "parent": _parent_of(spec, obj) if obj else None,
        "parent_url": _parent_url(spec, obj) if obj else "",
        "summary": [str(value) for name in spec.summary_fields if (value := getattr(obj, name, None))] if obj else [],
        "flag": _label(spec, spec.flag_field)
        if obj is not None and spec.flag_field and getattr(obj, spec.flag_field)
        else "",
        "can_change": writable and can(user, "change", spec.model),
        "can_delete": writable and can(user, "delete", spec.model),
        "actions": [
            action
            for action in spec.record_actions
            if obj and writable and action.shown(obj) and can(user, action.permission, spec.model)
        ],
        **extra,
    }


def detail(spec: ModelSpec, request: HttpRequest, lookup: Any) -> HttpResponse:
    """The record's page with its first tab (its details, or a customer's overview) open."""
    return record_page(spec, request, get_record(spec, request, lookup), tabs.DETAILS)


def record_page(spec: ModelSpec, request: HttpRequest, obj: Any, active: str, **extra: Any) -> HttpResponse:
    """The record's page with the tab ``active`` open; ``extra``: the tab's panel (``panel_template``), its context."""
    fields = [(_label(spec, name), getattr(obj, name)) for name in spec.editable_fields]
    own = spec.page_context(request.user, obj) if spec.page_context else {}
    context = _context(
        spec,
        request,
        obj,
        fields=fields,
        tabs=tabs.record_tabs(spec, request.user, obj),
        active_tab=active,
        facts=tabs.header_facts(request.user, obj),
        quick_actions=tabs.quick_actions(request.user, obj),
        overview_panels=tabs.overview_panels(request, obj) if active == tabs.DETAILS else [],
        **own,
        **extra,
    )
    response = render(request, _page_template(spec, "detail"), context)
    patch_vary_headers(response, ("HX-Request", "HX-Target"))
    return response


def _label(spec: ModelSpec, name: str) -> str:
    return capfirst(str(getattr(spec.model._meta.get_field(name), "verbose_name", name)))


def child_tab(
    spec: ModelSpec, request: HttpRequest, lookup: Any, child: ModelSpec, view: TabView | None = None
) -> HttpResponse:
    """The record's page with ``child``'s tab (or its ``view``) open: that spec's list of the record's rows
    (search, filters, sort, paging, export); a search, filter or page change inside it gets only the list's results."""
    obj = get_record(spec, request, lookup)
    if not link_to(child, obj).shown(obj) or (view is not None and not view.shown(obj)):
        raise Http404(f"{spec.named(obj)} has no {view.label.lower() if view else child.plural}.")
    if not can(request.user, "view", child.model):
        raise PermissionDenied(f"Your role may not view {child.plural}.")
    tab_list = tab_listing(child, request, obj, view)
    if wants_results_only(request):
        context = {"listing": tab_list, "spec": tab_list.spec, "oob": True, "results_id": RESULTS_ID}
        response = render(request, "core/_list_results.html", context)
        canonical = tab_list.query.url(page=tab_list.page.number if tab_list.page else 1)
        if request.htmx.current_url_abs_path != canonical:  # type: ignore[attr-defined]
            response["HX-Push-Url"] = canonical
        patch_vary_headers(response, ("HX-Request", "HX-Target"))
        return response
    return record_page(
        spec,
        request,
        obj,
        view.key if view is not None else child.slug,
        panel_template="kit/_list_tab.html",
        listing=tab_list,
        child=child,
        add_key=view.key if view is not None else child.model_name,
    )


def tab_listing(child: ModelSpec, request: HttpRequest, parent: Any, view: TabView | None = None) -> ListPage:
    """``child``'s list fixed to ``parent`` (and to its ``view``'s values), shown as rows (the view's own
    ``_<model>_<key>_row.html``, the model's own ``_<model>_tab_row.html`` or the kit's)."""
    field = link_to(child, parent).field
    full = listing.get_spec(child.slug)
    filterset = view.filterset if view is not None and view.filterset is not None else full.filterset
    chips = full.chip_filter if view is None or view.chip_filter is None else view.chip_filter
    scoped = replace(
        full,
        queryset=lambda user: full.queryset(user).filter(**{field: parent}),
        exact_count=True,
        filterset=filterset,
        chip_filter=chips,
    )
    key = str(getattr(parent, child.natural_keys.get(field, "pk")))
    # Exports read the parent from the filter of that name, where the FilterSet has one.
    fixed = {field: key} if field in filterset.base_filters else {}
    fixed.update(view.fixed if view is not None else {})
    page = build_list_page(scoped, request, with_filter_panel=not wants_results_only(request), fixed=fixed)
    page.row_template = _tab_row_template(child, view)
    page.rows = [(row, _context(child, request, row)) for row in (page.page.object_list if page.page else [])]
    page.sort_choices = sort_choices(scoped, page.query)
    presets = {field: key, **(view.fixed if view is not None else {})}
    page.create_url = (
        f"{reverse(child.url_name('create'))}?{urlencode(presets)}"
        if not child.append_only and can(request.user, "add", child.model)
        else None
    )
    page.add_label = (view.add_label if view is not None else "") or f"Add {child.model._meta.verbose_name}"
    return page


def _tab_row_template(child: ModelSpec, view: TabView | None) -> str:
    if view is None:
        return _own_template(child, "tab_row")
    names = [view.row_template] if view.row_template else []
    names.append(f"{child.model._meta.app_label}/_{child.model_name}_{view.key}_row.html")
    names.extend([f"{child.model._meta.app_label}/_{child.model_name}_tab_row.html", "kit/_tab_row.html"])
    return str(select_template(names).template.name)  # type: ignore[attr-defined]


def create(spec: ModelSpec, request: HttpRequest) -> HttpResponse:
    form_type = form_class(spec)
    form = form_type(request.POST) if request.method == "POST" else form_type(initial=request.GET.dict())
    if request.method == "POST" and form.is_valid():
        try:
            obj = writes.create(spec, user=request.user, values=form.values())
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            page = record_url(spec, "detail", obj)
            message = f"{spec.named(obj)} created."
            stay = not spec.open_after_create and _stays(request, page)
            return finish(request, message=message, redirect_to=page, stay=stay)
    action = reverse(spec.url_name("create"))
    return render_form(
        request,
        _page_template(spec, "form"),
        _context(spec, request, form=form, action=action, cancel_url=list_url(spec)),
        invalid=request.method == "POST",
    )


def edit(spec: ModelSpec, request: HttpRequest, lookup: Any) -> HttpResponse:
    obj = get_record(spec, request, lookup)
    require_writable(spec, request, obj)
    form_type = form_class(spec)
    if request.method == "POST":
        form = form_type(request.POST, instance=obj)
    else:
        form = form_type(instance=obj, initial=_presets(form_type, request))
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            obj = writes.update(obj, user=request.user, values=form.values(), expected_version=posted_version(request))
        except StaleVersion as stale:
            obj = get_record(spec, request, lookup)
            conflict = conflicts.resolve(obj, stale, form.values())
            form = form_type(instance=obj)
            form.initial.update(conflict.mine)
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            page = record_url(spec, "detail", obj)
            message = f"{spec.named(obj)} saved."
            return finish(request, message=message, redirect_to=page, stay=_stays(request, page))
    return render_form(
        request,
        _page_template(spec, "form"),
        _context(
            spec,
            request,
            obj,
            form=form,
            conflict=conflict,
            action=record_url(spec, "edit", obj),
            cancel_url=record_url(spec, "detail", obj),
        ),
        invalid=request.method == "POST",
        status=CONFLICT if conflict else None,
    )


def _presets(form_type: type[Any], request: HttpRequest) -> dict[str, str]:
    """Fields a link sets in the edit form it opens ("Mark won": ``edit/?stage=won``); nothing is saved until sent."""
    return {
        name: str(value) for name, value in request.GET.items() if name in form_type.base_fields and name != "version"
    }


def delete(spec: ModelSpec, request: HttpRequest, lookup: Any) -> HttpResponse:
    obj = get_record(spec, request, lookup)
    require_writable(spec, request, obj)
    stale_summary = ""
    if request.method == "POST":
        try:
            message = writes.delete(obj, user=request.user, expected_version=posted_version(request))
        except StaleVersion as stale:
            obj = get_record(spec, request, lookup)
            stale_summary = conflicts.summary(spec.model, stale)
        except ValidationError as error:
            return refuse(request, message=" ".join(error.messages), redirect_to=list_url(spec))
        else:
            page = record_url(spec, "detail", obj)
            return finish(
                request,
                message=message,
                redirect_to=_parent_url(spec, obj) or list_url(spec),
                stay=_stays(request, page),
                undo=Undo(record_url(spec, "restore", obj)),
            )
    confirmation = DeleteConfirmation(
        noun=str(spec.model._meta.verbose_name),
        title=f"Delete {spec.describe(obj)}",
        delete_url=record_url(spec, "delete", obj),
        cancel_url=record_url(spec, "detail", obj),
        version=obj.version,
        message_template=_own_template(spec, "delete_message"),
        breadcrumbs=((spec.title, list_url(spec)), (spec.describe(obj), record_url(spec, "detail", obj))),
    )
    return render_delete_confirmation(request, confirmation, _context(spec, request, obj), stale_summary=stale_summary)


def restore(spec: ModelSpec, request: HttpRequest, lookup: Any) -> HttpResponse:
    """The Undo of a delete (the toast's button, or its form without JavaScript)."""
    obj = get_record(spec, request, lookup, deleted=True)
    require_writable(spec, request, obj)
    try:
        obj = writes.restore(obj, user=request.user)
    except ValidationError as error:
        message = f"{spec.named(obj)} was not restored: {' '.join(error.messages)}"
        return refuse(request, message=message, redirect_to=list_url(spec))
    page = record_url(spec, "detail", obj)
    message = f"{spec.named(obj)} restored."
    return finish(request, message=message, redirect_to=page, stay=_stays(request, page))


def run_action(spec: ModelSpec, request: HttpRequest, lookup: Any, key: str) -> HttpResponse:
    obj = get_record(spec, request, lookup)
    require_writable(spec, request, obj)
    action = next((action for action in spec.record_actions if action.key == key), None)
    if action is None or not action.shown(obj):
        raise Http404("No such action.")
    if not can(request.user, action.permission, spec.model):
        raise PermissionDenied(f"Your role may not {action.label.lower()}.")
    page = record_url(spec, "detail", obj)
    try:
        message = action.run(request.user, obj, posted_version(request))
    except StaleVersion as stale:
        return refuse(request, message=conflicts.summary(spec.model, stale), redirect_to=page)
    except ValidationError as error:
        return refuse(request, message=" ".join(error.messages), redirect_to=page)
    return finish(request, message=message, redirect_to=page, stay=_stays(request, page))
