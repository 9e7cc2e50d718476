"""The URLs of every registered spec, mounted once from config/urls.py (``kit_urls``)."""

from collections.abc import Callable
from functools import partial, update_wrapper
from importlib import import_module
from typing import Any

from django.http import HttpResponse
from django.urls import URLPattern, URLResolver, include, path
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from clientbook.core import sensitive
from clientbook.core.kit import history_views, reveal, views
from clientbook.core.kit.spec import ModelSpec, all_specs, children_of, link_to
from clientbook.core.listing import pipeline as listing
from clientbook.core.web.editing import permission_required
from clientbook.core.web.lists import SpecListView

FORM_METHODS = require_http_methods(["GET", "HEAD", "POST"])


def _view(spec: ModelSpec, view: Callable[..., HttpResponse], action: str, methods: Any) -> Callable[..., HttpResponse]:
    bound = partial(view, spec)
    update_wrapper(bound, view)
    return methods(permission_required(action, spec.model)(bound))  # type: ignore[no-any-return]


def _record_view(
    spec: ModelSpec, view: Callable[..., HttpResponse], action: str, methods: Any
) -> Callable[..., HttpResponse]:
    """``view`` bound to ``spec``, behind ``action``'s permission on the model and ``methods``; the
    record named by the URL's ``spec.lookup`` argument reaches the view as ``lookup``."""
    wrapped = _view(spec, view, action, methods)

    def handler(request: Any, *args: Any, **kwargs: Any) -> HttpResponse:
        if spec.lookup in kwargs:
            kwargs["lookup"] = kwargs.pop(spec.lookup)
        return wrapped(request, *args, **kwargs)

    return handler


def urls_for(spec: ModelSpec) -> list[URLPattern | URLResolver]:
    """List, detail, create, edit, delete, restore, actions, history, as of an event, revert and the tab of
    each child spec (``/customers/CUST0000001/notes/``) of one spec, after the model's own pages (``extra_urls``)."""
    record = "<int:pk>" if spec.lookup == "pk" else f"<str:{spec.lookup}>"
    name = spec.model_name

    def at(
        suffix: str,
        view: Callable[..., HttpResponse],
        action: str,
        methods: Any,
        url_name: str,
    ) -> URLPattern:
        return path(suffix, _record_view(spec, view, action, methods), name=f"{name}_{url_name}")

    patterns = [path("", SpecListView.as_view(spec=listing.get_spec(spec.slug)), name=f"{name}_list")]
    if not spec.append_only:
        # Before the record's path, so "new/" is never read as a code.
        patterns.append(at("new/", views.create, "add", FORM_METHODS, "create"))
    patterns.append(at(f"{record}/", views.detail, "view", require_safe, "detail"))
    if not spec.append_only:
        patterns += _write_and_history_urls(spec, at, record)
    if sensitive.encrypted_fields(spec.model) and not spec.append_only:
        patterns.append(
            at(f"{record}/reveal/<str:field>/", reveal.reveal_view, reveal.REVEAL_ACTION, FORM_METHODS, "reveal")
        )
    for child in children_of(spec.model):
        # After the fixed record paths (edit/, history/), so a child's slug never shadows one.
        tab = partial(views.child_tab, child=child)
        update_wrapper(tab, views.child_tab)
        patterns.append(at(f"{record}/{child.slug}/", tab, "view", require_safe, f"{child.slug}_tab"))
        for tab_view in link_to(child, spec.model).views:
            narrowed = partial(views.child_tab, child=child, view=tab_view)
            update_wrapper(narrowed, views.child_tab)
            patterns.append(at(f"{record}/{tab_view.key}/", narrowed, "view", require_safe, f"{tab_view.key}_tab"))
    own = list(import_module(spec.extra_urls).urlpatterns) if spec.extra_urls else []
    return [*own, *patterns]


def _write_and_history_urls(spec: ModelSpec, at: Callable[..., URLPattern], record: str) -> list[URLPattern]:
    return [
        at(f"{record}/edit/", views.edit, "change", FORM_METHODS, "edit"),
        at(f"{record}/delete/", views.delete, "delete", FORM_METHODS, "delete"),
        at(f"{record}/restore/", views.restore, "delete", require_POST, "restore"),
        at(f"{record}/do/<str:key>/", views.run_action, "change", require_POST, "action"),
        at(f"{record}/history/", history_views.history_page, "view", require_safe, "history"),
        at(f"{record}/history/<int:event_id>/", history_views.as_of, "view", require_safe, "as_of"),
        at(f"{record}/history/<int:event_id>/revert/", history_views.revert, "change", require_POST, "revert"),
    ]


def kit_urls() -> list[URLResolver]:
    """Every spec's URLs under its slug and in its namespace (``contacts:contact_detail``)."""
    return [path(f"{spec.slug}/", include((urls_for(spec), spec.slug))) for spec in all_specs()]
