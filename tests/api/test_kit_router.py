"""The generated router on a model addressed by id (Labels through a stand-in spec)."""

import dataclasses
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured, ValidationError
from ninja import NinjaAPI, Router, Schema

from clientbook.api.kit import mount, router_for
from clientbook.api.kit_schemas import service_fields
from clientbook.core.kit import spec as kit_spec
from clientbook.core.kit import writes
from clientbook.core.kit.api_options import ApiOptions
from clientbook.core.records import bulk
from clientbook.core.testing.api import SpecApiTests, permission_rows
from clientbook.customers.api import CUSTOMER_API
from clientbook.customers.api_schemas import CustomerIn
from clientbook.customers.factories import LabelFactory
from clientbook.customers.models import Label
from clientbook.customers.specs import CUSTOMERS
from tests.api.kit_stand_in import LABELS, api

pytestmark = pytest.mark.urls("tests.api.kit_stand_in")


@pytest.fixture(autouse=True)
def registered(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(kit_spec._SPECS, LABELS.label, LABELS)
    # As registering the spec would: its bulk operations are undone through the write skeleton.
    monkeypatch.setitem(bulk._APPLIERS, Label, writes.apply_recorded_values)


class TestLabelKitApi(SpecApiTests):
    spec = LABELS
    factory = LabelFactory
    create_body = {"name": "Kit probe", "colour": "success"}
    patch_body = {"name": "Kit probe renamed"}
    bulk_body = {"action": "recolour", "colour": "danger"}


def test_the_list_takes_the_filtersets_parameters_and_a_sort_enum() -> None:
    schema = api.get_openapi_schema(path_prefix="/api/v1/")
    parameters = {parameter["name"] for parameter in schema["paths"]["/api/v1/kit-labels"]["get"]["parameters"]}

    assert parameters == {"q", "colour", "sort", "page", "page_size"}
    assert "LabelSort" in schema["components"]["schemas"]


def test_a_choice_field_is_one_named_component(db: Any) -> None:
    components = api.get_openapi_schema(path_prefix="/api/v1/")["components"]["schemas"]

    assert components["LabelColour"]["enum"] == [value for value, _ in LabelFactory._meta.model.Colour.choices]
    assert "LabelCreateIn" in components and "LabelPatchIn" in components and "LabelOut" in components


def test_filters_and_sort_apply(db: Any, users: dict[str, Any], client: Any) -> None:
    LabelFactory(name="Alpha", colour="danger")
    LabelFactory(name="Beta", colour="success")
    LabelFactory(name="Alpine", colour="success")
    client.force_login(users["support"])

    response = client.get("/api/v1/kit-labels", {"q": "al", "sort": "-name"})
    coloured = client.get("/api/v1/kit-labels", {"colour": "success"})

    assert [item["name"] for item in response.json()["items"]] == ["Alpine", "Alpha"]
    assert {item["name"] for item in coloured.json()["items"]} == {"Beta", "Alpine"}


def test_an_action_changes_the_record_through_its_services(db: Any, users: dict[str, Any], client: Any) -> None:
    label = LabelFactory(colour="primary")
    client.force_login(users["sales"])

    response = client.post(f"/api/v1/kit-labels/{label.pk}/paint-red")

    assert response.status_code == 200
    assert response.json()["colour"] == "danger"
    assert response["ETag"] == f'"{label.version + 1}"'
    assert client.post(f"/api/v1/kit-labels/{label.pk}/paint-red").status_code == 422


def test_the_permission_rows_name_every_operation_of_the_router() -> None:
    """The permission matrix takes a kit model's rows from here: none of its operations may be missing."""
    schema = api.get_openapi_schema(path_prefix="/api/v1/")
    served = {f"{method.upper()} {path}" for path, methods in schema["paths"].items() for method in methods}

    rows = permission_rows(LABELS)

    assert set(rows) == served
    assert rows["GET /api/v1/kit-labels/{id}"] == ("view", frozenset(LABELS.read_roles))
    assert rows["POST /api/v1/kit-labels/{id}/paint-red"] == ("change", frozenset(LABELS.write_roles))


def test_a_spec_may_replace_a_generated_schema() -> None:
    class LabelName(Schema):
        id: int
        name: str

    spec = dataclasses.replace(LABELS, api=ApiOptions(out_schema=LabelName))
    served = NinjaAPI(urls_namespace="kit-override")
    served.add_router("/kit-labels", router_for(spec))

    schemas = served.get_openapi_schema(path_prefix="/")["components"]["schemas"]

    assert set(schemas["LabelName"]["properties"]) == {"id", "name"}
    assert "LabelOut" not in schemas


def test_the_bulk_body_is_derived_from_the_bulk_actions() -> None:
    components = api.get_openapi_schema(path_prefix="/api/v1/")["components"]["schemas"]
    body = components["LabelBulkIn"]

    assert set(body["properties"]) == {"action", "colour", "ids", "filter"}
    assert body["properties"]["action"]["const"] == "recolour"  # one action: pydantic writes a const
    assert body["properties"]["colour"]["allOf"] == [{"$ref": "#/components/schemas/LabelColour"}]
    assert body["properties"]["filter"]["description"].startswith("Instead of ids:")
    assert "q, colour" in body["properties"]["filter"]["description"]


def test_a_bulk_action_refuses_what_its_rule_refuses(db: Any, users: dict[str, Any], client: Any) -> None:
    label = LabelFactory(colour="primary")
    client.force_login(users["sales"])

    response = client.post("/api/v1/kit-labels/bulk", {"action": "recolour", "ids": [label.pk]}, "application/json")
    refused = client.post(
        "/api/v1/kit-labels/bulk", {"action": "recolour", "colour": "mauve", "ids": [label.pk]}, "application/json"
    )

    assert response.status_code == 422 and [e["field"] for e in response.json()["errors"]] == ["colour"]
    assert refused.status_code == 422 and [e["field"] for e in refused.json()["errors"]] == ["colour"]
    assert client.get(f"/api/v1/kit-labels/{label.pk}").json()["colour"] == "primary"


def test_a_spec_is_not_mounted_where_a_hand_written_router_is() -> None:
    served = NinjaAPI(urls_namespace="kit-clash")
    served.add_router("/kit-labels", Router())

    with pytest.raises(ImproperlyConfigured, match="kit-labels"):
        mount(served, [LABELS])


def test_a_spec_may_document_its_operations() -> None:
    options = ApiOptions(summaries={"delete": "Throw a label away"}, operation_descriptions={"create": "A label."})
    served = NinjaAPI(urls_namespace="kit-docs")
    served.add_router("/kit-labels", router_for(dataclasses.replace(LABELS, api=options)))

    paths = served.get_openapi_schema(path_prefix="/")["paths"]

    assert paths["/kit-labels/{id}"]["delete"]["summary"] == "Throw a label away"
    assert paths["/kit-labels"]["post"]["description"] == "A label."
    # What the spec leaves alone keeps the generated text.
    assert paths["/kit-labels"]["post"]["summary"] == "Create a label"
    assert paths["/kit-labels/{id}"]["delete"]["description"].startswith("Moves the record to the trash")


def test_documenting_an_operation_the_router_lacks_is_refused() -> None:
    with pytest.raises(ImproperlyConfigured, match="erase"):
        router_for(dataclasses.replace(LABELS, api=ApiOptions(operation_descriptions={"erase": "Gone."})))


def test_a_null_for_a_many_to_many_field_is_refused_naming_it(db: Any, users: dict[str, Any]) -> None:
    """A hand-written body may take null where the model takes a list of rows (the customers' labels):
    without input resolution of its own that says what null means, the write gets a 422, never the null."""
    spec = dataclasses.replace(CUSTOMERS, api=dataclasses.replace(CUSTOMER_API, input_values=None))

    with pytest.raises(ValidationError) as refused:
        service_fields(spec, users["sales"], CustomerIn(city="Oslo", labels=None))

    assert refused.value.message_dict == {"labels": ["This field cannot be null."]}
