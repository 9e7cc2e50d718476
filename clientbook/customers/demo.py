"""Deterministic demo data: who the demo office serves, built from a seeded random generator.

The same vocabulary feeds ``seed_demo`` (a few hundred customers written through the services) and
the benchmark's bulk builder (a million rows), so both look like one office's book of business:
people and organizations in several countries, accented names, valid phone numbers, labels,
officers, balances and every status.

Other apps add their share of the demo without this module knowing them: an app's ``demo.py``
(found the way ``specs.py`` is) calls ``register_part``, and ``load_demo`` runs every part once the
customers exist, inside the same transaction.
"""

import random
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import phonenumbers
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.module_loading import autodiscover_modules

from clientbook.accounts.services import create_user
from clientbook.core.listing.search import normalise
from clientbook.customers.models import Customer, Label
from clientbook.customers.services import create_customer, create_label, labels_by_name

# A fixed "today" keeps generated dates identical from run to run (and never in the future).
REFERENCE_DAY = date(2025, 6, 30)


@dataclass(frozen=True)
class City:
    name: str
    state: str
    postal_prefix: str


@dataclass(frozen=True)
class Country:
    code: str
    currency: str
    language: str
    weight: int
    cities: tuple[City, ...]
    first_names_female: tuple[str, ...]
    first_names_male: tuple[str, ...]
    last_names: tuple[str, ...]
    streets: tuple[str, ...]
    company_suffixes: tuple[str, ...]
    # Digits a national mobile number starts with (its length comes from the region's example).
    mobile_prefixes: tuple[str, ...] = ()
    postal_digits: int = 5
    house_number_first: bool = True


def _split(names: str) -> tuple[str, ...]:
    """A vocabulary written as ``"Mary|Patricia|…"`` (compact, and names may contain spaces)."""
    return tuple(names.split("|"))


