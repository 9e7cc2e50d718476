"""Rules of every customer write: a change that changes nothing moves nothing, names must show, and
a description has a length limit; the same for the service, the edit form and the label services."""

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from clientbook.core.models import AuditEvent
from clientbook.customers import services
from clientbook.customers.factories import CustomerFactory, LabelFactory, OrganizationFactory
from clientbook.customers.forms import CustomerForm
from clientbook.customers.models import DESCRIPTION_MAX_LENGTH, Customer

pytestmark = pytest.mark.django_db

INVISIBLE_NAMES = ["   ", "\u200b", "\u200b\u200c\u200d", "\u2060\ufeff", "\u3164", " \u00ad "]
NAME_FIELDS = ["first_name", "middle_name", "last_name"]


def events_of(obj: Any) -> int:
    return AuditEvent.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk)).count()


def edit_form_data(customer: Customer, **overrides: Any) -> dict[str, Any]:
    """What the edit form posts when nothing is touched: the form's own initial values."""
    form = CustomerForm(instance=customer)
    data: dict[str, Any] = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if name == "labels":
            data[name] = [str(pk) for pk in value or []]
        elif value is not None:
            data[name] = field.widget.format_value(value) if hasattr(field.widget, "format_value") else value
    data.update(overrides)
    return {name: value for name, value in data.items() if value is not None}


# --- Nothing changed, nothing moves ---------------------------------------------------------------


def test_an_update_with_the_stored_values_moves_nothing() -> None:
    vip = LabelFactory(name="VIP")
    customer = CustomerFactory(phone="+12025550143", labels=[vip])
    before = Customer.objects.get(pk=customer.pk)
    events = events_of(customer)

    updated = services.update_customer(
        user=None,
        customer=customer,
        labels=[vip],
        expected_version=1,
        first_name=customer.first_name,
        phone="(202) 555-0143",  # the stored number, as typed
        city=customer.city,
        balance=customer.balance,
    )

    stored = Customer.objects.get(pk=customer.pk)
    assert (updated.version, stored.version, stored.updated_at) == (1, 1, before.updated_at)
    assert events_of(customer) == events
    assert list(stored.labels.all()) == [vip]


def test_a_status_change_to_the_current_status_moves_nothing() -> None:
    customer = CustomerFactory()
    events = events_of(customer)

    services.change_status(user=None, customer=customer, status=Customer.Status.ACTIVE)

    assert Customer.objects.get(pk=customer.pk).version == 1
    assert events_of(customer) == events


def test_a_real_change_still_moves_version_time_and_trail() -> None:
    customer = CustomerFactory(city="Banjul")
    before = Customer.objects.get(pk=customer.pk)
    events = events_of(customer)

    services.update_customer(user=None, customer=customer, city="Lagos", last_name=customer.last_name)

    stored = Customer.objects.get(pk=customer.pk)
    assert (stored.version, stored.city) == (2, "Lagos")
    assert stored.updated_at > before.updated_at
    assert events_of(customer) == events + 1
    assert set(AuditEvent.objects.filter(object_id=str(customer.pk)).latest("id").changes) == {"city"}


def test_changing_only_the_labels_is_a_change() -> None:
    customer = CustomerFactory()

    services.update_customer(user=None, customer=customer, labels=[LabelFactory(name="VIP")])

    assert Customer.objects.get(pk=customer.pk).version == 2


def test_a_label_update_with_its_own_values_moves_nothing() -> None:
    label = LabelFactory(name="VIP", colour="danger")
    events = events_of(label)

    services.update_label(user=None, label=label, name=" VIP ", colour="danger", expected_version=1)

    label.refresh_from_db()
    assert label.version == 1
    assert events_of(label) == events


