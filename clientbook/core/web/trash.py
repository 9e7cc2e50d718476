"""The Trash page, mounted at ``/trash/``: deleted records of every model registered with
``clientbook.core.records.trash``, with who deleted them and when.

Whoever may delete a model may open its trash and restore its rows (Admin and Sales); only
administrators purge, after a confirmation. Restore and purge go through the models' services, so
both are audited and keep every rule.
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from clientbook.core.permissions import can, is_admin
from clientbook.core.records import trash
from clientbook.core.web.editing import finish, refuse, render_form

PER_PAGE = 25

View = Callable[..., HttpResponse]


def trash_users_only(view: View) -> View:
    """Users who may restore nothing get 403."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not trash.specs_for(request.user):
            raise PermissionDenied("Your role may not restore deleted records.")
        return view(request, *args, **kwargs)

    return wrapped


def _may_purge(user: Any, spec: trash.TrashSpec) -> bool:
    return is_admin(user) and can(user, "delete", spec.model)


def _spec(request: HttpRequest, key: str) -> trash.TrashSpec:
    spec = trash.spec_for_key(key)
    if spec is None:
        raise Http404(f"Nothing called “{key}” goes to the trash.")
    if not can(request.user, "delete", spec.model):
        raise PermissionDenied(f"Your role may not restore {spec.model._meta.verbose_name_plural}.")
    return spec


def _deleted(request: HttpRequest, spec: trash.TrashSpec, pk: int) -> Any:
    row = trash.deleted_rows(spec, request.user).filter(pk=pk).first()
    if row is None:
        raise Http404(f"No deleted {spec.model._meta.verbose_name} with id {pk}.")
    return row


def trash_url(spec: trash.TrashSpec) -> str:
    return f"{reverse('trash:trash')}?{urlencode({'type': spec.key})}"


@dataclass(frozen=True)
class Tab:
    spec: trash.TrashSpec
    count: int
    url: str
    active: bool


@require_safe
@trash_users_only
def trash_page(request: HttpRequest) -> HttpResponse:
    """One tab per model the user may restore, its deleted rows newest first, a page at a time."""
    specs = trash.specs_for(request.user)
    key = request.GET.get("type", "").strip() or specs[0].key
    spec = _spec(request, key)
    paginator = Paginator(trash.deleted_rows(spec, request.user), PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    items = trash.items(spec, page.object_list)
    tabs = [
        Tab(
            spec=tab_spec,
            count=paginator.count if tab_spec is spec else trash.deleted_rows(tab_spec, request.user).count(),
            url=trash_url(tab_spec),
            active=tab_spec is spec,
        )
        for tab_spec in specs
    ]
    context = {
        "spec": spec,
        "tabs": tabs,
        "items": items,
        "page": page,
        "has_codes": any(item.code for item in items),
        "can_purge": _may_purge(request.user, spec),
        "current_url": request.get_full_path(),
        "page_url": trash_url(spec),
    }
    return render(request, "core/trash.html", context)


@require_POST
@trash_users_only
def trash_restore(request: HttpRequest, key: str, pk: int) -> HttpResponse:
    spec = _spec(request, key)
    row = _deleted(request, spec, pk)
    name = spec.describe(row)
    try:
        spec.restore(request.user, row)
    except ValidationError as error:
        return refuse(
            request,
            message=f"{spec.singular} “{name}” was not restored: {' '.join(error.messages)}",
            redirect_to=trash_url(spec),
        )
    return finish(request, message=f"{spec.singular} “{name}” restored.", redirect_to=trash_url(spec), stay=True)


@require_http_methods(["GET", "HEAD", "POST"])
@trash_users_only
def trash_purge(request: HttpRequest, key: str, pk: int) -> HttpResponse:
    """GET asks for confirmation (a page, or the modal); POST deletes the row for good."""
    spec = _spec(request, key)
    if not _may_purge(request.user, spec):
        raise PermissionDenied("Only administrators may purge deleted records.")
    row = _deleted(request, spec, pk)
    if request.method == "POST":
        name = spec.describe(row)
        spec.purge(request.user, row)
        return finish(
            request, message=f"{spec.singular} “{name}” purged for good.", redirect_to=trash_url(spec), stay=True
        )
    context = {
        "spec": spec,
        "item": trash.items(spec, [row])[0],
        "action": reverse("trash:purge", kwargs={"key": spec.key, "pk": row.pk}),
        "cancel_url": trash_url(spec),
    }
    return render_form(request, "core/trash_confirm_purge.html", context)
