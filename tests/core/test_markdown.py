"""Markdown (notes, activities) renders the few things people format, and nothing that runs reaches the page."""

from html.parser import HTMLParser

import pytest

from clientbook.core.markdown import render


class Elements(HTMLParser):
    """The tags and attributes of some HTML, as a browser would read them."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attributes: list[tuple[str, str]] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attributes.extend((name, value or "") for name, value in attrs)


def test_bold_italic_lists_links_and_code_render() -> None:
    html = render("**bold** *italic* `x = 1`\n\n- one\n- two\n\n1. first\n\n[site](https://example.com)")

    assert "<strong>bold</strong>" in html and "<em>italic</em>" in html and "<code>x = 1</code>" in html
    assert "<ul>\n<li>one</li>\n<li>two</li>\n</ul>" in html and "<ol>" in html
    assert '<a href="https://example.com" rel="noopener noreferrer nofollow">site</a>' in html


@pytest.mark.parametrize("href", ["http://a.example", "mailto:ada@example.com", "tel:+441234567890"])
def test_the_allowed_schemes_link(href: str) -> None:
    assert ("href", href) in Elements(render(f"[here]({href})")).attributes


ATTACKS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '<a href="javascript:alert(1)">x</a>',
    "[x](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    "[x](jav&#x09;ascript:alert(1))",
    "[x](jav&#x0A;ascript:alert(1))",
    "[x](&#106;avascript:alert(1))",
    "[x](java\tscript:alert(1))",
    "[x](<java\nscript:alert(1)>)",
    "[x](jav%09ascript:alert(1))",
    "<javascript:alert(1)>",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![x](data:image/svg+xml;base64,PHN2Zz4=)",
    '<svg><set attributeName="href" to="javascript:alert(1)"/></svg>',
    "<svg onload=alert(1)>",
    "<math><mtext><script>alert(1)</script></mtext></math>",
    "[x](vbscript:msgbox(1))",
]


@pytest.mark.parametrize("body", ATTACKS)
def test_nothing_that_runs_reaches_the_output(body: str) -> None:
    html = render(body)
    elements = Elements(html)

    assert set(elements.tags) <= {"p", "a", "br"}, html
    assert "<script" not in html and "<svg" not in html and "<set" not in html and "<math" not in html
    for name, value in elements.attributes:
        assert not name.startswith("on"), html
        assert name in ("href", "rel"), html
        if name == "href":
            assert value.split(":", 1)[0].lower() in ("http", "https", "mailto", "tel"), html


def test_raw_html_shows_as_typed() -> None:
    assert render("<b>hi</b> & <i>") == "<p>&lt;b&gt;hi&lt;/b&gt; &amp; &lt;i&gt;</p>\n"