COUNTRIES: tuple[Country, ...] = (
    Country(
        code="US",
        currency="USD",
        language="en",
        weight=30,
        cities=(
            City("New York", "New York", "100"),
            City("Los Angeles", "California", "900"),
            City("Chicago", "Illinois", "606"),
            City("Houston", "Texas", "770"),
            City("Denton", "Texas", "762"),
            City("Phoenix", "Arizona", "850"),
            City("Seattle", "Washington", "981"),
            City("Boston", "Massachusetts", "021"),
            City("Atlanta", "Georgia", "303"),
            City("Denver", "Colorado", "802"),
        ),
        first_names_female=_split(
            "Mary|Patricia|Jennifer|Linda|Elizabeth|Barbara|Susan|Jessica|Sarah|Karen|Emily|Olivia|Ava|"
            "Madison|Chloe|Grace|Hannah|Abigail"
        ),
        first_names_male=_split(
            "John|James|Robert|Michael|William|David|Richard|Joseph|Thomas|Charles|Christopher|Daniel|"
            "Matthew|Anthony|Andrew|Joshua|Ethan|Tyler"
        ),
        last_names=_split(
            "Smith|Johnson|Williams|Brown|Jones|Miller|Davis|Wilson|Anderson|Taylor|Thomas|Moore|Jackson|"
            "Martin|Lee|Thompson|White|Harris|Clark|Lewis|Robinson|Walker|Young|Allen|King|Wright|Scott|Hill"
        ),
        streets=_split(
            "Main Street|Oak Avenue|Maple Drive|Cedar Lane|Park Avenue|Elm Street|Washington Boulevard|"
            "Lakeview Road|Sunset Boulevard|Hickory Court"
        ),
        company_suffixes=_split("Inc.|LLC|Corp.|Group"),
        mobile_prefixes=_split("212|415|940|312|713|206|617|404|303|602"),
    ),
    Country(
        code="GB",
        currency="GBP",
        language="en",
        weight=10,
        cities=(
            City("London", "England", "E"),
            City("Manchester", "England", "M"),
            City("Birmingham", "England", "B"),
            City("Leeds", "England", "LS"),
            City("Edinburgh", "Scotland", "EH"),
            City("Cardiff", "Wales", "CF"),
        ),
        first_names_female=_split("Olivia|Amelia|Isla|Zoë|Charlotte|Sophie|Eleanor|Niamh"),
        first_names_male=_split("Oliver|George|Harry|Jack|Noah|Alfie|Rhys|Callum"),
        last_names=_split(
            "Smith|Jones|Taylor|Brown|Evans|Wilson|Hughes|Roberts|Hart|O'Brien|Campbell|Patel|Khan|Walsh"
        ),
        streets=_split("High Street|Station Road|Church Lane|Victoria Road|Mill Lane|Queen's Road"),
        company_suffixes=_split("Ltd|PLC|LLP"),
        mobile_prefixes=_split("7400|7700|7911|7500"),
    ),
    Country(
        code="DE",
        currency="EUR",
        language="de",
        weight=8,
        cities=(
            City("Berlin", "Berlin", "10"),
            City("München", "Bayern", "80"),
            City("Hamburg", "Hamburg", "20"),
            City("Köln", "Nordrhein-Westfalen", "50"),
            City("Frankfurt am Main", "Hessen", "60"),
            City("Düsseldorf", "Nordrhein-Westfalen", "40"),
        ),
        first_names_female=_split("Anna|Lena|Mareike|Sophie|Marie|Hannah|Lea|Käthe"),
        first_names_male=_split("Jürgen|Lukas|Maximilian|Felix|Jonas|Björn|Günter|Stefan"),
        last_names=_split("Müller|Schmidt|Schneider|Fischer|Weber|Meyer|Wagner|Becker|Schäfer|Koch|Größer|Hoffmann"),
        streets=_split("Hauptstraße|Bahnhofstraße|Gartenstraße|Schillerstraße|Lindenallee|Am Markt"),
        company_suffixes=_split("GmbH|AG|KG"),
        mobile_prefixes=_split("151|160|170|176"),
        house_number_first=False,
    ),
    Country(
        code="FR",
        currency="EUR",
        language="fr",
        weight=6,
        cities=(
            City("Paris", "Île-de-France", "75"),
            City("Lyon", "Auvergne-Rhône-Alpes", "69"),
            City("Marseille", "Provence-Alpes-Côte d'Azur", "13"),
            City("Toulouse", "Occitanie", "31"),
            City("Nantes", "Pays de la Loire", "44"),
        ),
        first_names_female=_split("Camille|Léa|Chloé|Manon|Inès|Élodie|Océane|Anaïs"),
        first_names_male=_split("Lucas|Hugo|Théo|Louis|Raphaël|Mathéo|Jérôme|François"),
        last_names=_split("Martin|Bernard|Dubois|Thomas|Robert|Petit|Durand|Lefèvre|Girard|Rousseau|Mercier|Fontaine"),
        streets=_split("Rue de la République|Avenue Victor Hugo|Rue Pasteur|Boulevard Voltaire|Rue des Écoles"),
        company_suffixes=_split("SA|SARL|SAS"),
        mobile_prefixes=_split("6|7"),
    ),
    Country(
        code="ES",
        currency="EUR",
        language="es",
        weight=5,
        cities=(
            City("Madrid", "Comunidad de Madrid", "28"),
            City("Barcelona", "Cataluña", "08"),
            City("Sevilla", "Andalucía", "41"),
            City("Valencia", "Comunidad Valenciana", "46"),
            City("Bilbao", "País Vasco", "48"),
        ),
        first_names_female=_split("Lucía|María|Sofía|Martina|Paula|Inés|Begoña|Nuria"),
        first_names_male=_split("José|Hugo|Martín|Pablo|Álvaro|Adrián|Íñigo|Sergio"),
        last_names=_split(
            "García|Rodríguez|González|Fernández|López|Martínez|Sánchez|Pérez|Álvarez|Muñoz|Jiménez|Ibáñez"
        ),
        streets=_split("Calle Mayor|Gran Vía|Calle de Alcalá|Paseo de Gracia|Avenida de la Constitución"),
        company_suffixes=_split("S.L.|S.A."),
        mobile_prefixes=_split("6|7"),
        house_number_first=False,
    ),
    Country(
        code="IN",
        currency="INR",
        language="en",
        weight=12,
        cities=(
            City("Mumbai", "Maharashtra", "400"),
            City("Bengaluru", "Karnataka", "560"),
            City("New Delhi", "Delhi", "110"),
            City("Chennai", "Tamil Nadu", "600"),
            City("Pune", "Maharashtra", "411"),
            City("Hyderabad", "Telangana", "500"),
        ),
        first_names_female=_split("Aadhya|Ananya|Diya|Priya|Kavya|Saanvi|Isha|Meera"),
        first_names_male=_split("Aarav|Vihaan|Arjun|Rohan|Aditya|Rahul|Vikram|Sai"),
        last_names=_split("Sharma|Patel|Singh|Kumar|Gupta|Reddy|Iyer|Nair|Joshi|Mehta|Rao|Desai|Chatterjee|Banerjee"),
        streets=_split("MG Road|Linking Road|Brigade Road|Anna Salai|Park Street|FC Road"),
        company_suffixes=_split("Pvt Ltd|Ltd|LLP"),
        mobile_prefixes=_split("81|91|98|70"),
        postal_digits=6,
    ),
    Country(
        code="NG",
        currency="NGN",
        language="en",
        weight=6,
        cities=(
            City("Lagos", "Lagos", "100"),
            City("Abuja", "Federal Capital Territory", "900"),
            City("Ibadan", "Oyo", "200"),
            City("Port Harcourt", "Rivers", "500"),
        ),
        first_names_female=_split("Adébáyọ̀|Ngozi|Chiamaka|Funmilayo|Aisha|Ifeoma|Folake|Zainab"),
        first_names_male=_split("Adébáyọ̀|Chinedu|Emeka|Oluwaseun|Ibrahim|Tunde|Obinna|Yusuf"),
        last_names=_split("Okafor|Adeyemi|Okonkwo|Balogun|Eze|Nwosu|Ogunleye|Abubakar|Afolabi|Ọlátúnjí"),
        streets=_split("Broad Street|Allen Avenue|Awolowo Road|Herbert Macaulay Way|Adeola Odeku Street"),
        company_suffixes=_split("Ltd|Plc|Holdings"),
        mobile_prefixes=_split("802|803|805|806"),
        postal_digits=6,
    ),
    Country(
        code="JP",
        currency="JPY",
        language="ja",
        weight=5,
        cities=(
            City("Tōkyō", "Tōkyō", "100"),
            City("Ōsaka", "Ōsaka", "530"),
            City("Kyōto", "Kyōto", "600"),
            City("Yokohama", "Kanagawa", "220"),
            City("Sapporo", "Hokkaidō", "060"),
        ),
        first_names_female=_split("Yui|Hana|Aoi|Sakura|Yuna|Mei|Rin|Haruka"),
        first_names_male=_split("Haruto|Sōta|Yūto|Ren|Kenji|Hiroshi|Takumi|Daiki"),
        last_names=_split("Satō|Suzuki|Takahashi|Tanaka|Watanabe|Itō|Yamamoto|Nakamura|Ōtsuka|Kobayashi|Katō|Yoshida"),
        streets=_split("Chūō-dōri|Meiji-dōri|Ginza|Shijō-dōri|Midōsuji"),
        company_suffixes=_split("K.K.|Co., Ltd."),
        mobile_prefixes=_split("90|80|70"),
        postal_digits=7,
        house_number_first=False,
    ),
    Country(
        code="BR",
        currency="BRL",
        language="pt-br",
        weight=5,
        cities=(
            City("São Paulo", "São Paulo", "01"),
            City("Rio de Janeiro", "Rio de Janeiro", "20"),
            City("Belo Horizonte", "Minas Gerais", "30"),
            City("Curitiba", "Paraná", "80"),
        ),
        first_names_female=_split("Ana|Júlia|Beatriz|Letícia|Fernanda|Gabriela|Luíza|Camila"),
        first_names_male=_split("João|Gabriel|Lucas|Matheus|Pedro|Rafael|Antônio|Caio"),
        last_names=_split("Silva|Santos|Oliveira|Souza|Lima|Pereira|Ferreira|Araújo|Gonçalves"),
        streets=_split("Avenida Paulista|Rua Augusta|Rua da Consolação|Avenida Atlântica|Rua XV de Novembro"),
        company_suffixes=_split("Ltda|S.A."),
        mobile_prefixes=_split("119|219|319|419"),
        postal_digits=8,
        house_number_first=False,
    ),
    Country(
        code="MX",
        currency="MXN",
        language="es",
        weight=4,
        cities=(
            City("Ciudad de México", "Ciudad de México", "06"),
            City("Guadalajara", "Jalisco", "44"),
            City("Monterrey", "Nuevo León", "64"),
            City("Puebla", "Puebla", "72"),
        ),
        first_names_female=_split("Ximena|Valentina|Renata|Regina|Fernanda|Guadalupe|Itzel|Sofía"),
        first_names_male=_split("José|Santiago|Mateo|Diego|Emiliano|Leonardo|Jesús|Andrés"),
        last_names=_split("Hernández|García|Martínez|López|González|Ramírez|Cruz|Flores|Peña"),
        streets=_split("Avenida Reforma|Calle Madero|Avenida Insurgentes|Calle Juárez|Avenida Vallarta"),
        company_suffixes=_split("S.A. de C.V.|S. de R.L."),
        mobile_prefixes=_split("55|33|81|222"),
        house_number_first=False,
    ),
    Country(
        code="KE",
        currency="KES",
        language="en",
        weight=3,
        cities=(
            City("Nairobi", "Nairobi", "001"),
            City("Mombasa", "Mombasa", "801"),
            City("Kisumu", "Kisumu", "401"),
        ),
        first_names_female=_split("Wanjiru|Akinyi|Njeri|Achieng|Wambui|Nafula"),
        first_names_male=_split("Kamau|Otieno|Mwangi|Kipchoge|Omondi|Barasa"),
        last_names=_split("Kamau|Otieno|Mwangi|Wanjiku|Kiprono|Odhiambo|Mutua|Njoroge"),
        streets=_split("Moi Avenue|Kenyatta Avenue|Ngong Road|Waiyaki Way|Tom Mboya Street"),
        company_suffixes=_split("Ltd|Limited"),
        mobile_prefixes=_split("712|722|733|701"),
    ),
    Country(
        code="CH",
        currency="CHF",
        language="de",
        weight=3,
        cities=(
            City("Zürich", "Zürich", "80"),
            City("Genève", "Genève", "12"),
            City("Basel", "Basel-Stadt", "40"),
        ),
        first_names_female=_split("Mia|Léonie|Anna|Chiara|Noémie|Alina"),
        first_names_male=_split("Luca|Noah|Matteo|Jérémie|Urs|Reto"),
        last_names=_split("Müller|Meier|Schmid|Keller|Weber|Huber|Brunner|Baumann"),
        streets=_split("Bahnhofstrasse|Rue du Rhône|Freie Strasse|Limmatquai|Rue de Lausanne"),
        company_suffixes=_split("AG|SA|GmbH"),
        mobile_prefixes=_split("78|79|76"),
        postal_digits=4,
        house_number_first=False,
    ),
    Country(
        code="CA",
        currency="CAD",
        language="en",
        weight=3,
        cities=(
            City("Toronto", "Ontario", "M5"),
            City("Montréal", "Québec", "H2"),
            City("Vancouver", "British Columbia", "V6"),
            City("Calgary", "Alberta", "T2"),
        ),
        first_names_female=_split("Emma|Chloé|Olivia|Maëlle|Charlotte|Avery"),
        first_names_male=_split("Liam|William|Félix|Benjamin|Logan|Étienne"),
        last_names=_split("Tremblay|Gagnon|Roy|Côté|Bouchard|Campbell|MacDonald|Lévesque"),
        streets=_split("Yonge Street|Rue Sainte-Catherine|Robson Street|Bloor Street|Stephen Avenue"),
        company_suffixes=_split("Inc.|Ltd.|Corp."),
        mobile_prefixes=_split("416|514|604|403"),
    ),
)

