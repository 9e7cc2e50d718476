"""Countries in an import file: every ISO 3166-1 name and code, and the common English names, in
any case and with or without accents, read as the country's code by the import's parser."""

import unicodedata

import pycountry
import pytest
from django.core.exceptions import ValidationError
from django_countries import countries

from clientbook.core.imports.engine import Options
from clientbook.customers.imports import importer

COMMON_NAMES = {
    "Vietnam": "VN",
    "South Korea": "KR",
    "North Korea": "KP",
    "Ivory Coast": "CI",
    "UK": "GB",
    "USA": "US",
    "Russia": "RU",
    "Czech Republic": "CZ",
    "Iran": "IR",
    "Turkey": "TR",
    "Laos": "LA",
    "Syria": "SY",
    "Bolivia": "BO",
    "Taiwan": "TW",
    "Holland": "NL",
}
# The short names as ISO itself prints them, with the inverted part in brackets.
ISO_BRACKETED = {
    "Iran (Islamic Republic of)": "IR",
    "Korea (the Republic of)": "KR",
    "Korea (the Democratic People's Republic of)": "KP",
    "Congo (the Democratic Republic of the)": "CD",
    "Congo (the)": "CG",
    "Bolivia (Plurinational State of)": "BO",
    "Venezuela (Bolivarian Republic of)": "VE",
    "Micronesia (Federated States of)": "FM",
    "Moldova (the Republic of)": "MD",
    "Tanzania, the United Republic of": "TZ",
    "Taiwan (Province of China)": "TW",
    "United Kingdom of Great Britain and Northern Ireland (the)": "GB",
    "United States of America (the)": "US",
    "Netherlands (Kingdom of the)": "NL",
    "Virgin Islands (British)": "VG",
    "Virgin Islands (U.S.)": "VI",
    "Lao People's Democratic Republic (the)": "LA",
    "Bahamas (the)": "BS",
    "Falkland Islands (the) [Malvinas]": "FK",
}


def country_of(written: str) -> str:
    return str(importer.parse({"first_name": "Ada", "country": written}, Options())["country"])


def without_accents(name: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))


def iso_spellings() -> list[tuple[str, str]]:
    spellings = []
    for country in pycountry.countries:
        for attribute in ("name", "official_name", "common_name", "alpha_2", "alpha_3"):
            if hasattr(country, attribute):
                spellings.append((getattr(country, attribute), country.alpha_2))
    spellings += [(str(name), str(code)) for code, name in countries]
    return spellings


def test_every_iso_3166_name_and_code_in_any_case_and_without_accents() -> None:
    wrong = {}
    for written, code in iso_spellings():
        for variant in {written, written.upper(), written.lower(), without_accents(written)}:
            try:
                read = country_of(variant)
            except ValidationError as error:
                read = str(error)
            if read != code:
                wrong[variant] = (read, code)
    assert not wrong
    assert len(iso_spellings()) > 249 * 3


@pytest.mark.parametrize(("written", "code"), [*COMMON_NAMES.items(), *ISO_BRACKETED.items()])
def test_common_english_names_and_iso_bracketed_forms(written: str, code: str) -> None:
    assert country_of(written) == code
    assert country_of(written.upper()) == code


def test_a_name_no_country_has_is_refused() -> None:
    with pytest.raises(ValidationError) as refused:
        country_of("Atlantis")
    assert "not a country name" in str(refused.value.message_dict["country"])
