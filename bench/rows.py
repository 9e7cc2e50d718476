"""A fast, deterministic builder of customer rows for the benchmark (a million in well under a minute).

Rows are plain tuples in the column order of ``COLUMNS``, ready for ``executemany`` or ``COPY``.
The search fields are computed by the same functions as ``Customer.refresh_search_fields``
(``normalise``, ``build_document``); ``tests/bench`` checks that a built row's document equals the
one the model computes. Names inside each vocabulary list follow a Zipf distribution, as real
names do, so a common first name such as "John" is found tens of thousands of times.
"""

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from itertools import accumulate

import phonenumbers
from django_countries import countries

from clientbook.core.listing.search import digits, normalise
from clientbook.customers import demo
from clientbook.customers.models import CODE_PREFIX

COLUMNS = (
    "id",
    "created_at",
    "updated_at",
    "version",
    "deleted_at",
    "kind",
    "code",
    "first_name",
    "middle_name",
    "last_name",
    "suffix",
    "company_name",
    "email",
    "phone",
    "alt_phone",
    "gender",
    "birthday",
    "marital_status",
    "street",
    "city",
    "state",
    "postal_code",
    "country",
    "language",
    "industry",
    "website",
    "description",
    "balance",
    "currency",
    "status",
    "block_reason",
    "status_before_block",
    "officer_id",
    "organization_id",
    "external_id",
    "account_opened_on",
    "activated_on",
    "last_activity_at",
    "sort_name",
    "search_document",
)
ORGANIZATION_EVERY = 12  # one row in twelve is an organization
PHONES_PER_COUNTRY = 4000
EPOCH = datetime(2020, 1, 1, tzinfo=UTC)
SPAN_SECONDS = int((datetime(2025, 6, 30, tzinfo=UTC) - EPOCH).total_seconds())
STATUSES = list(demo.STATUS_WEIGHTS)
STATUS_CUMULATIVE = list(accumulate(demo.STATUS_WEIGHTS.values()))
COUNTRY_CUMULATIVE = list(accumulate(country.weight for country in demo.COUNTRIES))


@dataclass(frozen=True)
class Phone:
    e164: str
    digit_terms: tuple[str, str]


@dataclass(frozen=True)
class BenchRow:
    values: tuple
    label_ids: tuple[int, ...]


@lru_cache(maxsize=200_000)
def cached_normalise(text: str) -> str:
    return normalise(text)


def zipf_cumulative(size: int) -> list[float]:
    return list(accumulate(1.0 / rank for rank in range(1, size + 1)))


