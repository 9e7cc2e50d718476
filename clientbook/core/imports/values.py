"""Reading the values people put in spreadsheets: dates, amounts, phones, countries, choices.

Each reader takes a cell as the file gave it (text from CSV; text, numbers, dates from XLSX) and
returns the typed value, or raises ``ValueError`` with a message that says what was expected. The
libraries decide what is valid (``phonenumbers``, ``django-countries``); these functions only undo
the many ways of writing the same thing.
"""

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import Any

import phonenumbers
import pycountry
from django_countries import countries

from clientbook.core.exports.formats.tabular import FORMULA_FIRST_CHARACTERS
from clientbook.core.listing.search import normalise

EXCEL_EPOCH = date(1899, 12, 30)
# Excel serial numbers of 1 Jan 1900 … 31 Dec 2199: a plain number in a date column within this
# range is a date whose cell lost its format.
EXCEL_SERIALS = range(1, 109_574)
CURRENCY_MARKS = "$€£¥₹₦₩₽ "
COUNTRY_ALIASES = {
    "korea": "KR",
    "south korea": "KR",
    "republic of korea": "KR",
    "north korea": "KP",
    "usa": "US",
    "us": "US",
    "united states of america": "US",
    "america": "US",
    "uk": "GB",
    "great britain": "GB",
    "britain": "GB",
    "england": "GB",
    "scotland": "GB",
    "wales": "GB",
    "russia": "RU",
    "vietnam": "VN",
    "ivory coast": "CI",
    "cote divoire": "CI",
    "czech republic": "CZ",
    "holland": "NL",
    "the netherlands": "NL",
    "iran": "IR",
    "syria": "SY",
    "syrian arab republic": "SY",
    "laos": "LA",
    "lao peoples democratic republic": "LA",
    "bolivia": "BO",
    "tanzania": "TZ",
    "moldova": "MD",
    "macedonia": "MK",
    "palestine": "PS",
    "palestinian territory": "PS",
    "taiwan": "TW",
    "vatican": "VA",
    "holy see": "VA",
    "holy see vatican city state": "VA",
    "burma": "MM",
    "swaziland": "SZ",
    "cape verde": "CV",
    "dr congo": "CD",
    "democratic republic of congo": "CD",
    "republic of the congo": "CG",
    "libyan arab jamahiriya": "LY",
    "micronesia": "FM",
    "reunion": "RE",
    "saint barthelemy": "BL",
    "saint martin": "MF",
    "svalbard jan mayen islands": "SJ",
    "svalbard and jan mayen islands": "SJ",
    "pitcairn islands": "PN",
    "falkland islands malvinas": "FK",
    "netherlands antilles": "BQ",
    "united arab emirates": "AE",
    "uae": "AE",
    "turkey": "TR",
    "brunei darussalam": "BN",
    "east timor": "TL",
    "south georgia and the south sandwich islands": "GS",
    "russian federation": "RU",
    "united states virgin islands": "VI",
    "us virgin islands": "VI",
    "british virgin islands": "VG",
    "kyrgyz republic": "KG",
}


def text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # XLSX gives 42.0 for a cell showing 42
    return str(value).strip()


def unguarded(value: Any) -> Any:
    """A cell without the apostrophe our files put before a value a spreadsheet would run as a formula
    (``'+33 1 …`` in an error file reads back ``+33 1 …``). An apostrophe before anything else is the
    value's own and stays."""
    if isinstance(value, str) and value.startswith("'") and value[1:2] in FORMULA_FIRST_CHARACTERS:
        return value[1:]
    return value


def parse_date(value: Any, order: str) -> date | None:
    """A date from ISO text, ``DD-MM-YYYY``/``DD/MM/YYYY``/``DD.MM.YYYY`` (``order`` dmy) or the month
    first (``order`` mdy), a spreadsheet date, or an Excel serial number."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _serial(value)
    raw = text(value)
    if not raw:
        return None
    if raw.isdigit() and len(raw) == 5:
        return _serial(int(raw))
    head = raw.split("T")[0].split(" ")[0]
    parts = head.replace("/", "-").replace(".", "-").split("-")
    if len(parts) != 3 or not all(part.isdigit() for part in parts):
        raise ValueError(f"“{raw}” is not a date; write it as 2024-12-31, 31/12/2024 or 12/31/2024.")
    numbers = [int(part) for part in parts]
    if len(parts[0]) == 4:
        year, month, day = numbers
    else:
        first, second, year = numbers
        if first > 12 or first == second or (order == "dmy" and second <= 12):
            day, month = first, second
        elif second > 12 or order == "mdy":
            month, day = first, second
        else:
            raise ValueError(f"“{raw}” reads two ways; choose whether the day or the month comes first.")
        if year < 100:
            year += 2000 if year < 70 else 1900
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueError(f"“{raw}” is not a date in the calendar.") from None


def _serial(number: float) -> date:
    if int(number) not in EXCEL_SERIALS:
        raise ValueError(f"{number:g} is not a date.")
    return EXCEL_EPOCH + timedelta(days=int(number))


def parse_decimal(value: Any) -> Decimal | None:
    """An amount written ``1234.56``, ``1,234.56``, ``1.234,56``, ``1234,56`` or ``$ 1 234.56``."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return Decimal(str(value))
    raw = text(value)
    if not raw:
        return None
    cleaned = raw.strip(CURRENCY_MARKS).replace(" ", "").replace("\u00a0", "").replace("'", "")
    negative = cleaned.startswith("(") and cleaned.endswith(")")
    cleaned = cleaned.strip("()")
    if "," in cleaned and "." in cleaned:
        decimal_mark = "," if cleaned.rfind(",") > cleaned.rfind(".") else "."
    elif cleaned.count(",") == 1 and len(cleaned.rsplit(",", 1)[1]) != 3:
        decimal_mark = ","
    else:
        decimal_mark = "."
    thousands = "." if decimal_mark == "," else ","
    cleaned = cleaned.replace(thousands, "").replace(decimal_mark, ".")
    try:
        amount = Decimal(cleaned)
    except InvalidOperation:
        raise ValueError(f"“{raw}” is not an amount.") from None
    if not amount.is_finite():
        raise ValueError(f"“{raw}” is not an amount.")
    return -amount if negative else amount