def test_saving_the_edit_form_untouched_moves_nothing(client_for: Any) -> None:
    organization = OrganizationFactory()
    customer = CustomerFactory(
        phone="+12025550143",
        organization=organization,
        labels=[LabelFactory(name="VIP")],
        description="Met at the fair.",
    )
    customer = Customer.objects.get(pk=customer.pk)
    events = events_of(customer)
    client: Client = client_for("sales")

    response = client.post(reverse("customers:customer_edit", kwargs={"code": customer.code}), edit_form_data(customer))

    assert response.status_code == 303, response.content.decode()[:2000]
    stored = Customer.objects.get(pk=customer.pk)
    assert (stored.version, stored.updated_at) == (customer.version, customer.updated_at)
    assert events_of(customer) == events


# --- Names that show ------------------------------------------------------------------------------


@pytest.mark.parametrize("value", INVISIBLE_NAMES)
@pytest.mark.parametrize("field", NAME_FIELDS)
def test_a_person_name_of_spaces_or_invisible_characters_is_refused(field: str, value: str) -> None:
    names = {"first_name": "Ada", "last_name": "Lovelace", field: value}

    with pytest.raises(ValidationError) as excinfo:
        services.create_customer(user=None, **names)

    assert field in excinfo.value.message_dict
    assert not Customer.all_objects.exists()


@pytest.mark.parametrize("value", INVISIBLE_NAMES)
def test_an_organization_name_of_invisible_characters_is_refused(value: str) -> None:
    with pytest.raises(ValidationError) as excinfo:
        services.create_customer(user=None, kind=Customer.Kind.ORGANIZATION, company_name=value)

    assert "company_name" in excinfo.value.message_dict


def test_an_update_to_an_invisible_name_is_refused() -> None:
    customer = CustomerFactory(first_name="Ada", last_name="Lovelace")

    with pytest.raises(ValidationError) as excinfo:
        services.update_customer(user=None, customer=customer, first_name="\u200b", last_name="\u200b")

    assert set(excinfo.value.message_dict) == {"first_name", "last_name"}
    assert Customer.objects.get(pk=customer.pk).first_name == "Ada"


@pytest.mark.parametrize("value", ["\u200b", "\u200b\u200d", "\u3164"])
def test_the_form_refuses_an_invisible_name_next_to_the_field(value: str) -> None:
    form = CustomerForm(
        {
            "kind": "person",
            "first_name": value,
            "last_name": "Ng",
            "balance": "0",
            "currency": "USD",
            "status": "active",
        }
    )

    assert not form.is_valid()
    assert list(form.errors) == ["first_name"]
    assert form.errors["first_name"] == ["Enter a name that shows: this one is only spaces or invisible characters."]


def test_names_with_something_visible_are_kept() -> None:
    customer = services.create_customer(user=None, first_name="Zoë\u200d", last_name="O’Brien")

    assert (customer.first_name, customer.last_name) == ("Zoë\u200d", "O’Brien")


# --- Description length ---------------------------------------------------------------------------


def test_a_description_up_to_the_limit_is_kept_and_one_past_it_is_refused() -> None:
    customer = services.create_customer(user=None, last_name="Ng", description="d" * DESCRIPTION_MAX_LENGTH)
    assert len(customer.description) == 10_000

    with pytest.raises(ValidationError) as excinfo:
        services.update_customer(user=None, customer=customer, description="d" * 2_400_000)

    assert excinfo.value.message_dict == {
        "description": ["A description has at most 10,000 characters (this one has 2400000)."]
    }
    assert len(Customer.objects.get(pk=customer.pk).description) == 10_000


def test_the_model_field_declares_the_limit() -> None:
    assert Customer._meta.get_field("description").max_length == DESCRIPTION_MAX_LENGTH == 10_000


def test_the_form_refuses_a_long_description_next_to_the_field() -> None:
    form = CustomerForm(
        {
            "kind": "person",
            "last_name": "Ng",
            "balance": "0",
            "currency": "USD",
            "status": "active",
            "description": "d" * 10_001,
        }
    )

    assert not form.is_valid()
    assert list(form.errors) == ["description"]
    assert form["description"].field.widget.attrs["maxlength"] == "10000"
