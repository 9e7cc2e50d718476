"""Property-based fuzzing of every API operation from the app's own OpenAPI schema (schemathesis).

Requests go straight into the WSGI application, authenticated with an admin's Bearer token, so
every operation (destructive ones included, on the test database) is reached past auth. Each
response must not be a server error and must match the schema declared for its status code.
"""

import zlib
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from clientbook.accounts import services as account_services
from clientbook.customers.factories import CustomerFactory, LabelFactory, OrganizationFactory

MAX_EXAMPLES = 25


@pytest.fixture
def keep_test_connection() -> Iterator[None]:
    """Stop Django closing the database connection after each request, as its test client does.

    The requests run in this thread inside the test's transaction; closing the connection at the
    end of a request would throw that transaction (and the admin's token) away.
    """
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def admin_headers(keep_test_connection: None, make_user: Callable[..., Any], settings: Any) -> dict[str, str]:
    _, token = account_services.create_api_token(user=make_user("admin"), name="schemathesis")
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def existing_codes(db: Any) -> list[str]:
    """Customers for the operations on ``/customers/{code}`` to find (a generated code rarely exists)."""
    organization = OrganizationFactory(company_name="Fuzz Holdings")
    label = LabelFactory(name="Fuzzed")
    people = [CustomerFactory(organization=organization, labels=[label]) for _ in range(4)]
    return [organization.code, *(person.code for person in people)]


def aim_at_existing_customer(case: schemathesis.Case, codes: list[str]) -> None:
    """Point most generated codes at a real customer so the body and the record are fuzzed together.

    The choice follows the generated case, so a failing example replays the same way; one share
    of the cases keeps its generated code and exercises the 404 path.
    """
    if "code" not in (case.path_parameters or {}):
        return
    generated = repr((case.path_parameters, case.query, case.body))
    slot = zlib.crc32(generated.encode()) % (len(codes) + 1)
    if slot < len(codes):
        case.path_parameters["code"] = codes[slot]


# Loaded once at collection: serving the schema needs no database.
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_api_conforms_to_its_schema(
    case: schemathesis.Case, admin_headers: dict[str, str], existing_codes: list[str]
) -> None:
    aim_at_existing_customer(case, existing_codes)
    case.call_and_validate(headers=admin_headers, checks=[not_a_server_error, response_schema_conformance])
