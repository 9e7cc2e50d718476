"""Two conversions of one lead at once (a double click, two tabs, two API calls) give one customer.

Each thread has its own database connection (``transaction=True``: the rows are committed, so the
threads see them); both start together at a barrier and call the API. Exactly one answers 200 with
the new customer, the other 409 naming that same customer.
"""

import threading
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from clientbook.customers.models import Customer
from clientbook.leads.factories import LeadFactory
from clientbook.leads.models import Lead

pytestmark = pytest.mark.django_db(transaction=True)

CALLS = 4


def test_parallel_conversions_create_one_customer(users: dict[str, Any]) -> None:
    lead = LeadFactory(email="parallel@example.com")
    start = threading.Barrier(CALLS)
    answers: list[tuple[int, dict[str, Any]]] = []

    def convert(body: dict[str, Any]) -> None:
        client = Client()
        client.force_login(users["sales"])
        try:
            start.wait(timeout=30)
            response = client.post(f"/api/v1/leads/{lead.code}/convert", body, content_type="application/json")
            answers.append((response.status_code, response.json()))
        finally:
            connection.close()

    # Both kinds of second request: the same "create", and a "create anyway" from another tab.
    bodies = [{}, {"create_anyway": True}] * (CALLS // 2)
    threads = [threading.Thread(target=convert, args=(body,)) for body in bodies]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(status for status, _ in answers) == [200] + [409] * (CALLS - 1), answers
    customer = Customer.objects.get()
    assert all(body["customer"] == customer.code for _, body in answers)
    lead.refresh_from_db()
    assert lead.status == Lead.Status.CONVERTED and lead.customer == customer
