"""Reading an uploaded table (CSV or XLSX) as a header and rows of cells, whatever system wrote it.

``inspect`` looks at the start of the file once, at upload: its format, text encoding (UTF-8 with
or without BOM, UTF-16 with BOM, else Windows-1252/Latin-1) and CSV delimiter, and its header row,
where every column gets a name of its own (a mapping is keyed by column name).
It refuses, with a message a person can act on, what cannot be imported: an empty file, a binary
file or a PDF renamed ``.csv``, a header without data rows, a header of too many columns, a cell
too long to be a field. ``read_rows`` then streams the data rows from any row number on, so a
resumed import starts where its last committed batch ended.
"""

import codecs
import csv
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError

CSV = "csv"
XLSX = "xlsx"
DELIMITERS = ",;\t|"
SAMPLE_BYTES = 256 * 1024
SAMPLE_ROWS = 200
MAX_COLUMNS = 200
MAX_CELL_CHARACTERS = 100_000
ZIP_MAGIC = b"PK\x03\x04"
MAGIC_NAMES = {
    b"%PDF": "a PDF document",
    b"\xd0\xcf\x11\xe0": "an old Excel (XLS) or Word file",
    b"\x89PNG": "an image",
}

# The csv module refuses a field past its limit with an error; the limit sits above ours so the
# row can be named in a clear message instead.
csv.field_size_limit(MAX_CELL_CHARACTERS * 20)


@dataclass(frozen=True)
class TableFile:
    """How to read one uploaded file: its format, encoding, delimiter and header row."""

    format: str
    encoding: str
    delimiter: str
    headers: list[str]
    sample: list[list[Any]]


def refuse(message: str) -> ValidationError:
    return ValidationError({"file": message})


def inspect(path: Path, file_name: str) -> TableFile:
    """Read the start of ``path``; raise ``ValidationError`` on ``file`` for a file that cannot be imported."""
    with path.open("rb") as handle:
        head = handle.read(SAMPLE_BYTES)
    if not head.strip():
        raise refuse("The file is empty.")
    for magic, what in MAGIC_NAMES.items():
        if head.startswith(magic):
            raise refuse(f"This file is {what}, not a table. Upload a CSV file or an Excel workbook (.xlsx).")
    table = _inspect_xlsx(path) if head.startswith(ZIP_MAGIC) else _inspect_csv(path, head)
    if not table.headers or not any(str(name).strip() for name in table.headers):
        raise refuse("The first row is empty; it should hold the column names.")
    if len(table.headers) > MAX_COLUMNS:
        raise refuse(f"The header has {len(table.headers):,} columns; at most {MAX_COLUMNS} can be imported.")
    if not table.sample:
        raise refuse("The file has a header row but no data rows.")
    del file_name  # the content decides the format, not the name (a PDF renamed .csv is still a PDF)
    return table


def _inspect_xlsx(path: Path) -> TableFile:
    rows = _xlsx_rows(path)
    try:
        headers = [_header(cell) for cell in next(rows, [])]
        sample = list(islice(_non_empty(rows), SAMPLE_ROWS))
    except ValueError as error:
        raise refuse(f"The workbook cannot be read: {error}") from error
    _check_cells(sample)
    return TableFile(format=XLSX, encoding="", delimiter="", headers=_distinct(_trim(headers)), sample=sample)


def _xlsx_rows(path: Path) -> Iterator[list[Any]]:
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_path(str(path))
        sheet = workbook.get_sheet_by_index(0)
    except Exception as error:  # calamine raises its own error types for damaged archives
        raise refuse(
            "This file is not a readable Excel workbook (.xlsx). Save it again from Excel, or as CSV."
        ) from error
    return iter(sheet.iter_rows())


def _inspect_csv(path: Path, head: bytes) -> TableFile:
    encoding = detect_encoding(head)
    text = _decode_sample(head, encoding)
    if _looks_binary(text):
        raise refuse(
            "This file is not text: it looks like a binary file. Upload a CSV file or an Excel workbook (.xlsx)."
        )
    delimiter = detect_delimiter(text)
    rows = _csv_rows(path, encoding, delimiter)
    try:
        headers = [_header(cell) for cell in next(rows, [])]
        sample = list(islice(_non_empty(rows), SAMPLE_ROWS))
    except csv.Error as error:
        raise refuse(_csv_problem(error)) from error
    _check_cells(sample)
    return TableFile(
        format=CSV, encoding=encoding, delimiter=delimiter, headers=_distinct(_trim(headers)), sample=sample
    )


