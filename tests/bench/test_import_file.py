"""The import benchmark's CSV: every column mapped automatically, the duplicates and bad rows it promises.

That an import of it ends with exactly those counts is checked by the benchmark itself and by
``tests/imports/test_worker_kill.py``.
"""

import csv
from pathlib import Path

from bench import import_file
from clientbook.core.imports import engine as imports
from clientbook.customers.imports import importer

ROWS = 2_000


def test_every_column_is_mapped_automatically() -> None:
    mapping = imports.auto_mapping(importer, import_file.HEADER)
    assert all(mapping.values()), mapping
    assert mapping["Customer Since"] == "account_opened_on"


def test_the_file_holds_the_duplicates_and_bad_rows_it_promises(tmp_path: Path) -> None:
    path = import_file.write_csv(tmp_path / "customers.csv", ROWS)
    with path.open(encoding="utf-8", newline="") as handle:
        emails = [row["Email"] for row in csv.DictReader(handle)]
    expected = import_file.expected_counts(ROWS)
    invalid = [email for email in emails if "@" not in email]
    valid = [email.lower() for email in emails if "@" in email]
    assert (len(emails), len(invalid)) == (ROWS, expected.rejected)
    assert len(valid) - len(set(valid)) == expected.skipped
    assert expected.created == len(set(valid))
    assert import_file.write_csv(tmp_path / "again.csv", ROWS).read_bytes() == path.read_bytes()
