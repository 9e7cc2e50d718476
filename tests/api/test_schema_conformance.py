"""The OpenAPI schema says what the server enforces: schemathesis with every check finds no difference.

Each operation is fuzzed from the app's own schema, with valid requests (which must be accepted:
ST202) and invalid ones (which must be refused: ST201), and every answer must be a status the
schema documents (ST103), in the documented shape. Requests go straight into the WSGI application
with an administrator's Bearer token, on the test database.

A few answers depend on the data, not on the request's shape, so no schema can promise them; they
are the only ones allowed for a valid request besides schemathesis's own list (2xx, 3xx, 401, 403,
404, 409, 429): 412 (If-Match names a version the record is not at) and, on the operations that
name other records or files, 422 (an unknown username, code or label in a body or a list filter,
a label name that is taken, a file that is not a table, a date in the future).
"""

import zlib
from collections.abc import Callable
from typing import Any

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings
from schemathesis import GenerationMode
from schemathesis import checks as builtin_checks
from schemathesis.core.parameters import ParameterLocation
from schemathesis.specs.openapi import checks as openapi_checks

from clientbook.accounts import services as account_services
from clientbook.core.kit.spec import all_specs
from clientbook.core.testing.api import permission_rows
from clientbook.customers.factories import CustomerFactory, LabelFactory, OrganizationFactory

MAX_EXAMPLES = 8
ACCEPTED = ["2xx", "3xx", "401", "403", "404", "409", "429", "412"]
# Operations whose valid input may name what does not exist, or break a rule over the stored data.
DATA_DEPENDENT_422 = {
    "GET /api/v1/customers",
    "GET /api/v1/audit",
    "POST /api/v1/customers",
    "PATCH /api/v1/customers/{code}",
    "POST /api/v1/customers/bulk",
    "POST /api/v1/customers/{code}/restore",
    "GET /api/v1/customers/{code}/as-of",
    "POST /api/v1/exports",
    "POST /api/v1/imports",
}
# Kit models: a write may name a related record or meet a rule over the stored data (one primary, a
# unique name, an action that does not apply), and a list filter may name an unknown record.
DATA_DEPENDENT_422 |= {
    key
    for spec in all_specs()
    for key in permission_rows(spec)
    if not key.startswith(("GET", "DELETE")) or key == f"GET /api/v1/{spec.slug}"
}
CHECKS = [
    builtin_checks.not_a_server_error,
    openapi_checks.status_code_conformance,
    openapi_checks.content_type_conformance,
    openapi_checks.response_headers_conformance,
    openapi_checks.response_schema_conformance,
    openapi_checks.negative_data_rejection,
    openapi_checks.positive_data_acceptance,
    openapi_checks.missing_required_header,
    openapi_checks.unsupported_method,
]


@pytest.fixture
def admin_headers(keep_test_connection: None, make_user: Callable[..., Any]) -> dict[str, str]:
    _, token = account_services.create_api_token(user=make_user("admin"), name="schemathesis")
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def existing_codes(db: Any) -> list[str]:
    """Customers for the operations on ``/customers/{code}`` to find (a generated code rarely exists)."""
    organization = OrganizationFactory(company_name="Fuzz Holdings")
    label = LabelFactory(name="Fuzzed")
    people = [CustomerFactory(organization=organization, labels=[label]) for _ in range(3)]
    return [organization.code, *(person.code for person in people)]


def aim_at_existing_customer(case: schemathesis.Case, codes: list[str]) -> None:
    """Point most generated codes at a real customer, so the body and the record are fuzzed together."""
    if "code" not in (case.path_parameters or {}):
        return
    generated = repr((case.path_parameters, case.query, case.body))
    slot = zlib.crc32(generated.encode()) % (len(codes) + 1)
    if slot < len(codes):
        case.path_parameters["code"] = codes[slot]


def _accepting(statuses: list[str]) -> dict[str, Any]:
    return {"positive_data_acceptance": {"expected-statuses": statuses}}


CONFIG = schemathesis.Config.from_dict(
    {
        "generation": {"max-examples": MAX_EXAMPLES},
        "checks": _accepting(ACCEPTED),
        "operations": [
            {"include-name": name, "checks": _accepting([*ACCEPTED, "422"])} for name in sorted(DATA_DEPENDENT_422)
        ],
    }
)
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application(), config=CONFIG)


@schema.parametrize()
# Derandomized: the suite asks the same questions every run (CI never fails on a new draw); run
# schemathesis itself (st run --checks all) to explore further.
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_the_api_does_what_its_schema_says(
    case: schemathesis.Case, admin_headers: dict[str, str], existing_codes: list[str]
) -> None:
    aim_at_existing_customer(case, existing_codes)
    checks = CHECKS if invalid_as_sent(case) else [check for check in CHECKS if check not in NEGATIVE_ONLY]
    case.call_and_validate(headers=admin_headers, checks=checks)


NEGATIVE_ONLY = (openapi_checks.negative_data_rejection,)


def invalid_as_sent(case: schemathesis.Case) -> bool:
    """Whether a case schemathesis made invalid still is once sent: the headers are replaced by the
    administrator's token, and a query value of an empty list or None is left out of the URL, so a case
    invalid only there reaches the server as a valid request (which must be accepted, not refused)."""
    negative = {location for location, info in case.meta.components.items() if info.mode == GenerationMode.NEGATIVE}
    if negative == {ParameterLocation.QUERY}:
        return not any(value is None or value == [] for value in (case.query or {}).values())
    return bool(negative - {ParameterLocation.HEADER})