def detect_encoding(head: bytes) -> str:
    """UTF-8 (BOM or not), UTF-16 (BOM), else Windows-1252, else Latin-1 (which reads any byte)."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    for encoding in ("utf-8", "cp1252"):
        try:
            # Incremental, so a character cut by the end of the sample is not taken for bad bytes.
            codecs.getincrementaldecoder(encoding)().decode(head, final=False)
        except UnicodeDecodeError:
            continue
        return encoding
    return "latin-1"


def _decode_sample(head: bytes, encoding: str) -> str:
    return codecs.getincrementaldecoder(encoding)(errors="replace").decode(head, final=False)


def _looks_binary(text: str) -> bool:
    if "\x00" in text:
        return True
    controls = sum(1 for character in text[:20_000] if ord(character) < 32 and character not in "\r\n\t")
    return controls > len(text[:20_000]) // 100


def detect_delimiter(text: str) -> str:
    """The delimiter of the sample: the sniffer's guess among ``DELIMITERS``, else the header's most common."""
    lines = text.splitlines()
    sample = "\n".join(lines[:50])
    try:
        return csv.Sniffer().sniff(sample, delimiters=DELIMITERS).delimiter
    except csv.Error:
        header = lines[0] if lines else ""
        counts = {delimiter: header.count(delimiter) for delimiter in DELIMITERS}
        best = max(counts, key=lambda delimiter: counts[delimiter])
        return best if counts[best] else ","


def _csv_rows(path: Path, encoding: str, delimiter: str) -> Iterator[list[str]]:
    with path.open("r", encoding=encoding, errors="replace", newline="") as handle:
        yield from csv.reader(handle, delimiter=delimiter)


def _header(cell: Any) -> str:
    return str(cell if cell is not None else "").strip()


def _trim(headers: list[str]) -> list[str]:
    """Drop empty trailing header cells (spreadsheets often save a few)."""
    while headers and not headers[-1]:
        headers.pop()
    return headers


def _distinct(headers: list[str]) -> list[str]:
    """Each column's own name, so each can be mapped: a name repeated (in any case) is numbered
    from its second column on ("Phone", "Phone (2)"), and an empty one is named by its position
    ("Column 3", as the wizard shows it); neither takes a name a column of the file has."""
    in_file = {name.casefold() for name in headers if name}
    given: set[str] = set()
    distinct = []
    for position, name in enumerate(headers, start=1):
        base = name or f"Column {position}"
        candidate, number = base, 1
        while candidate.casefold() in given or (candidate != name and candidate.casefold() in in_file):
            number += 1
            candidate = f"{base} ({number})"
        given.add(candidate.casefold())
        distinct.append(candidate)
    return distinct


def _non_empty(rows: Iterator[list[Any]]) -> Iterator[list[Any]]:
    for row in rows:
        if any(str(cell).strip() for cell in row if cell is not None):
            yield row


def _csv_problem(error: csv.Error) -> str:
    if "field larger than field limit" in str(error):
        limit = MAX_CELL_CHARACTERS * 20
        return f"The file has a cell of more than {limit:,} characters; a field holds at most {MAX_CELL_CHARACTERS:,}."
    return f"The file cannot be read as CSV: {error}."


def _check_cells(sample: list[list[Any]]) -> None:
    for number, row in enumerate(sample, start=2):
        for cell in row:
            if isinstance(cell, str) and len(cell) > MAX_CELL_CHARACTERS:
                raise refuse(
                    f"Row {number} has a cell of {len(cell):,} characters; a field holds at most "
                    f"{MAX_CELL_CHARACTERS:,}. Check that the file is a table of customers."
                )


def read_rows(path: Path, table: TableFile, start: int = 0) -> Iterator[tuple[int, list[Any]]]:
    """``(row number in the file, cells)`` of each non-empty data row from the ``start``-th one on.

    Row numbers count the header as row 1, as a spreadsheet shows them.
    """
    if table.format == XLSX:
        rows: Iterator[list[Any]] = _xlsx_rows(path)
    else:
        rows = _csv_rows(path, table.encoding, table.delimiter)
    numbered = enumerate(rows, start=1)
    next(numbered, None)  # the header
    data = ((number, row) for number, row in numbered if any(str(cell).strip() for cell in row if cell is not None))
    try:
        yield from islice(data, start, None)
    except csv.Error as error:
        raise refuse(f"{_csv_problem(error)} The rows before it were read.") from error


def count_rows(path: Path, table: TableFile, limit: int | None = None) -> int:
    """How many non-empty data rows the file holds, counting no further than ``limit``."""
    return sum(1 for _ in islice(read_rows(path, table), limit))
