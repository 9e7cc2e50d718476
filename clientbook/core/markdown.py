"""Markdown typed by users (a note, an activity's description) as HTML that is safe to show:
markdown-it-py renders, nh3 sanitises.

Raw HTML in the text is escaped by the renderer (it shows as typed), and whatever HTML comes out
is cleaned against an allow-list: a handful of tags, links only to http, https, mailto and tel
(so no ``javascript:`` or ``data:`` however it is spelt), no images, SVG or MathML, and every link
gets ``rel="noopener noreferrer nofollow"``. docs/development/decisions/0008-markdown-it-py-and-nh3.md says why.
"""

import re
from urllib.parse import unquote

import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

ALLOWED_TAGS = {"p", "br", "strong", "em", "ul", "ol", "li", "a", "code", "pre", "blockquote", "hr"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
URL_SCHEMES = {"http", "https", "mailto", "tel"}
LINK_REL = "noopener noreferrer nofollow"

# A scheme as a browser would read it once percent-escapes, whitespace and control characters are gone.
_SCHEME = re.compile(r"^([a-z][a-z0-9+.-]*):")
_IGNORED_BY_BROWSERS = re.compile(r"[\x00-\x20\x7f]+")

# CommonMark without raw HTML; a single newline is a line break, as people write notes and descriptions.
_renderer = MarkdownIt("commonmark", {"html": False, "breaks": True}).disable("image")


def _href_filter(tag: str, attribute: str, value: str) -> str | None:
    """Drop a link that only looks relative: ``jav%09ascript:`` is ``javascript:`` to a lenient reader."""
    if attribute != "href":
        return value
    scheme = _SCHEME.match(_IGNORED_BY_BROWSERS.sub("", unquote(value)).lower())
    return None if scheme and scheme.group(1) not in URL_SCHEMES else value


def render(body: str) -> SafeString:
    html = _renderer.render(body or "")
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel=LINK_REL,
        attribute_filter=_href_filter,
        strip_comments=True,
    )
    # Safe because nh3 has just cleaned it against the allow-list above.
    return mark_safe(cleaned)
