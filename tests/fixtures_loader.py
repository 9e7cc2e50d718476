"""Load ``shared/fixtures/datablist-customers-100.csv`` into customers through the services.

The file is a public sample (datablist.com) of people with a company each. Every row becomes a person
customer linked to an organization customer named after its company; values the validation refuses
(most phone numbers in the file are random digits) are left out rather than failing the row.
"""

import csv
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import phonenumbers
from django.conf import settings
from django.core.exceptions import ValidationError
from django_countries import countries

from clientbook.core.listing.search import normalise
from clientbook.customers.models import Customer
from clientbook.customers.services import create_customer

DATABLIST_CSV = Path(settings.BASE_DIR).parent / "shared/fixtures/datablist-customers-100.csv"
_PARENTHESES = re.compile(r"\s*\(.*?\)")


@dataclass
class LoadReport:
    people: list[Customer] = field(default_factory=list)
    organizations: dict[str, Customer] = field(default_factory=dict)
    left_out: list[tuple[str, str, str]] = field(default_factory=list)  # (customer id, field, value)


def country_code(name: str) -> str:
    """ISO code of a country name as written in the file ('' when no country matches)."""
    code = countries.by_name(name) or countries.by_name(_PARENTHESES.sub("", name))
    if code:
        return str(code)
    wanted = normalise(_PARENTHESES.sub("", name))
    return next((str(code) for code, label in countries if normalise(str(label)) == wanted), "")


def phone_number(raw: str, region: str) -> str | None:
    """E.164 form of ``raw`` read in the customer's country, else in the default region; None if invalid."""
    for candidate_region in dict.fromkeys([region or None, settings.PHONENUMBER_DEFAULT_REGION]):
        try:
            number = phonenumbers.parse(raw, candidate_region)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(number):
            return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return None


def load_datablist_customers(path: Path = DATABLIST_CSV, *, user: Any = None) -> LoadReport:
    report = LoadReport()
    with path.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            _load_row(row, report, user)
    return report


def _load_row(row: dict[str, str], report: LoadReport, user: Any) -> None:
    external_id = row["Customer Id"].strip()
    country = country_code(row["Country"])
    if not country and row["Country"].strip():
        report.left_out.append((external_id, "country", row["Country"]))
    fields: dict[str, Any] = {
        "kind": Customer.Kind.PERSON,
        "first_name": row["First Name"].strip(),
        "last_name": row["Last Name"].strip(),
        "city": row["City"].strip(),
        "country": country,
        "email": row["Email"].strip(),
        "website": row["Website"].strip(),
        "external_id": external_id,
        "account_opened_on": date.fromisoformat(row["Subscription Date"].strip()),
        "organization": _organization(row["Company"].strip(), report, user),
    }
    for column, field_name in (("Phone 1", "phone"), ("Phone 2", "alt_phone")):
        number = phone_number(row[column], country)
        if number:
            fields[field_name] = number
        elif row[column].strip():
            report.left_out.append((external_id, field_name, row[column]))
    report.people.append(_create_leaving_out_refused(fields, external_id, report, user))


def _organization(name: str, report: LoadReport, user: Any) -> Customer | None:
    if not name:
        return None
    if name not in report.organizations:
        report.organizations[name] = create_customer(user=user, kind=Customer.Kind.ORGANIZATION, company_name=name)
    return report.organizations[name]


def _create_leaving_out_refused(fields: dict[str, Any], external_id: str, report: LoadReport, user: Any) -> Customer:
    """Create the customer; a value the validation refuses is dropped and the row tried again without it."""
    try:
        return create_customer(user=user, **fields)
    except ValidationError as error:
        refused = [name for name in error.message_dict if name in fields and name not in ("first_name", "last_name")]
        if not refused:
            raise
        for name in refused:
            report.left_out.append((external_id, name, str(fields.pop(name))))
        return create_customer(user=user, **fields)