INDUSTRIES = _split(
    "Insurance|Retail|Manufacturing|Logistics|Healthcare|Software|Construction|Agriculture|Hospitality|"
    "Financial services|Education|Energy|Telecommunications|Real estate|Automotive"
)
COMPANY_WORDS = _split(
    "Northwind|Bluebird|Summit|Evergreen|Harbor|Atlas|Pioneer|Crescent|Horizon|Granite|Silverline|Redwood|"
    "Lighthouse|Meridian|Keystone|Orchard"
)
COMPANY_NOUNS = _split("Logistics|Trading|Foods|Systems|Partners|Holdings|Insurance|Motors|Labs")
EMAIL_DOMAINS = ("example.com", "example.org", "example.net", "mail.example.com")

# (name, colour) — colours are Bootstrap names, see Label.Colour.
LABELS: tuple[tuple[str, str], ...] = (
    ("VIP", "danger"),
    ("Key account", "primary"),
    ("Late payer", "warning"),
    ("Newsletter", "info"),
    ("Prospect 2026", "success"),
    ("Partner", "dark"),
    ("Do not call", "secondary"),
)

# (username, first name, last name) of the demo relationship officers (Sales role).
OFFICERS: tuple[tuple[str, str, str], ...] = (
    ("amelia.hart", "Amelia", "Hart"),
    ("kwame.mensah", "Kwame", "Mensah"),
    ("sofia.rossi", "Sofia", "Rossi"),
    ("hiroshi.tanaka", "Hiroshi", "Tanaka"),
)

