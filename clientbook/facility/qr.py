"""A card's static QR code, drawn by segno from its opaque payload (nothing personal is encoded)."""

import io

import segno
from django.utils.safestring import SafeString, mark_safe

from clientbook.facility.models import AccessCard

# Error correction "M" keeps a badge readable with a scratch; a 4-module quiet zone is what readers expect.
ERROR = "m"
BORDER = 4


def _code(card: AccessCard) -> segno.QRCode:
    return segno.make_qr(card.qr_payload, error=ERROR)


def inline_svg(card: AccessCard, scale: int = 5) -> SafeString:
    """The code as an ``<svg>`` element for a page (the payload is URL-safe base64, nothing to escape)."""
    # Without a fixed width and height (only its viewBox) the code scales to its box whole, never cropped.
    svg = _code(card).svg_inline(scale=scale, border=BORDER, omitsize=True, title=f"QR code of card {card.card_number}")
    # segno writes the markup; the payload (URL-safe base64) and the card number (letters, digits) hold no markup.
    return mark_safe(svg)


def svg_bytes(card: AccessCard, scale: int = 10) -> bytes:
    out = io.BytesIO()
    _code(card).save(out, kind="svg", scale=scale, border=BORDER, xmldecl=True)
    return out.getvalue()


def png_bytes(card: AccessCard, scale: int = 10) -> bytes:
    out = io.BytesIO()
    _code(card).save(out, kind="png", scale=scale, border=BORDER)
    return out.getvalue()
