"""A CSV of realistic customers for the import benchmark, as a person would export it from elsewhere.

Columns a spreadsheet of customers typically has, under everyday names that the import's automatic
mapping recognises: first and last name, e-mail, phone (international or national format), city,
country by English name, balance, a date ("Customer Since", ISO) and labels from a small set. The
rows are deterministic for a seed; every ``DUPLICATE_EVERY``-th row repeats an earlier row's e-mail
in capitals (a duplicate the import skips) and every ``INVALID_EVERY``-th has an e-mail address
that is not one (a row the import rejects), so a run exercises every ending a row can have.
``expected_counts`` says how many of each a file of ``rows`` holds.

Django must be set up (the vocabularies are those of the demo data, ``clientbook.customers.demo``); no
database is read.
"""

import csv
import random
from dataclasses import dataclass
from pathlib import Path

import phonenumbers
from django_countries import countries
from phonenumbers import PhoneNumberFormat

from clientbook.customers import demo

HEADER = ("First Name", "Last Name", "Email", "Phone", "City", "Country", "Balance", "Customer Since", "Labels")
LABELS = ("VIP", "Newsletter", "Key account", "Late payer", "Partner", "Do not call")
PHONES_PER_COUNTRY = 300
DUPLICATE_EVERY = 250  # row i with i % 250 == DUPLICATE_AT repeats row i - DUPLICATE_BACK's e-mail
DUPLICATE_AT = 125
DUPLICATE_BACK = 100
INVALID_EVERY = 1000  # row i with i % 1000 == INVALID_AT has no valid e-mail address
INVALID_AT = 999
SEED = 20260105


@dataclass(frozen=True)
class ExpectedCounts:
    created: int
    skipped: int
    rejected: int


def expected_counts(rows: int) -> ExpectedCounts:
    """What an import of the first ``rows`` rows (strategy skip, matched on e-mail) ends with."""
    rejected = sum(1 for index in range(rows) if _invalid(index))
    skipped = sum(1 for index in range(rows) if _duplicate(index))
    return ExpectedCounts(created=rows - rejected - skipped, skipped=skipped, rejected=rejected)


def _invalid(index: int) -> bool:
    return index % INVALID_EVERY == INVALID_AT


def _duplicate(index: int) -> bool:
    # The row repeated is never itself invalid or a duplicate (its index % 250 is 25).
    return index % DUPLICATE_EVERY == DUPLICATE_AT and not _invalid(index)


def write_csv(path: Path, rows: int, seed: int = SEED) -> Path:
    """Write the header and ``rows`` customers to ``path`` (UTF-8, comma separated)."""
    rng = random.Random(seed)
    phones = _phone_pools(random.Random(seed + 1))
    names = {country.code: str(countries.name(country.code)) for country in demo.COUNTRIES}
    weights = [country.weight for country in demo.COUNTRIES]
    emails: list[str] = []
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for index in range(rows):
            country = rng.choices(demo.COUNTRIES, weights=weights)[0]
            female = rng.random() < 0.5
            first = rng.choice(country.first_names_female if female else country.first_names_male)
            last = rng.choice(country.last_names)
            email = f"{demo.email_local(first, last)}.{index + 1}@{rng.choice(demo.EMAIL_DOMAINS)}"
            emails.append(email)
            if _invalid(index):
                email = email.replace("@", " at ")
            elif _duplicate(index):
                email = emails[index - DUPLICATE_BACK].upper()
            labels = ", ".join(rng.sample(LABELS, k=rng.choice((1, 1, 2)))) if rng.random() < 0.3 else ""
            writer.writerow(
                (
                    first,
                    last,
                    email,
                    rng.choice(phones[country.code]),
                    rng.choice(country.cities).name,
                    names[country.code],
                    f"{demo.balance(rng):.2f}",
                    demo.past_day(rng, 3650, 30).isoformat(),
                    labels,
                )
            )
    return path


def _phone_pools(rng: random.Random) -> dict[str, list[str]]:
    """Valid mobile numbers of each country, half written internationally, half nationally."""
    book = demo.PhoneBook(rng)
    pools: dict[str, list[str]] = {}
    for country in demo.COUNTRIES:
        pool = []
        for number in range(PHONES_PER_COUNTRY):
            parsed = phonenumbers.parse(book.number(country))
            style = PhoneNumberFormat.INTERNATIONAL if number % 2 else PhoneNumberFormat.NATIONAL
            pool.append(phonenumbers.format_number(parsed, style))
        pools[country.code] = pool
    return pools
