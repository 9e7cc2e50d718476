"""The Labels spec with a record action, served by a test API at /api/v1/kit-labels.

It proves ``router_for`` and ``SpecApiTests`` on a model addressed by id, with a choice field, a
FilterSet and an action; the URL conf replaces the project's for the tests that ask for it. It
shares the project's spec's sort, so both APIs name the same ``LabelSort`` component.
"""

from dataclasses import dataclass, field, fields
from typing import Any

from django.urls import path

from clientbook.api.errors import install_error_handlers
from clientbook.api.kit import router_for
from clientbook.api.openapi import ClientbookAPI
from clientbook.api.parameters import refuse_unknown_query_parameters
from clientbook.core.kit import writes
from clientbook.core.kit.api_options import ApiOptions, api_path
from clientbook.core.kit.spec import ModelSpec, RecordAction
from clientbook.customers.models import Label
from clientbook.customers.specs import LABELS as PROJECT_LABELS


def _paint_red(user: Any, label: Any, expected_version: int | None) -> str:
    writes.update(label, user=user, values={"colour": Label.Colour.RED}, expected_version=expected_version)
    return f"{label} is red."


@dataclass(frozen=True)
class SpecWithApi(ModelSpec):
    """``ModelSpec`` with its ``api`` options, as the kit declares them."""

    api: ApiOptions | None = field(default_factory=ApiOptions)


# The project's label spec (its FilterSet, table and sort), with an action and API options added. Not
# registered: the tests that use it put it in the kit's registry for their duration only.
LABELS = SpecWithApi(
    **{
        **{spec_field.name: getattr(PROJECT_LABELS, spec_field.name) for spec_field in fields(ModelSpec)},
        "key": "kit-labels",
        "record_actions": (
            RecordAction("paint-red", "Paint red", _paint_red, shown=lambda label: label.colour != Label.Colour.RED),
        ),
    },
    api=ApiOptions(examples=({"name": "VIP", "colour": "danger"},)),
)


api = ClientbookAPI(title="Kit test API", version="1", urls_namespace="kit-test")
install_error_handlers(api)
api.add_router(api_path(LABELS), router_for(LABELS))
refuse_unknown_query_parameters(api)

urlpatterns = [path("api/v1/", api.urls)]
