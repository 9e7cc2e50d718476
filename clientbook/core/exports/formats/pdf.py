"""The PDF of an export: a table when the chosen columns fit a page, else a block of "label: value" lines per record.

Widths are measured with the font's own metrics (``stringWidth``). A column is never narrower than
its widest word, so text wraps at its spaces only and no word is broken inside: a reader, or a tool
extracting the text, meets every value whole. The tables tried go from the most readable to the
least: A4 portrait at 9 pt, then A4 landscape at 9, 8 and 7 pt (the smallest size still read
comfortably on paper). When the columns fit none of them (a dozen long ones, or every field of a
customer), each record becomes a block of "label: value" lines on A4 portrait, empty fields left
out. A single word wider than its room (a long web address) is set smaller in its own cell, down to
5 pt; only a word wider than a whole line even then is cut, after its own separators ("/", "-", ".").

Amounts read as on the list page: thousands separators, two decimals and the currency ("1,234.50 EUR").
"""

import math
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import IO, Any
from xml.sax.saxutils import escape

from django.utils import timezone
from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import KeepTogether, LongTable, Paragraph, SimpleDocTemplate, Spacer, TableStyle

from clientbook.core.exports.formats.tabular import local_moment, plain_text
from clientbook.core.listing.columns import ExportField, Kind, Money, mask

FONT_DIRS = ("/usr/share/fonts/truetype/dejavu",)
PDF_MARGIN = 12 * mm
# (page, font size) of the tables tried, the most readable first.
TABLE_LAYOUTS = ((A4, 9.0), (landscape(A4), 9.0), (landscape(A4), 8.0), (landscape(A4), 7.0))
BLOCK_PAGE = A4
BLOCK_FONT_SIZE = 9.0
LEADING = 1.2  # line height, times the font size
CELL_PADDING = 3.0  # points each side of a cell's text
# A text column is at least this many ems wide (or as wide as its longest value): narrower, even
# short phrases would wrap a word to a line.
LEAST_TEXT_EMS = 8
# Text columns this wide (or as wide as their longest value) read comfortably.
COMFORTABLE_TEXT_EMS = 20
# A column wants at most this many ems; a longer value wraps.
WIDEST_COLUMN_EMS = 45
# A word wider than this (a web address) is set smaller in its cell rather than widen its whole
# column, down to SMALLEST_WORD_SIZE.
LONG_WORD = 40 * mm
SMALLEST_WORD_SIZE = 5.0
# A word wider than a whole line even at the smallest size is cut after one of these.
WORD_SEPARATORS = "/-.:_@?&=,;+#~"
WORD_PARTS = re.compile(
    f"[^{re.escape(WORD_SEPARATORS)}]*[{re.escape(WORD_SEPARATORS)}]+|[^{re.escape(WORD_SEPARATORS)}]+"
)
# A record taller than a page (a long description) is split inside, each part at least this tall.
SPLIT_ROW_PART = 24
FRAME_PADDING = 6.0  # ReportLab's frame keeps this inside the margins, each side
# A block's labels take at most this share of the line.
BLOCK_LABEL_SHARE = 0.35
HEADER_GREY = colors.HexColor("#E9ECEF")
STRIPE_GREY = colors.HexColor("#F8F9FA")
LINE_GREY = colors.HexColor("#ADB5BD")


@cache
def pdf_fonts() -> tuple[str, str]:
    """DejaVu Sans where the system has it (most scripts of names and addresses), else Helvetica (Latin-1)."""
    for folder in FONT_DIRS:
        regular, bold = os.path.join(folder, "DejaVuSans.ttf"), os.path.join(folder, "DejaVuSans-Bold.ttf")
        if os.path.exists(regular) and os.path.exists(bold):
            pdfmetrics.registerFont(TTFont("ExportSans", regular))
            pdfmetrics.registerFont(TTFont("ExportSans-Bold", bold))
            return "ExportSans", "ExportSans-Bold"
    return "Helvetica", "Helvetica-Bold"


def document_text(field: ExportField, value: Any) -> str:
    """A value as the PDF prints it: amounts with separators and currency, numbers grouped."""
    if field.masked:
        return mask(value)
    if isinstance(value, Money):
        return money_text(value.amount, value.currency)
    if value is None:
        return ""
    if field.kind == Kind.MONEY:
        return money_text(value, "")
    if field.kind == Kind.NUMBER and isinstance(value, int | float | Decimal):
        return f"{value:,}"
    return plain_text(value)


