"""Shared pieces of detail, create, edit and delete pages (the htmx modal contract included).

Create and edit forms work as full pages and, when htmx loads them into ``#modal-content``, as the
body of the shared modal (base.html). A form template defines a ``modal`` partial for the second
case. After a successful write a view calls ``finish``:

- plain request: a Django message and a redirect (303, so a reload never re-posts);
- htmx request: either ``HX-Redirect`` (the message shows as a toast on the next page), or, when
  the page stays, 204 with ``HX-Trigger: {"closeModal": true, "showToast": {...}, "refreshList": true}``.

A write that can be taken back (a delete) passes ``undo``: the toast then carries an Undo button
that posts to the restore URL, whether it comes from ``showToast`` or from a Django message on the
next page (the URL rides in the message's ``extra_tags`` as ``undo:<url>``).

An invalid form answers 422 with the form re-rendered (the user's input kept); htmx must be
configured to swap 422 responses (``htmx.config.responseHandling``).
"""

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.cache import patch_vary_headers

from clientbook.core.permissions import can

MODAL_TARGET = "modal-content"
UNPROCESSABLE = 422
CONFLICT = 409
UNDO_TAG = "undo:"

View = Callable[..., HttpResponse]


def is_htmx(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False))


def in_modal(request: HttpRequest) -> bool:
    """An htmx request whose answer goes into the shared modal."""
    htmx = getattr(request, "htmx", None)
    if not htmx:
        return False
    return bool(htmx.target == MODAL_TARGET and not htmx.history_restore_request)


def htmx_current_path(request: HttpRequest) -> str:
    """The path of the page an htmx request came from ('' when unknown)."""
    htmx = getattr(request, "htmx", None)
    if not htmx:
        return ""
    return (htmx.current_url_abs_path or "").split("?", 1)[0]


def require(request: HttpRequest, action: str, model: type[models.Model]) -> None:
    if not can(request.user, action, model):
        raise PermissionDenied(f"Your role may not {action} {model._meta.verbose_name_plural}.")


def permission_required(action: str, model: type[models.Model]) -> Callable[[View], View]:
    """Users without the right get 403 (``LoginGate`` has sent anonymous visitors to the login page).

    The check runs before the view reads any input, so a refused request never writes.
    """

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            require(request, action, model)
            return view(request, *args, **kwargs)

        return wrapped

    return decorate


def htmx_redirect(url: str) -> HttpResponse:
    response = HttpResponse(status=204)
    response["HX-Redirect"] = url
    return response


@dataclass(frozen=True)
class Undo:
    """The action of a toast: a button that posts to ``url`` (with the CSRF token) to take a write back."""

    url: str
    label: str = "Undo"


def toast(message: str, *, level: str = "success", undo: Undo | None = None) -> dict[str, Any]:
    """The ``showToast`` detail: ``{"message", "level"}`` and, when the write can be taken back, ``undo``."""
    detail: dict[str, Any] = {"message": message, "level": level}
    if undo is not None:
        detail["undo"] = {"url": undo.url, "label": undo.label}
    return detail


def modal_done(
    message: str, *, level: str = "success", refresh_list: bool = True, undo: Undo | None = None
) -> HttpResponse:
    """Close the modal, toast ``message`` and (by default) ask the page to reload its list."""
    triggers: dict[str, Any] = {"closeModal": True, "showToast": toast(message, level=level, undo=undo)}
    if refresh_list:
        triggers["refreshList"] = True
    response = HttpResponse(status=204)
    response["HX-Trigger"] = json.dumps(triggers)
    return response


def add_message(request: HttpRequest, message: str, *, level: int = messages.SUCCESS, undo: Undo | None = None) -> None:
    """A Django message for the next page; ``undo`` gives its toast an Undo button (a form without JavaScript)."""
    messages.add_message(request, level, message, extra_tags=f"{UNDO_TAG}{undo.url}" if undo is not None else "")


def undo_url_of(message: Any) -> str:
    """The Undo URL a message carries ('' when none)."""
    for tag in str(getattr(message, "extra_tags", "") or "").split():
        if tag.startswith(UNDO_TAG):
            return tag.removeprefix(UNDO_TAG)
    return ""