def parse_phone(value: Any, regions: Sequence[str]) -> str:
    """E.164 of a phone written any common way (``00`` for ``+``, dots, brackets, ``x123`` extensions),
    read in the first of ``regions`` (the row's country, the default region) where it is a possible number."""
    raw = text(value)
    if not raw:
        return ""
    written = "+" + raw[2:] if raw.startswith("00") else raw
    for region in dict.fromkeys(region for region in regions if region):
        try:
            number = phonenumbers.parse(written, region)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_possible_number(number):
            return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    raise ValueError(f"“{raw}” is not a phone number with the right number of digits; add the country code (+…).")


@cache
def _country_names() -> dict[str, str]:
    """Every name a country goes by, keyed as ``_country_keys`` reads them: django-countries' English
    names, the ISO 3166-1 short and official names and the common names (pycountry), our aliases."""
    spellings = [(str(name), str(code)) for code, name in countries]
    for country in pycountry.countries:
        for attribute in ("name", "official_name", "common_name"):
            if hasattr(country, attribute):
                spellings.append((getattr(country, attribute), country.alpha_2))
    spellings += list(COUNTRY_ALIASES.items())
    names: dict[str, str] = {}
    for name, code in spellings:
        for key in _country_keys(name):
            names.setdefault(key, code)
    return names


def _country_keys(name: str) -> list[str]:
    """``name`` compared loosely (case, accents, punctuation), as written and with its inverted part
    put first: "Korea, Republic of" and "Korea (the Republic of)" both read "republic of korea"; last,
    without what is in brackets ("Iran (Islamic Republic of)": "iran")."""
    keys = [_country_key(name)]
    head, bracket, inside = name.partition("(")
    if not bracket:
        head, comma, inside = name.partition(",")
        if not comma:
            return keys
    inverted = _country_key(f"{inside.rstrip(') ')} {head}")
    keys.append(" ".join(word for word in inverted.split() if word != "the"))
    if bracket:
        keys.append(_country_key(head))
    return keys


def _country_key(name: str) -> str:
    plain = normalise(name).replace("&", " and ").replace("'", "").replace("’", "")
    return " ".join("".join(c if c.isalnum() else " " for c in plain).split())


def parse_country(value: Any) -> str:
    """ISO code of a country written as a code (``DE``, ``DEU``) or a name: the ISO 3166-1 short name
    ("Viet Nam", "Korea, Republic of") or official name, or a common English one ("Vietnam", "UK")."""
    raw = text(value)
    if not raw:
        return ""
    upper = raw.upper()
    if len(upper) == 2 and upper in dict(countries):
        return upper
    if len(upper) == 3 and countries.alpha2(upper):
        return countries.alpha2(upper)
    names = _country_names()
    code = next((names[key] for key in _country_keys(raw) if key in names), None)
    if code:
        return code
    raise ValueError(f"“{raw}” is not a country name or ISO code.")


def parse_choice(value: Any, choices: Iterable[tuple[str, Any]], synonyms: Mapping[str, str] | None = None) -> str:
    """The stored value of a choice written as its value or its label, in any case."""
    raw = text(value)
    if not raw:
        return ""
    wanted = normalise(raw)
    options = {normalise(str(key)): str(key) for key, _ in choices}
    options.update({normalise(str(label)): str(key) for key, label in choices})
    options.update({normalise(word): key for word, key in (synonyms or {}).items()})
    if wanted in options:
        return options[wanted]
    labels = ", ".join(str(label) for _, label in choices)
    raise ValueError(f"“{raw}” is not one of: {labels}.")


def parse_list(value: Any) -> list[str]:
    """Names written as a comma (or semicolon) list, each once, in the order given."""
    raw = text(value).replace(";", ",")
    return list(dict.fromkeys(part.strip() for part in raw.split(",") if part.strip()))


def parse_url(value: Any) -> str:
    """A web address; ``www.example.com`` gets ``https://`` (the URL validator needs a scheme)."""
    raw = text(value)
    if raw and "://" not in raw and "." in raw and " " not in raw:
        return f"https://{raw}"
    return raw
