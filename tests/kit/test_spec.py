from clientbook.core.kit.registration import derived_export_fields
from clientbook.core.kit.spec import ModelSpec
from clientbook.customers.models import Customer, Label
from clientbook.customers.tables import CustomerTable


def test_names_and_lookup_are_derived_from_the_model():
    spec = ModelSpec(model=Customer, fields=("first_name", "email"))
    assert (spec.label, spec.slug, spec.lookup) == ("customers.Customer", "customers", "code")
    assert (spec.title, spec.singular) == ("Customers", "Customer")
    assert spec.url_name("detail") == "customers:customer_detail"
    assert ModelSpec(model=Label, fields=("name",)).lookup == "pk"


def test_one_field_list_yields_the_recorded_schema_and_export_fields():
    spec = ModelSpec(model=Customer, fields=("first_name", "officer"), natural_keys={"officer": "username"})
    assert spec.recorded_fields == spec.schema_fields == spec.editable_fields == ("first_name", "officer")
    exported = {field.name: field.columns for field in derived_export_fields(spec)}
    assert exported == {"code": ("code",), "first_name": ("first_name",), "officer": ("officer__username",)}


def test_sort_fields_come_from_the_tables_orderable_columns():
    sorts = ModelSpec(model=Customer, fields=(), table=CustomerTable).derived_sort_fields()
    assert sorts["code"] == ("code",)
    assert "labels" not in sorts
