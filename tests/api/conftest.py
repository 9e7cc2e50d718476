"""API test helpers: calls as a role (Bearer token) and a small, varied customer book."""

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client
from django.utils import timezone

from clientbook.customers.factories import CustomerFactory, LabelFactory, OrganizationFactory
from clientbook.customers.models import Customer

Caller = Callable[..., Any]


@pytest.fixture
def keep_test_connection() -> Iterator[None]:
    """Stop Django closing the database connection after each request, as its test client does.

    For requests sent straight into the WSGI application (schemathesis, a generated client) in this
    thread, inside the test's transaction: closing the connection would throw that transaction away.
    """
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def call(token_for: Callable[[str], str]) -> Caller:
    """``call("sales", "POST", "/api/v1/customers", body={...})`` with the sales user's Bearer token.

    ``role`` None calls anonymously; ``body`` may be a dict (sent as JSON) or a raw string;
    ``query`` may be a dict or a list of pairs (for repeated parameters).
    """
    tokens: dict[str, str] = {}
    client = Client()

    def make(role: str | None, method: str, path: str, *, body: Any = None, query: Any = None) -> Any:
        headers = {}
        if role is not None:
            tokens.setdefault(role, token_for(role))
            headers["Authorization"] = f"Bearer {tokens[role]}"
        data = body if isinstance(body, str) else json.dumps(body) if body is not None else ""
        if method == "GET":
            return client.get(path, query or {}, headers=headers)
        return client.generic(method, path, data, content_type="application/json", headers=headers)

    return make


def error_fields(response: Any) -> set[str | None]:
    """The fields named by an error envelope (asserting the envelope's shape on the way)."""
    body = response.json()
    assert set(body) == {"detail", "errors"}, body
    assert isinstance(body["detail"], str) and body["detail"]
    return {error["field"] for error in body["errors"]}


def names(response: Any) -> list[str]:
    return [item["display_name"] for item in response.json()["items"]]


@dataclass
class Book:
    """The customers of ``book`` by short name, and their codes for building queries."""

    customers: dict[str, Customer]

    def code(self, name: str) -> str:
        return self.customers[name].code

    def fill(self, text: str) -> str:
        """Replace ``{Binta}``-style placeholders with that customer's code."""
        return text.format(**{name: customer.code for name, customer in self.customers.items()})


def _moment(text: str) -> datetime:
    return timezone.make_aware(datetime.fromisoformat(text))


@pytest.fixture
def book(users: dict[str, Any]) -> Book:
    """Five customers that each filter, sort and page test can tell apart."""
    vip, late, corporate = (LabelFactory(name=name) for name in ("VIP", "Late payer", "Corporate"))
    officer = users["sales"]
    acme = OrganizationFactory(
        company_name="Acme Insurance",
        email="office@acme.example",
        city="Denton",
        country="US",
        balance=Decimal("5000.00"),
        officer=officer,
        labels=[corporate],
    )
    jose = CustomerFactory(
        first_name="José",
        last_name="Álvarez",
        email="jose@example.com",
        phone="+1 940 986 3836",
        street="12 Elm Street",
        city="Denton",
        country="US",
        balance=Decimal("100.00"),
        officer=officer,
        organization=acme,
        labels=[vip],
    )
    binta = CustomerFactory(
        first_name="Binta",
        last_name="Singhateh",
        email="binta@example.com",
        phone="+44 20 7946 0958",
        city="London",
        country="GB",
        balance=Decimal("-20.50"),
        status=Customer.Status.INACTIVE,
        labels=[vip, late],
    )
    chen = CustomerFactory(
        first_name="Chen",
        last_name="Wei",
        email="chen@example.com",
        city="Shanghai",
        country="CN",
        balance=Decimal("0.00"),
        status=Customer.Status.BLOCKED,
        block_reason="Fraud check",
    )
    dana = CustomerFactory(
        first_name="Dana",
        last_name="Prospect",
        email="dana@example.com",
        city="Austin",
        country="US",
        balance=Decimal("999.99"),
        status=Customer.Status.PROSPECT,
    )
    history = {
        acme: ("2023-01-10 09:00", "2023-02-01 09:00"),
        jose: ("2023-06-01 09:00", "2024-03-01 09:00"),
        binta: ("2024-02-15 09:00", "2024-02-20 09:00"),
        chen: ("2024-08-20 09:00", "2025-01-02 09:00"),
        dana: ("2025-01-05 09:00", "2025-01-06 09:00"),
    }
    for customer, (created, updated) in history.items():
        Customer.objects.filter(pk=customer.pk).update(created_at=_moment(created), updated_at=_moment(updated))
    return Book({"Acme": acme, "José": jose, "Binta": binta, "Chen": chen, "Dana": dana})
