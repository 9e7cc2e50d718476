"""The measured scenarios: the API list endpoint and the HTML list page, through the real code.

Each scenario is a query string sent with Django's test client (a bearer token for the API, a
logged-in session for the page), so middleware, permissions, the FilterSet, the search backend,
paging, serialisation and template rendering are all included. The searches are also run as a
plain full-table ``LIKE`` scan, the plan the search index exists to avoid.
"""

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.db import connection, transaction
from django.test import Client

from clientbook.accounts.services import create_api_token, create_user
from clientbook.core.listing.paging import IndexedPaginator
from clientbook.core.listing.pipeline import filtered_queryset, get_spec
from clientbook.core.listing.search import like_escape, search_terms
from clientbook.customers.models import Customer

BENCH_USER = "bench-admin"
COMMON_TERM = "john"
# A surname shared by a few percent of the customers, searched within one country and status.
FILTERED_TERM = "okafor"
PAGE_SIZE = 20
DEEP_PAGE = 2000


@dataclass(frozen=True)
class Scenario:
    name: str
    params: dict[str, str]
    like_scan: bool = False


@dataclass
class Measurement:
    name: str
    rows: int
    samples_ms: list[float]
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def p50(self) -> float:
        return statistics.median(self.samples_ms)

    @property
    def p95(self) -> float:
        ordered = sorted(self.samples_ms)
        return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]

    def line(self) -> str:
        extra = "".join(f" {key}={value}" for key, value in self.extra.items())
        return f"bench {self.name} n={self.rows} p50_ms={self.p50:.2f} p95_ms={self.p95:.2f}{extra}"

    def as_json(self) -> dict[str, Any]:
        return {"name": self.name, "n": self.rows, "p50_ms": round(self.p50, 3), "p95_ms": round(self.p95, 3)} | {
            key: value for key, value in self.extra.items()
        }


def scenarios(selective_term: str) -> list[Scenario]:
    return [
        Scenario("search_selective", {"q": selective_term}, like_scan=True),
        Scenario("search_common", {"q": COMMON_TERM}, like_scan=True),
        Scenario("search_filters", {"q": FILTERED_TERM, "status": "active", "country": "NG"}, like_scan=True),
        Scenario("search_common_filters", {"q": COMMON_TERM, "status": "active", "country": "US"}, like_scan=True),
        Scenario("first_page_by_name", {"sort": "name"}),
        Scenario("deep_page_by_name", {"sort": "name", "page": str(DEEP_PAGE)}),
    ]


def selective_term(total: int) -> str:
    """The e-mail address of the middle customer: one hit, as when someone pastes an address."""
    return Customer.objects.order_by("pk").values_list("email", flat=True)[total // 2]


def bench_user() -> Any:
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.filter(username=BENCH_USER).first()
    return user or create_user(username=BENCH_USER, role="admin", password="bench-only-password", check_password=False)


def time_calls(call: Callable[[], Any], repeat: int, warmup: int = 2) -> list[float]:
    for _ in range(warmup):
        call()
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def measure_api(scenario: Scenario, rows: int, repeat: int) -> Measurement:
    user = bench_user()
    _, token = create_api_token(user=user, name="bench")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    url = f"/api/v1/customers?{urlencode(scenario.params | {'page_size': str(PAGE_SIZE)})}"
    response = client.get(url)
    if response.status_code != 200:
        raise RuntimeError(f"GET {url} answered {response.status_code}: {response.content[:300]!r}")
    body = response.json()
    samples = time_calls(lambda: client.get(url), repeat)
    # An estimated count is marked "~": lists count exactly only up to CLIENTBOOK_EXACT_COUNT_LIMIT.
    hits = f"~{body['count']}" if body["count_is_estimate"] else str(body["count"])
    return Measurement(f"api_{scenario.name}", rows, samples, {"hits": hits})


def measure_page(scenario: Scenario, rows: int, repeat: int) -> Measurement:
    client = Client()
    client.force_login(bench_user())
    url = f"/customers/?{urlencode(scenario.params)}"
    response = client.get(url)
    if response.status_code != 200:
        raise RuntimeError(f"GET {url} answered {response.status_code}")
    samples = time_calls(lambda: client.get(url), repeat)
    return Measurement(f"html_{scenario.name}", rows, samples, {"bytes": len(response.content)})


def measure_count(rows: int, repeat: int) -> Measurement:
    """The total every unfiltered list shows ("1–20 of 1,000,000"), counted as the lists count it."""
    user = bench_user()
    spec = get_spec("customers")

    def count() -> int:
        return IndexedPaginator(filtered_queryset(spec, user, {})[0], PAGE_SIZE).count

    samples = time_calls(count, repeat)
    return Measurement("count", rows, samples, {"total": count()})


def measure_like_scan(scenario: Scenario, rows: int, repeat: int, indexed_p50: float) -> Measurement:
    """The same search as a plain full-table LIKE scan: count plus the first page by name."""
    conditions = ["deleted_at IS NULL"]
    params: list[Any] = []
    for term in search_terms(scenario.params["q"]):
        conditions.append("search_document LIKE %s ESCAPE '\\'")
        params.append(f"%{like_escape(term)}%")
    for name in ("status", "country"):
        if name in scenario.params:
            conditions.append(f"{name} = %s")
            params.append(scenario.params[name])
    table = Customer._meta.db_table
    source = f"{table} NOT INDEXED" if connection.vendor == "sqlite" else table
    where = " AND ".join(conditions)

    def scan() -> None:
        with transaction.atomic(), connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SET LOCAL enable_indexscan = off")
                cursor.execute("SET LOCAL enable_indexonlyscan = off")
                cursor.execute("SET LOCAL enable_bitmapscan = off")
            cursor.execute(f"SELECT COUNT(*) FROM {source} WHERE {where}", params)
            cursor.fetchone()
            cursor.execute(f"SELECT id FROM {source} WHERE {where} ORDER BY sort_name, id LIMIT {PAGE_SIZE}", params)
            cursor.fetchall()

    samples = time_calls(scan, repeat, warmup=1)
    measurement = Measurement(f"{scenario.name}_like_scan", rows, samples)
    measurement.extra["ratio"] = f"{measurement.p50 / indexed_p50:.0f}"
    return measurement