BLOCK_REASONS = (
    "Unpaid invoices over 90 days",
    "Fraud investigation in progress",
    "Sanctions screening match to clear",
    "Chargeback dispute",
)

# status → weight (per 1000 customers)
STATUS_WEIGHTS = {"active": 800, "inactive": 50, "prospect": 80, "churned": 40, "blocked": 30}

# Customers every demo has, so the search examples of the README work on a fresh install.
SHOWCASE_PEOPLE: tuple[dict[str, Any], ...] = (
    {"first_name": "José", "last_name": "Álvarez", "country": "ES", "city": "Sevilla", "labels": ["VIP"]},
    {"first_name": "Zoë", "last_name": "Hart", "country": "GB", "city": "London", "labels": ["Newsletter"]},
    {"first_name": "Jürgen", "last_name": "Müller", "country": "DE", "city": "München", "labels": ["Key account"]},
    {"first_name": "Haruki", "last_name": "Ōtsuka", "country": "JP", "city": "Ōsaka", "labels": []},
    {"first_name": "Adébáyọ̀", "last_name": "Okonkwo", "country": "NG", "city": "Lagos", "labels": ["Late payer"]},
    {"first_name": "Binta", "last_name": "Singhateh", "country": "US", "city": "Denton", "phone": "+19409863836"},
)