def money_text(amount: Any, currency: str) -> str:
    """``1,234,567.89 EUR``, as the list page shows a balance."""
    if amount is None:
        return ""
    return f"{Decimal(amount):,.2f} {currency}".rstrip()


def word_pieces(word: str, font: str, size: float, width: float) -> list[str]:
    """A word too wide for ``width`` cut into lines after its own separators; a stretch without any
    that is still too wide is cut where its line is full."""
    pieces: list[str] = []
    line = ""
    for part in WORD_PARTS.findall(word):
        if stringWidth(line + part, font, size) <= width:
            line += part
            continue
        if line:
            pieces.append(line)
        line = ""
        for character in part:
            if line and stringWidth(line + character, font, size) > width:
                pieces.append(line)
                line = ""
            line += character
    return [*pieces, line] if line else pieces


@dataclass(frozen=True)
class _Column:
    """A chosen field's texts and their widths at 1 pt (a width at ``size`` is that times ``size``)."""

    field: ExportField
    texts: list[str]
    widths: list[float]
    # Each text's widest word; the whole text where it may not wrap (amounts, dates, numbers).
    words: list[float]
    label_word: float

    @property
    def wraps(self) -> bool:
        return self.field.kind == Kind.TEXT

    @property
    def numeric(self) -> bool:
        return self.field.kind in (Kind.NUMBER, Kind.MONEY)

    def room(self, size: float) -> tuple[float, ...]:
        """The column's widths at ``size``, each at least the one before, padding included: the least (a
        long word set smaller, text wrapped short), a comfortable one (text wrapped less), the one that
        sets every word at ``size``, and the one it wants (its longest value, capped)."""
        longest = max(self.widths, default=0.0) * size
        widest_word = max(self.words, default=0.0) * size
        shrunk_word = max(LONG_WORD, max(self.words, default=0.0) * SMALLEST_WORD_SIZE)
        least = max(min(widest_word, shrunk_word), self.label_word * size)
        comfortable = least
        if self.wraps:
            least = max(least, min(longest, LEAST_TEXT_EMS * size))
            comfortable = max(least, min(longest, COMFORTABLE_TEXT_EMS * size))
        whole_words = max(comfortable, widest_word)
        wanted = max(whole_words, min(longest, WIDEST_COLUMN_EMS * size))
        return tuple(width + 2 * CELL_PADDING for width in (least, comfortable, whole_words, wanted))


def _columns(fields: Sequence[ExportField], rows: Sequence[Sequence[Any]], regular: str, bold: str) -> list[_Column]:
    columns = []
    for index, field in enumerate(fields):
        texts = [document_text(field, row[index]) for row in rows]
        measured: dict[str, tuple[float, float]] = {}
        for text in texts:
            if text not in measured:
                width = stringWidth(text, regular, 1)
                parts = text.split() if field.kind == Kind.TEXT else [text]
                widest = (
                    width if len(parts) == 1 else max((stringWidth(part, regular, 1) for part in parts), default=0.0)
                )
                measured[text] = (width, widest)
        label_word = max((stringWidth(part, bold, 1) for part in field.label.split()), default=0.0)
        columns.append(
            _Column(
                field=field,
                texts=texts,
                widths=[measured[text][0] for text in texts],
                words=[measured[text][1] for text in texts],
                label_word=label_word,
            )
        )
    return columns


def _shared(rooms: Sequence[Sequence[float]], usable: float) -> list[float]:
    """Each column its least width; then, step by step (``_Column.room``), more as the line allows,
    shared by how much more each wants; what is left, by width."""
    widths = [room[0] for room in rooms]
    for step in range(1, len(rooms[0])):
        more = [room[step] - width for room, width in zip(rooms, widths, strict=True)]
        spare = usable - sum(widths)
        if spare < sum(more):
            return [width + spare * extra / sum(more) for width, extra in zip(widths, more, strict=True)]
        widths = [room[step] for room in rooms]
    rest = usable - sum(widths)
    return [width + rest * width / sum(widths) for width in widths]


class _PageTable(LongTable):
    """A table split between its rows; inside a row only at the top of a page, for a row taller than
    a page (a long description). A row cut at the foot of a page whose next page could hold it
    whole would only be harder to read. ``page_room``: the height of a page's frame."""

    page_room = 0.0

    def split(self, availWidth: float, availHeight: float) -> list[Any]:
        self.splitInRow = 0
        parts = super().split(availWidth, availHeight)
        if parts or availHeight < self.page_room - 1:
            return parts
        self.splitInRow = SPLIT_ROW_PART
        return super().split(availWidth, availHeight)


