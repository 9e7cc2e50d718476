"""``GET /api/v1/search`` (the Ctrl+K palette's universal search) over the seeded customers.

Each case is a query as someone types it into the palette: a common first name, the rarest surname,
a customer code in lower case, a US customer's phone typed in national format (stored in E.164)
and an e-mail address in upper case. The request goes through the real stack with a bearer token,
so authentication, every searchable spec's group and the serialisation are included.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.db.models import Count
from django.test import Client

from bench.scenarios import COMMON_TERM, Measurement, bench_user, time_calls
from clientbook.accounts.services import create_api_token
from clientbook.customers.models import Customer

URL = "/api/v1/search"


@dataclass(frozen=True)
class Case:
    name: str
    query: str


def cases(total: int) -> list[Case]:
    middle = Customer.objects.order_by("pk")[total // 2]
    american = Customer.objects.filter(pk__gte=middle.pk, country="US").exclude(phone="").order_by("pk").first()
    rarest = (
        Customer.objects.exclude(last_name="")
        .values("last_name")
        .annotate(rows=Count("id"))
        .order_by("rows", "last_name")
        .values_list("last_name", flat=True)
        .first()
    )
    found = [
        Case("common", COMMON_TERM),
        Case("surname", rarest or COMMON_TERM),
        Case("code", middle.code.lower()),
        Case("email", middle.email.upper()),
    ]
    if american is not None:
        found.append(Case("phone", american.phone.as_national))
    return found


def run(total: int, repeat: int, log: Callable[[str], None]) -> list[Measurement]:
    _, token = create_api_token(user=bench_user(), name="bench search")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    measurements = []
    for case in cases(total):
        log(f"universal search: {case.name} {case.query!r}")
        measurements.append(_measure(client, case, total, repeat))
    return measurements


def _measure(client: Client, case: Case, total: int, repeat: int) -> Measurement:
    url = f"{URL}?{urlencode({'q': case.query})}"
    response = client.get(url)
    if response.status_code != 200:
        raise RuntimeError(f"GET {url} answered {response.status_code}: {response.content[:300]!r}")
    body: dict[str, Any] = response.json()
    samples = time_calls(lambda: client.get(url), repeat)
    shown = sum(len(group["results"]) for group in body["groups"])
    extra = {"groups": len(body["groups"]), "results": shown, "exact": int(body["exact"] is not None)}
    return Measurement(f"search_api_{case.name}", total, samples, extra)