@dataclass
class PhoneBook:
    """Valid mobile numbers per country, checked with ``phonenumbers`` (never a hand-written rule)."""

    rng: random.Random
    _lengths: dict[str, int] = field(default_factory=dict)

    def number(self, country: Country) -> str:
        """A random valid mobile number of ``country`` in E.164."""
        length = self._national_length(country.code)
        calling_code = phonenumbers.country_code_for_region(country.code)
        for _ in range(200):
            prefix = self.rng.choice(country.mobile_prefixes)
            rest = "".join(self.rng.choice("0123456789") for _ in range(length - len(prefix)))
            candidate = phonenumbers.PhoneNumber(country_code=calling_code, national_number=int(prefix + rest))
            if phonenumbers.is_valid_number_for_region(candidate, country.code):
                return phonenumbers.format_number(candidate, phonenumbers.PhoneNumberFormat.E164)
        raise RuntimeError(f"No valid mobile number found for {country.code}; check its prefixes.")

    def _national_length(self, region: str) -> int:
        if region not in self._lengths:
            example = phonenumbers.example_number_for_type(region, phonenumbers.PhoneNumberType.MOBILE)
            if example is None:
                raise RuntimeError(f"phonenumbers has no example mobile number for {region}.")
            self._lengths[region] = len(str(example.national_number))
        return self._lengths[region]


def weighted_country(rng: random.Random) -> Country:
    return rng.choices(COUNTRIES, weights=[country.weight for country in COUNTRIES])[0]


def postal_code(rng: random.Random, country: Country, city: City) -> str:
    if country.code == "GB":
        letters = "ABDEFGHJLNPQRSTUWXYZ"
        district = f"{city.postal_prefix}{rng.randint(1, 20)}"
        return f"{district} {rng.randint(1, 9)}{rng.choice(letters)}{rng.choice(letters)}"
    if country.code == "CA":
        letters = "ABCEGHJKLMNPRSTVXY"
        return f"{city.postal_prefix}{rng.choice(letters)} {rng.randint(1, 9)}{rng.choice(letters)}{rng.randint(1, 9)}"
    tail_length = country.postal_digits - len(city.postal_prefix)
    code = city.postal_prefix + "".join(rng.choice("0123456789") for _ in range(tail_length))
    if country.code == "BR":
        return f"{code[:5]}-{code[5:]}"
    if country.code == "JP":
        return f"{code[:3]}-{code[3:]}"
    return code


def street_address(rng: random.Random, country: Country) -> str:
    street = rng.choice(country.streets)
    number = rng.randint(1, 250)
    return f"{number} {street}" if country.house_number_first else f"{street} {number}"