class RowBuilder:
    """Builds row ``i`` (ids from 1) for a benchmark of ``total`` customers."""

    def __init__(
        self,
        *,
        seed: int,
        officer_ids: list[int],
        label_ids: list[int],
        label_names: dict[int, str],
        phones_per_country: int = PHONES_PER_COUNTRY,
    ):
        self.rng = random.Random(seed)
        self.officer_ids = officer_ids
        self.label_ids = label_ids
        self.label_names = label_names
        self.phones = self._phone_pools(random.Random(seed + 1), phones_per_country)
        self.country_names = {country.code: countries.name(country.code) for country in demo.COUNTRIES}
        self.organizations: list[tuple[int, str]] = []
        self.zipf: dict[int, list[float]] = {}

    def _phone_pools(self, rng: random.Random, size: int) -> dict[str, list[Phone]]:
        book = demo.PhoneBook(rng)
        pools: dict[str, list[Phone]] = {}
        for country in demo.COUNTRIES:
            pool = []
            for _ in range(size):
                e164 = book.number(country)
                parsed = phonenumbers.parse(e164)
                pool.append(Phone(e164, (digits(e164), str(parsed.national_number))))
            pools[country.code] = pool
        return pools

    def _pick(self, items: tuple[str, ...]) -> str:
        weights = self.zipf.get(len(items))
        if weights is None:
            weights = self.zipf[len(items)] = zipf_cumulative(len(items))
        return self.rng.choices(items, cum_weights=weights)[0]

    def _moment(self) -> datetime:
        return EPOCH + timedelta(seconds=self.rng.randrange(SPAN_SECONDS))

    def rows(self, total: int) -> Iterator[BenchRow]:
        for row_id in range(1, total + 1):
            yield self.row(row_id)

    def row(self, row_id: int) -> BenchRow:
        rng = self.rng
        country = rng.choices(demo.COUNTRIES, cum_weights=COUNTRY_CUMULATIVE)[0]
        city = self._pick_city(country)
        is_organization = row_id % ORGANIZATION_EVERY == 1
        code = f"{CODE_PREFIX}{row_id:07d}"
        first = middle = last = company = gender = organization_name = ""
        organization_id = None
        if is_organization:
            family, noun = self._pick(country.last_names), rng.choice(demo.COMPANY_NOUNS)
            company = f"{family} {noun} {rng.choice(country.company_suffixes)}"
            email = f"info.{row_id}@{demo.email_local(company.split(' ')[0]) or 'office'}.example.com"
            sort_source = company
        else:
            female = rng.random() < 0.5
            first = self._pick(country.first_names_female if female else country.first_names_male)
            last = self._pick(country.last_names)
            if rng.random() < 0.08:
                middle = self._pick(country.first_names_female if female else country.first_names_male)
            gender = "female" if female else "male"
            email = f"{self._ascii(first)}.{self._ascii(last)}.{row_id}@{rng.choice(demo.EMAIL_DOMAINS)}"
            sort_source = " ".join(name for name in (first, middle, last) if name)
            if self.organizations and rng.random() < 0.4:
                organization_id, organization_name = rng.choice(self.organizations)
        if is_organization:
            self.organizations.append((row_id, company))
        phone = rng.choice(self.phones[country.code])
        alt_phone = rng.choice(self.phones[country.code]) if rng.random() < 0.15 else None
        street = demo.street_address(rng, country)
        postal = demo.postal_code(rng, country, city)
        industry = rng.choice(demo.INDUSTRIES) if is_organization or rng.random() < 0.3 else ""
        status = rng.choices(STATUSES, cum_weights=STATUS_CUMULATIVE)[0]
        block_reason = rng.choice(demo.BLOCK_REASONS) if status == "blocked" else ""
        external_id = f"EXT-{row_id:08d}" if rng.random() < 0.3 else ""
        labels = tuple(rng.sample(self.label_ids, k=rng.choice((1, 1, 2)))) if rng.random() < 0.2 else ()
        created = self._moment()
        updated = created + timedelta(seconds=rng.randrange(86_400 * 90))
        deleted = updated if rng.random() < 0.003 else None
        balance = demo.balance(rng)
        country_name = self.country_names[country.code]
        # The parts and their order are those of Customer.refresh_search_fields; repeated
        # vocabulary is normalised once (cached), unique values every time.
        parts = [
            normalise(code),
            str(row_id),
            cached_normalise(first),
            cached_normalise(middle),
            cached_normalise(last),
            cached_normalise(company),
            cached_normalise(organization_name),
            normalise(email),
            cached_normalise(street),
            cached_normalise(city.name),
            cached_normalise(city.state),
            normalise(postal),
            cached_normalise(country_name),
            cached_normalise(industry),
            normalise(external_id),
            *(cached_normalise(self.label_names[label_id]) for label_id in labels),
            *phone.digit_terms,
            *(alt_phone.digit_terms if alt_phone else ()),
        ]
        document = " ".join(part for part in parts if part)
        values = (
            row_id,
            created,
            updated,
            1,
            deleted,
            "organization" if is_organization else "person",
            code,
            first,
            middle,
            last,
            "",
            company,
            email,
            phone.e164,
            alt_phone.e164 if alt_phone else "",
            gender,
            demo.past_day(rng, 365 * 80, 365 * 18) if not is_organization else None,
            "",
            street,
            city.name,
            city.state,
            postal,
            country.code,
            country.language,
            industry,
            "",
            "",
            balance,
            country.currency,
            status,
            block_reason,
            "active" if status == "blocked" else "",
            rng.choice(self.officer_ids) if rng.random() < 0.9 else None,
            organization_id,
            external_id,
            created.date(),
            created.date() if status != "prospect" else None,
            None,
            cached_normalise(sort_source)[:300],
            document,
        )
        return BenchRow(values, labels)

    def _pick_city(self, country: demo.Country) -> demo.City:
        return self.rng.choices(country.cities, cum_weights=self._city_weights(len(country.cities)))[0]

    def _city_weights(self, size: int) -> list[float]:
        weights = self.zipf.get(size)
        if weights is None:
            weights = self.zipf[size] = zipf_cumulative(size)
        return weights

    @staticmethod
    @lru_cache(maxsize=10_000)
    def _ascii(name: str) -> str:
        return demo.email_local(name)