def _page_table(page: tuple[float, float]) -> type[_PageTable]:
    room = page[1] - 2 * PDF_MARGIN - 2 * FRAME_PADDING
    return type("PageTable", (_PageTable,), {"page_room": room})


class _Cells:
    """Cells at one font size: plain strings where the text fits its room (fast), paragraphs where it wraps."""

    def __init__(self, font: str, size: float) -> None:
        self.font = font
        self.size = size
        self._styles: dict[tuple[str, float, int], ParagraphStyle] = {}

    def style(self, font: str, size: float, alignment: int = TA_LEFT) -> ParagraphStyle:
        key = (font, size, alignment)
        if key not in self._styles:
            self._styles[key] = ParagraphStyle(
                f"cell-{len(self._styles)}",
                fontName=font,
                fontSize=size,
                leading=size * LEADING,
                alignment=alignment,
                # Never break a word inside: the columns are as wide as their widest word.
                splitLongWords=0,
            )
        return self._styles[key]

    def cell(self, text: str, width: float, widest_word: float, room: float, alignment: int = TA_LEFT) -> Any:
        """``width`` and ``widest_word``: the text's at 1 pt; ``room``: the cell's width less its padding."""
        if not text:
            return ""
        if width * self.size <= room and text.isprintable():
            return text  # a line break or a tab needs a paragraph (it keeps line breaks, a tab is a space)
        size = self.size
        if widest_word * size > room:
            size = max(SMALLEST_WORD_SIZE, math.floor(room / widest_word * 10) / 10)
        if widest_word * size > room:
            markup = " ".join(self._word_markup(word, size, room) for word in text.split())
        else:
            markup = "<br/>".join(escape(line) for line in text.splitlines())
        return Paragraph(markup, self.style(self.font, size, alignment))

    def _word_markup(self, word: str, size: float, room: float) -> str:
        if stringWidth(word, self.font, size) <= room:
            return escape(word)
        return "<br/>".join(escape(piece) for piece in word_pieces(word, self.font, size, room))


def _table(
    columns: Sequence[_Column], widths: Sequence[float], size: float, page: tuple[float, float], regular: str, bold: str
) -> LongTable:
    cells = _Cells(regular, size)
    header = [
        Paragraph(escape(column.field.label), cells.style(bold, size, TA_RIGHT if column.numeric else TA_LEFT))
        for column in columns
    ]
    data: list[list[Any]] = [header]
    rooms = [width - 2 * CELL_PADDING for width in widths]
    for index in range(len(columns[0].texts)):
        data.append(
            [
                cells.cell(
                    column.texts[index],
                    column.widths[index],
                    column.words[index],
                    room,
                    TA_RIGHT if column.numeric else TA_LEFT,
                )
                for column, room in zip(columns, rooms, strict=True)
            ]
        )
    table = _page_table(page)(data, colWidths=list(widths), repeatRows=1)
    style = [
        ("FONT", (0, 0), (-1, -1), regular, size),
        ("LEADING", (0, 0), (-1, -1), size * LEADING),
        ("BACKGROUND", (0, 0), (-1, 0), HEADER_GREY),
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, LINE_GREY),
        ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, STRIPE_GREY]),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
        ("LEFTPADDING", (0, 0), (-1, -1), CELL_PADDING),
        ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PADDING),
    ]
    style += [("ALIGN", (index, 1), (index, -1), "RIGHT") for index, column in enumerate(columns) if column.numeric]
    table.setStyle(TableStyle(style))
    return table