def finish(
    request: HttpRequest, *, message: str, redirect_to: str, stay: bool = False, undo: Undo | None = None
) -> HttpResponse:
    """The answer to a successful write; ``stay`` keeps an htmx caller on its page (toast and refresh)."""
    if is_htmx(request) and stay:
        return modal_done(message, undo=undo)
    add_message(request, message, undo=undo)
    if is_htmx(request):
        return htmx_redirect(redirect_to)
    return HttpResponseRedirect(redirect_to, status=303)


def refuse(request: HttpRequest, *, message: str, redirect_to: str) -> HttpResponse:
    """The answer to a write the rules refused without a form to show it on: an error toast, or a
    message on the page at ``redirect_to`` without htmx."""
    if is_htmx(request):
        response = HttpResponse(status=204)
        response["HX-Trigger"] = json.dumps({"showToast": toast(message, level="danger")})
        return response
    add_message(request, message, level=messages.ERROR)
    return HttpResponseRedirect(redirect_to, status=303)


def posted_version(request: HttpRequest) -> int | None:
    """The ``version`` a form posted (the one its page showed); None when absent or not a number."""
    raw = request.POST.get("version", "").strip()
    return int(raw) if raw.isdigit() else None


def render_form(
    request: HttpRequest,
    template: str,
    context: Mapping[str, Any],
    *,
    invalid: bool = False,
    status: int | None = None,
) -> HttpResponse:
    """The page, or its ``modal`` partial for the modal; 422 when the form was refused (or ``status``)."""
    name = f"{template}#modal" if in_modal(request) else template
    response = render(request, name, dict(context), status=status or (UNPROCESSABLE if invalid else 200))
    patch_vary_headers(response, ("HX-Request", "HX-Target"))
    return response


@dataclass(frozen=True)
class DeleteConfirmation:
    """What the confirmation before deleting one record shows (``core/confirm_delete.html``).

    ``message_template`` says, in the model's words, what deleting this record does; it is
    rendered with the context given to ``render_delete_confirmation``.
    """

    noun: str
    title: str
    delete_url: str
    cancel_url: str
    version: int
    message_template: str
    breadcrumbs: tuple[tuple[str, str], ...]


def render_delete_confirmation(
    request: HttpRequest, confirmation: DeleteConfirmation, context: Mapping[str, Any], *, stale_summary: str = ""
) -> HttpResponse:
    """The confirmation page or modal; 409 with ``stale_summary`` when the record changed since it was shown."""
    return render_form(
        request,
        "core/confirm_delete.html",
        {**context, "confirmation": confirmation, "stale_summary": stale_summary},
        status=CONFLICT if stale_summary else None,
    )


class BootstrapFormMixin:
    """Bootstrap classes on every widget, ``is-invalid`` on fields with errors, service errors on fields."""

    fields: dict[str, forms.Field]
    errors: Any

    def style_widgets(self) -> None:
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxSelectMultiple | forms.RadioSelect | forms.HiddenInput):
                continue
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            classes = widget.attrs.get("class", "")
            if css not in classes.split():
                widget.attrs["class"] = f"{classes} {css}".strip()

    def mark_invalid(self) -> None:
        for name in self.errors:
            if name in self.fields:
                attrs = self.fields[name].widget.attrs
                if "is-invalid" not in attrs.get("class", ""):
                    attrs["class"] = f"{attrs.get('class', '')} is-invalid".strip()
                attrs["aria-invalid"] = "true"

    def full_clean(self) -> None:
        super().full_clean()  # type: ignore[misc]
        self.mark_invalid()

    def add_service_errors(self, error: ValidationError) -> None:
        """Put a service's per-field messages next to the matching fields (others above the form)."""
        if not hasattr(error, "error_dict"):
            for message in error.messages:
                self.add_error(None, message)  # type: ignore[attr-defined]
        else:
            for name, field_messages in error.message_dict.items():
                for message in field_messages:
                    self.add_error(name if name in self.fields else None, message)  # type: ignore[attr-defined]
        self.mark_invalid()
