"""The facility's pages beyond the kit's: a card's badge and QR images."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from clientbook.core.web.editing import permission_required
from clientbook.facility import qr, selectors
from clientbook.facility.models import AccessCard
from clientbook.facility.specs import ACCESS_CARDS


def _card(request: HttpRequest, pk: int) -> AccessCard:
    return get_object_or_404(ACCESS_CARDS.get_queryset(request.user), pk=pk)


def _image(body: bytes, content_type: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    # The code is a credential: never kept by a shared cache or the browser's disk cache.
    response["Cache-Control"] = "private, no-store"
    return response


@require_safe
@permission_required("view", AccessCard)
def card_badge(request: HttpRequest, pk: int) -> HttpResponse:
    """A page to print: the holder's name, the card number and its QR code, sized for a badge."""
    card = _card(request, pk)
    context = {
        "card": card,
        "qr_svg": qr.inline_svg(card, scale=6),
        "valid_until": selectors.site_time(card.valid_until),
    }
    response = render(request, "facility/badge.html", context)
    response["Cache-Control"] = "private, no-store"
    return response


@require_safe
@permission_required("view", AccessCard)
def card_qr_svg(request: HttpRequest, pk: int) -> HttpResponse:
    return _image(qr.svg_bytes(_card(request, pk)), "image/svg+xml")


@require_safe
@permission_required("view", AccessCard)
def card_qr_png(request: HttpRequest, pk: int) -> HttpResponse:
    return _image(qr.png_bytes(_card(request, pk)), "image/png")
