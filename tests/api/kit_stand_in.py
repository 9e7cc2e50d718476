"""The Labels spec with a record action, served by a test API at /api/v1/kit-labels.

It proves ``router_for`` and ``SpecApiTests`` on a model addressed by id, with a choice field, a
FilterSet, a record action and a bulk action; the URL conf replaces the project's for the tests that
ask for it. It shares the project's spec's sort, so both APIs name the same ``LabelSort`` component.
"""

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from django.core.exceptions import ValidationError
from django.urls import path

from clientbook.api.errors import install_error_handlers
from clientbook.api.kit import router_for
from clientbook.api.openapi import ClientbookAPI
from clientbook.api.parameters import refuse_unknown_query_parameters
from clientbook.core.kit import registration, writes
from clientbook.core.kit.api_options import ApiOptions, api_path
from clientbook.core.kit.spec import RecordAction
from clientbook.core.listing.pipeline import BulkAction
from clientbook.core.records import bulk
from clientbook.customers.models import Label
from clientbook.customers.specs import LABELS as PROJECT_LABELS


def _recolour(user: Any, selection: bulk.Selection, values: Mapping[str, Any]) -> Any:
    colour = values.get("colour")
    if not colour:
        raise ValidationError({"colour": "Choose a colour."})

    def change(label: Label) -> bool:
        if label.colour == colour:
            return False
        writes.update(label, user=user, values={"colour": colour})
        return True

    return bulk.run(
        spec=registration.list_spec(LABELS),
        user=user,
        selection=selection,
        name="kit-labels.recolour",
        description=f"Colour → {colour}",
        change=change,
    )


def _paint_red(user: Any, label: Any, expected_version: int | None) -> str:
    writes.update(label, user=user, values={"colour": Label.Colour.RED}, expected_version=expected_version)
    return f"{label} is red."


# The project's label spec (its FilterSet, table and sort), with actions and API options added. Not
# registered: the tests that use it put it in the kit's registry for their duration only.
LABELS = replace(
    PROJECT_LABELS,
    key="kit-labels",
    api=ApiOptions(examples=({"name": "VIP", "colour": "danger"},)),
    bulk_actions=(BulkAction("recolour", "Recolour…", "bi-palette", "unused", run=_recolour, fields=("colour",)),),
    record_actions=(
        RecordAction("paint-red", "Paint red", _paint_red, shown=lambda label: label.colour != Label.Colour.RED),
    ),
)


api = ClientbookAPI(title="Kit test API", version="1", urls_namespace="kit-test")
install_error_handlers(api)
api.add_router(api_path(LABELS), router_for(LABELS))
refuse_unknown_query_parameters(api)

urlpatterns = [path("api/v1/", api.urls)]
