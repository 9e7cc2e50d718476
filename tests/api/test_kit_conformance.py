"""A generated kit API says what it enforces: schemathesis over the stand-in spec's router.

The same checks as ``test_schema_conformance`` (which covers the registered kit models with the
rest of the API), on a model addressed by id, with a choice field, a FilterSet and an action.
"""

import zlib
from collections.abc import Callable
from typing import Any

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings

from clientbook.accounts import services as account_services
from clientbook.core.kit import spec as kit_spec
from clientbook.customers.factories import LabelFactory
from tests.api.kit_stand_in import LABELS, api
from tests.api.test_schema_conformance import ACCEPTED, CHECKS, MAX_EXAMPLES

pytestmark = pytest.mark.urls("tests.api.kit_stand_in")

CONFIG = schemathesis.Config.from_dict(
    {
        "generation": {"max-examples": MAX_EXAMPLES},
        # A taken name (create, rename, restore) is refused by the data, not by the request's shape.
        "checks": {"positive_data_acceptance": {"expected-statuses": [*ACCEPTED, "422"]}},
    }
)
schema = schemathesis.openapi.from_dict(api.get_openapi_schema(path_prefix="/api/v1/"), config=CONFIG)
schema.app = get_wsgi_application()


@schema.hook
def filter_query(context: Any, query: dict[str, Any] | None) -> bool:
    """A query string carries text: an object generated as a "wrong type" arrives as its Python repr,
    which is valid text, so the server rightly takes it; such cases say nothing about the schema."""
    return not any(isinstance(value, dict) for value in (query or {}).values())


@pytest.fixture
def admin_headers(keep_test_connection: None, make_user: Callable[..., Any], monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setitem(kit_spec._SPECS, LABELS.label, LABELS)
    _, token = account_services.create_api_token(user=make_user("admin"), name="schemathesis")
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def existing_ids(db: Any) -> list[int]:
    return [LabelFactory().pk for _ in range(3)]


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_the_kit_api_does_what_its_schema_says(
    case: schemathesis.Case, admin_headers: dict[str, str], existing_ids: list[int]
) -> None:
    if "id" in (case.path_parameters or {}):
        slot = zlib.crc32(repr((case.path_parameters, case.query, case.body)).encode()) % len(existing_ids)
        case.path_parameters["id"] = existing_ids[slot]
    response = case.call_and_validate(headers=admin_headers, checks=CHECKS)
    if case.operation.path == "/api/v1/kit-labels" or case.method == "POST":
        # The router is really served (a 404 everywhere would pass the checks above).
        assert response.status_code != 404, case.operation.path
