"""The universal search's pages: ``/search/?q=`` (the sidebar's search form, which works without
JavaScript) and ``/search/palette/?q=``, the fragment the Ctrl+K palette shows (``static/js/palette.js``).

Both render ``kit/search.html`` from ``universal_search``; the palette gets its ``results`` partial.
"""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_safe

from clientbook.core.kit.universal import MAX_QUERY_LENGTH, UniversalResults, universal_search

TEMPLATE = "kit/search.html"


class SearchForm(forms.Form):
    q = forms.CharField(
        label="Search",
        required=False,
        max_length=MAX_QUERY_LENGTH,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off", "class": "form-control"}),
    )


def _search(request: HttpRequest) -> tuple[SearchForm, UniversalResults | None, int]:
    """The form, what it found (None before anything was typed) and the status to answer with."""
    form = SearchForm(request.GET)
    if not form.is_valid():
        return form, None, 422
    query = form.cleaned_data["q"]
    if not query:
        return form, None, 200
    try:
        return form, universal_search(request.user, query), 200
    except ValidationError as refused:
        for message in refused.message_dict.get("q", refused.messages):
            form.add_error("q", message)
        return form, None, 422


def _context(form: SearchForm, found: UniversalResults | None, **extra: Any) -> dict[str, Any]:
    return {"form": form, "found": found, **extra}


@require_safe
def search_page(request: HttpRequest) -> HttpResponse:
    form, found, status = _search(request)
    return render(request, TEMPLATE, _context(form, found), status=status)


@require_safe
def palette(request: HttpRequest) -> HttpResponse:
    form, found, status = _search(request)
    return render(request, f"{TEMPLATE}#results", _context(form, found, palette=True), status=status)


search_urls = (
    [path("", search_page, name="page"), path("palette/", palette, name="palette")],
    "search",
)