def _blocks(columns: Sequence[_Column], usable: float, regular: str, bold: str) -> list[Any]:
    """One block per record: a "label: value" line per field that has a value."""
    size = BLOCK_FONT_SIZE
    cells = _Cells(regular, size)
    labels = [f"{column.field.label}:" for column in columns]
    widest_label = max(stringWidth(label, bold, size) for label in labels) + 2 * CELL_PADDING
    label_width = min(widest_label, usable * BLOCK_LABEL_SHARE)
    value_width = usable - label_width
    label_cells = [
        label
        if stringWidth(label, bold, size) + 2 * CELL_PADDING <= label_width
        else Paragraph(escape(label), cells.style(bold, size))
        for label in labels
    ]
    room = value_width - 2 * CELL_PADDING
    style = TableStyle(
        [
            ("FONT", (0, 0), (-1, -1), regular, size),
            ("FONT", (0, 0), (0, -1), bold, size),
            ("LEADING", (0, 0), (-1, -1), size * LEADING),
            ("BACKGROUND", (0, 0), (-1, 0), HEADER_GREY),
            ("LINEABOVE", (0, 0), (-1, 0), 0.8, LINE_GREY),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("TOPPADDING", (0, 0), (-1, -1), 1),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
            ("LEFTPADDING", (0, 0), (-1, -1), CELL_PADDING),
            ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PADDING),
        ]
    )
    story: list[Any] = []
    block_table = _page_table(BLOCK_PAGE)
    for index in range(len(columns[0].texts)):
        lines = [
            [label, cells.cell(column.texts[index], column.widths[index], column.words[index], room)]
            for label, column in zip(label_cells, columns, strict=True)
            if column.texts[index]
        ]
        if lines:
            block = block_table(lines, colWidths=[label_width, value_width], style=style, spaceAfter=3 * mm)
            story.append(KeepTogether([block]))
    return story


def _table_layout(columns: Sequence[_Column]) -> tuple[tuple[float, float], float, list[float]]:
    """The page, font size and column widths of the first table layout whose columns fit comfortably,
    else of the first where they fit at all; no widths: they fit none (a block per record, then)."""
    for comfort in (1, 0):
        for page, size in TABLE_LAYOUTS:
            usable = page[0] - 2 * PDF_MARGIN
            rooms = [column.room(size) for column in columns]
            if sum(room[comfort] for room in rooms) <= usable:
                return page, size, _shared(rooms, usable)
    return BLOCK_PAGE, BLOCK_FONT_SIZE, []


class _NumberedCanvas(Canvas):
    """Writes "Page n of m" on every page, which needs every page laid out before the first is written."""

    footer_text = ""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._pages: list[dict[str, Any]] = []

    def showPage(self) -> None:
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._pages)
        for state in self._pages:
            self.__dict__.update(state)
            font, _ = pdf_fonts()
            self.setFont(font, 7)
            self.setFillColor(colors.grey)
            width, _ = self._pagesize
            self.drawString(PDF_MARGIN, PDF_MARGIN / 2, self.footer_text)
            self.drawRightString(width - PDF_MARGIN, PDF_MARGIN / 2, f"Page {self._pageNumber} of {total}")
            super().showPage()
        super().save()


def write_pdf(
    fields: Sequence[ExportField],
    rows: Sequence[Sequence[Any]],
    target: IO[bytes],
    *,
    title: str,
    filters: Sequence[tuple[str, str]],
    sort_label: str,
    generated_by: str,
) -> None:
    """Title, the filters used, date and author, then the records (a table, or blocks); page numbers below."""
    regular, bold = pdf_fonts()
    text_style = ParagraphStyle("text", fontName=regular, fontSize=9, leading=12, textColor=colors.HexColor("#495057"))
    title_style = ParagraphStyle("title", fontName=bold, fontSize=16, leading=20, spaceAfter=4)

    columns = _columns(fields, rows, regular, bold)
    page_size, size, widths = _table_layout(columns)
    if widths:
        records = [_table(columns, widths, size, page_size, regular, bold)]
        layout_note = ""
    else:
        records = _blocks(columns, page_size[0] - 2 * PDF_MARGIN, regular, bold)
        layout_note = " · one block per record (too many columns for a table), empty fields left out"

    generated = local_moment(timezone.now()).strftime("%Y-%m-%d %H:%M")
    filter_text = "; ".join(f"{label}: {value}" for label, value in filters) or "none (every record)"
    story: list[Any] = [
        Paragraph(escape(title), title_style),
        Paragraph(f"<b>Filters:</b> {escape(filter_text)}", text_style),
        Paragraph(
            escape(
                f"Sorted by {sort_label} · {len(rows):,} records · exported {generated} by {generated_by}{layout_note}"
            ),
            text_style,
        ),
        Spacer(1, 4 * mm),
    ]
    story += records if rows else [Paragraph("No records match these filters.", text_style)]

    document = SimpleDocTemplate(
        target,
        pagesize=page_size,
        leftMargin=PDF_MARGIN,
        rightMargin=PDF_MARGIN,
        topMargin=PDF_MARGIN,
        bottomMargin=PDF_MARGIN,
        title=title,
        author=generated_by,
    )
    canvas = type("ExportCanvas", (_NumberedCanvas,), {"footer_text": f"{title} · exported {generated}"})
    document.build(story, canvasmaker=canvas)