def email_local(*names: str) -> str:
    """An ASCII mailbox name from personal or company names (``José Álvarez`` → ``jose.alvarez``)."""
    words = [normalise(name) for name in names if name]
    ascii_words = ["".join(ch for ch in word if ch.isascii() and (ch.isalnum() or ch == " ")) for word in words]
    return ".".join("-".join(word.split()) for word in ascii_words if word.strip())


def balance(rng: random.Random) -> Decimal:
    roll = rng.random()
    if roll < 0.15:
        return Decimal("0.00")
    if roll < 0.22:
        return -Decimal(rng.randint(100, 500_000)) / 100
    return Decimal(rng.randint(100, 25_000_000)) / 100


def past_day(rng: random.Random, max_days: int, min_days: int = 0) -> date:
    return REFERENCE_DAY - timedelta(days=rng.randint(min_days, max_days))


def weighted_status(rng: random.Random) -> str:
    return rng.choices(list(STATUS_WEIGHTS), weights=list(STATUS_WEIGHTS.values()))[0]


def organization_fields(rng: random.Random, phones: PhoneBook, country: Country | None = None) -> dict[str, Any]:
    """The fields of one organization customer."""
    country = country or weighted_country(rng)
    city = rng.choice(country.cities)
    if rng.random() < 0.5:
        name = f"{rng.choice(country.last_names)} {rng.choice(COMPANY_NOUNS)} {rng.choice(country.company_suffixes)}"
    else:
        name = f"{rng.choice(COMPANY_WORDS)} {rng.choice(COMPANY_NOUNS)} {rng.choice(country.company_suffixes)}"
    domain_word = email_local(name.split(" ")[0]) or "office"
    return {
        "kind": "organization",
        "company_name": name,
        "email": f"info@{domain_word}-{rng.randint(10, 99)}.example.com",
        "phone": phones.number(country),
        "street": street_address(rng, country),
        "city": city.name,
        "state": city.state,
        "postal_code": postal_code(rng, country, city),
        "country": country.code,
        "language": country.language,
        "industry": rng.choice(INDUSTRIES),
        "website": f"https://www.{domain_word}.example.com",
        "balance": balance(rng),
        "currency": country.currency,
        "account_opened_on": past_day(rng, 3650, 30),
    }


def person_fields(rng: random.Random, phones: PhoneBook, country: Country | None = None) -> dict[str, Any]:
    """The fields of one person customer (without organization, officer or labels)."""
    country = country or weighted_country(rng)
    city = rng.choice(country.cities)
    female = rng.random() < 0.5
    first = rng.choice(country.first_names_female if female else country.first_names_male)
    last = rng.choice(country.last_names)
    fields: dict[str, Any] = {
        "kind": "person",
        "first_name": first,
        "last_name": last,
        "gender": "female" if female else "male",
        "email": f"{email_local(first, last)}.{rng.randint(1, 999)}@{rng.choice(EMAIL_DOMAINS)}",
        "phone": phones.number(country),
        "street": street_address(rng, country),
        "city": city.name,
        "state": city.state,
        "postal_code": postal_code(rng, country, city),
        "country": country.code,
        "language": country.language,
        "birthday": past_day(rng, 365 * 80, 365 * 18),
        "marital_status": rng.choice(["single", "married", "partnership", "divorced", "widowed", ""]),
        "balance": balance(rng),
        "currency": country.currency,
        "account_opened_on": past_day(rng, 3650, 30),
    }
    if rng.random() < 0.2:
        fields["alt_phone"] = phones.number(country)
    if rng.random() < 0.1:
        fields["middle_name"] = rng.choice(country.first_names_female if female else country.first_names_male)
    return fields


def country_by_code(code: str) -> Country:
    return next(country for country in COUNTRIES if country.code == code)


@dataclass
class DemoSummary:
    customers: int
    organizations: int
    labels: int
    officers: list[str]
    # What each registered part wrote, by the plural noun it is counted in ("contacts": 142).
    parts: dict[str, int] = field(default_factory=dict)

    def parts_text(self) -> str:
        """The parts' counts for the summary line (``", 142 contacts"``), empty without parts."""
        return "".join(f", {count} {noun}" for noun, count in self.parts.items())


@dataclass(frozen=True)
class DemoOffice:
    """What the customers' share of the demo wrote, handed to every registered part."""

    seed: int
    organizations: tuple[Customer, ...]


DemoPart = Callable[[DemoOffice], int]
_PARTS: dict[str, DemoPart] = {}


