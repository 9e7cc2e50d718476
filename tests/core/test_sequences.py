"""Customer codes: sequence, format, never reused, safe under concurrent creation."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, transaction

from clientbook.core.sequences import code_number, next_code
from clientbook.customers import services
from clientbook.customers.factories import CustomerFactory
from clientbook.customers.models import Customer


@pytest.mark.django_db
def test_codes_are_sequential_and_formatted() -> None:
    first, second, third = (CustomerFactory() for _ in range(3))
    assert [first.code, second.code, third.code] == ["CUST0000001", "CUST0000002", "CUST0000003"]


@pytest.mark.django_db
def test_code_is_not_reused_after_delete() -> None:
    CustomerFactory()
    last = CustomerFactory()
    services.delete_customer(user=None, customer=last)
    assert CustomerFactory().code == "CUST0000003"
    assert Customer.all_objects.filter(code="CUST0000002").exists()


@pytest.mark.django_db
def test_failed_creation_takes_no_number() -> None:
    CustomerFactory()
    with pytest.raises(Exception), transaction.atomic():  # noqa: B017  the reason does not matter here
        services.create_customer(user=None, first_name="Ada", email="not-an-email")
    assert CustomerFactory().code == "CUST0000002"


@pytest.mark.django_db
def test_prefixes_count_independently() -> None:
    assert next_code("LEAD") == "LEAD0000001"
    assert next_code("CUST") == "CUST0000001"
    assert next_code("LEAD", width=4) == "LEAD0002"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("CUST0000042", 42),
        ("cust42", 42),
        (" 42 ", 42),
        ("CUSTX", None),
        ("abc", None),
        ("", None),
        ("²", None),
        ("٤٢", None),
    ],
)
def test_code_number_parses_codes(text: str, expected: int | None) -> None:
    assert code_number(text, "CUST") == expected


@pytest.mark.django_db(transaction=True)
def test_parallel_creation_gives_unique_gapless_codes() -> None:
    workers, per_worker = 8, 10
    start = threading.Barrier(workers)

    def create_many(worker: int) -> list[str]:
        start.wait()
        try:
            return [
                services.create_customer(user=None, first_name=f"Worker{worker}", last_name=f"No{i}").code
                for i in range(per_worker)
            ]
        finally:
            connection.close()

    with ThreadPoolExecutor(workers) as pool:
        codes = [code for batch in pool.map(create_many, range(workers)) for code in batch]

    assert len(codes) == len(set(codes)) == workers * per_worker
    numbers = sorted(code_number(code, "CUST") or 0 for code in codes)
    assert numbers == list(range(1, workers * per_worker + 1))