def register_part(noun: str, part: DemoPart) -> DemoPart:
    """Add an app's share of the demo: ``part`` writes its rows and returns how many, counted as ``noun``."""
    _PARTS[noun] = part
    return part


DEMO_SEED = 2026
DEMO_ORGANIZATIONS = 60
DEMO_PEOPLE = 260


def load_demo(*, seed: int = DEMO_SEED) -> DemoSummary:
    """Write the demo office through the services (so codes, rules and search fields are real).

    Deterministic for a given ``seed``; the officers' passwords are random because they are real
    accounts that nobody is meant to log in with until an admin resets them.
    """
    # Each app's ``demo.py`` registers its part when imported, as ``specs.py`` registers specs.
    autodiscover_modules("demo")
    rng = random.Random(seed)
    phones = PhoneBook(random.Random(seed + 1))
    with transaction.atomic():
        labels = {label.name: label for label in ensure_labels()}
        officers = ensure_officers()
        organizations = []
        for _ in range(DEMO_ORGANIZATIONS):
            fields = organization_fields(rng, phones)
            _apply_lifecycle(rng, fields)
            fields["officer"] = rng.choice(officers)
            chosen = rng.sample(list(labels.values()), k=rng.choice([0, 0, 1, 1, 2]))
            organizations.append(create_customer(user=None, labels=chosen, **fields))
        for _ in range(DEMO_PEOPLE):
            country = weighted_country(rng)
            fields = person_fields(rng, phones, country)
            _apply_lifecycle(rng, fields)
            if rng.random() < 0.45:
                same_country = [org for org in organizations if org.country == country.code]
                fields["organization"] = rng.choice(same_country or organizations)
            if rng.random() < 0.9:
                fields["officer"] = rng.choice(officers)
            chosen = rng.sample(list(labels.values()), k=rng.choice([0, 0, 0, 1, 1, 2]))
            create_customer(user=None, labels=chosen, **fields)
        for showcase in SHOWCASE_PEOPLE:
            country = country_by_code(showcase["country"])
            fields = person_fields(rng, phones, country)
            city = next(city for city in country.cities if city.name == showcase["city"])
            fields.update(
                first_name=showcase["first_name"],
                last_name=showcase["last_name"],
                email=f"{email_local(showcase['first_name'], showcase['last_name'])}@example.com",
                city=city.name,
                state=city.state,
                postal_code=postal_code(rng, country, city),
                officer=rng.choice(officers),
            )
            fields.pop("middle_name", None)
            if "phone" in showcase:
                fields["phone"] = showcase["phone"]
            create_customer(
                user=None, labels=labels_by_name(showcase.get("labels", []), create_missing=False), **fields
            )
        office = DemoOffice(seed=seed, organizations=tuple(organizations))
        parts = {noun: part(office) for noun, part in _PARTS.items()}
    return DemoSummary(
        # Counted, not added up: a part may add customers of its own (a converted lead).
        customers=Customer.objects.count(),
        organizations=DEMO_ORGANIZATIONS,
        labels=len(labels),
        officers=[officer.get_username() for officer in officers],
        parts=parts,
    )


def _apply_lifecycle(rng: random.Random, fields: dict[str, Any]) -> None:
    """Status (with a block reason when blocked) and the activation date that goes with it."""
    status = weighted_status(rng)
    fields["status"] = status
    if status == "blocked":
        fields["block_reason"] = rng.choice(BLOCK_REASONS)
    opened: date = fields["account_opened_on"]
    if status != "prospect":
        fields["activated_on"] = min(opened + timedelta(days=rng.randint(0, 60)), REFERENCE_DAY)
    else:
        fields.pop("account_opened_on")
    if rng.random() < 0.3:
        fields["external_id"] = f"EXT-{rng.randint(100000, 999999)}"


def ensure_labels() -> list[Any]:
    labels = []
    for name, colour in LABELS:
        existing = Label.objects.filter(name__iexact=name).first()
        labels.append(existing or create_label(user=None, name=name, colour=colour))
    return labels


def ensure_officers() -> list[Any]:
    user_model = get_user_model()
    officers = []
    for username, first_name, last_name in OFFICERS:
        existing = user_model.objects.filter(username=username).first()
        officers.append(
            existing
            or create_user(
                username=username,
                role="sales",
                password=secrets.token_urlsafe(18),
                email=f"{username}@example.com",
                first_name=first_name,
                last_name=last_name,
                check_password=False,
            )
        )
    return officers
