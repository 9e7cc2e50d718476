"""The customer, status and label forms: library validation, kind rules, choices and display formats."""

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from clientbook.customers import forms as customer_forms
from clientbook.customers import services
from clientbook.customers.factories import CustomerFactory, LabelFactory, OrganizationFactory
from clientbook.customers.forms import CustomerForm, LabelForm, StatusForm
from clientbook.customers.models import Label

pytestmark = pytest.mark.django_db


def person(**overrides: Any) -> dict[str, Any]:
    data = {"kind": "person", "last_name": "Lovelace", "balance": "0", "currency": "USD", "status": "active"}
    data.update(overrides)
    return data


def test_minimal_person_is_valid() -> None:
    form = CustomerForm(person())
    assert form.is_valid(), form.errors
    assert form.values()["last_name"] == "Lovelace"
    assert "version" not in form.values() and list(form.values()["labels"]) == []


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("email", "ada@"),
        ("email", "ada example.com"),
        ("phone", "12"),
        ("phone", "+1 555"),
        ("alt_phone", "call me"),
        ("country", "XX"),
        ("website", "htp:/nowhere"),
        ("website", "not a url"),
        ("birthday", (timezone.localdate() + timedelta(days=1)).isoformat()),
        ("account_opened_on", (timezone.localdate() + timedelta(days=3)).isoformat()),
        ("balance", "10.123"),
        ("balance", "1e400"),
        ("balance", "1234567890123.00"),
        ("language", "klingon"),
        ("gender", "x"),
        ("kind", "robot"),
    ],
)
def test_invalid_value_is_reported_on_its_field(field: str, value: str) -> None:
    form = CustomerForm(person(**{field: value}))
    assert not form.is_valid()
    assert field in form.errors, form.errors
    assert 'aria-invalid="true"' in str(form[field])


def test_a_person_needs_a_name_and_an_organization_a_company_name() -> None:
    assert "last_name" in CustomerForm(person(last_name="")).errors
    assert "company_name" in CustomerForm(person(kind="organization")).errors
    assert CustomerForm(person(kind="organization", company_name="Initech", last_name="")).is_valid()


def test_blocked_status_needs_a_reason() -> None:
    assert "block_reason" in CustomerForm(person(status="blocked", block_reason=" ")).errors
    assert CustomerForm(person(status="blocked", block_reason="Fraud")).is_valid()


def test_block_reason_is_dropped_for_other_statuses() -> None:
    form = CustomerForm(person(status="active", block_reason="left over"))
    assert form.is_valid()
    assert form.cleaned_data["block_reason"] == ""


def test_phone_is_read_in_the_default_region() -> None:
    form = CustomerForm(person(phone="940-986-3836", alt_phone="+44 20 7946 0958"))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["phone"].as_e164 == "+19409863836"
    assert form.cleaned_data["alt_phone"].as_e164 == "+442079460958"


def test_stored_phone_is_shown_in_international_format() -> None:
    customer = CustomerFactory(phone="+19409863836")
    form = CustomerForm(instance=customer)
    assert 'value="+1 940-986-3836"' in str(form["phone"])
    assert 'type="tel"' in str(form["phone"])


def test_organization_drops_person_only_fields() -> None:
    org = OrganizationFactory()
    data = person(
        kind="organization",
        company_name="Initech",
        first_name="Bill",
        gender="male",
        birthday="1980-02-03",
        marital_status="married",
        organization=org.code,
    )
    form = CustomerForm(data)
    assert form.is_valid(), form.errors
    fields = form.values()
    assert (fields["first_name"], fields["gender"], fields["birthday"], fields["marital_status"]) == ("", "", None, "")
    assert fields["organization"] is None


def test_a_person_keeps_an_employer_name() -> None:
    form = CustomerForm(person(company_name="Rasmussen Group"))
    assert form.is_valid()
    assert form.values()["company_name"] == "Rasmussen Group"


def test_organization_choices_are_live_organizations_by_code() -> None:
    org = OrganizationFactory(company_name="Globex")
    gone = OrganizationFactory(company_name="Gone Ltd")
    services.delete_customer(user=None, customer=gone)
    someone = CustomerFactory()
    form = CustomerForm()
    choices = dict(form.fields["organization"].choices)
    assert choices == {"": "None", org.code: f"Globex · {org.code}"}
    assert someone.code not in choices
    assert CustomerForm(person(organization=org.code.lower())).is_valid()


def test_an_organization_is_not_offered_as_its_own_organization() -> None:
    org = OrganizationFactory()
    assert org.code not in dict(CustomerForm(instance=org).fields["organization"].choices)


def test_many_organizations_make_the_field_a_code_box(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(customer_forms, "ORGANIZATION_CHOICES_LIMIT", 1)
    first, _ = OrganizationFactory(), OrganizationFactory()
    form = CustomerForm(person(organization=first.code))
    assert isinstance(form.fields["organization"].widget, forms.TextInput)
    assert form.is_valid()
    assert form.cleaned_data["organization"] == first


def test_officers_are_active_users_and_the_current_one(make_user: Any) -> None:
    active = make_user("sales", username="active-officer", first_name="Ann", last_name="Active")
    retired = make_user("sales", username="retired-officer")
    retired.is_active = False
    retired.save()
    labels = dict(CustomerForm().fields["officer"].choices)
    assert "Ann Active (active-officer)" in labels.values() and "retired-officer" not in labels.values()
    customer = CustomerFactory(officer=retired)
    assert "retired-officer" in dict(CustomerForm(instance=customer).fields["officer"].choices).values()
    assert active.is_active


def test_labels_are_optional_and_live() -> None:
    keep, drop = LabelFactory(name="Keep"), LabelFactory(name="Drop")
    services.delete_label(user=None, label=drop)
    form = CustomerForm(person(labels=[keep.pk]))
    assert form.is_valid()
    assert list(form.cleaned_data["labels"]) == [keep]
    assert list(form.fields["labels"].queryset) == [keep]
    assert "labels" in CustomerForm(person(labels=[drop.pk])).errors


def test_edit_form_carries_the_version_it_showed() -> None:
    customer = CustomerFactory()
    services.update_customer(user=None, customer=customer, city="Elsewhere")
    customer.refresh_from_db()
    assert CustomerForm(instance=customer).initial["version"] == customer.version == 2
    # The form only reads the version back; the service compares it under its row lock
    # (tests/core/test_versions.py, and the conflict view in tests/customers/test_conflicts.py).
    stale = CustomerForm(person(last_name="Mine", version=1), instance=customer)
    assert stale.is_valid() and stale.cleaned_data["version"] == 1
    assert "version" not in stale.values()


def test_service_errors_land_on_their_fields() -> None:
    form = CustomerForm(person())
    assert form.is_valid()
    form.add_service_errors(ValidationError({"email": "Taken.", "mystery": "Elsewhere."}))
    assert form.errors["email"] == ["Taken."]
    assert "Elsewhere." in form.non_field_errors()
    assert "is-invalid" in str(form["email"])


def test_balance_keeps_two_places() -> None:
    form = CustomerForm(person(balance="-12.5"))
    assert form.is_valid()
    assert form.cleaned_data["balance"] == Decimal("-12.5")


@pytest.mark.parametrize(
    ("data", "valid"),
    [
        ({"status": "inactive"}, True),
        ({"status": "unblock"}, True),
        ({"status": "blocked", "reason": "Fraud"}, True),
        ({"status": "blocked", "reason": "  "}, False),
        ({"status": "blocked"}, False),
        ({"status": "asleep"}, False),
        ({}, False),
    ],
)
def test_status_form(data: dict[str, str], valid: bool) -> None:
    assert StatusForm(data).is_valid() is valid


def test_label_form_checks_name_case_insensitively() -> None:
    LabelFactory(name="VIP")
    form = LabelForm({"name": "vip", "colour": "primary"})
    assert not form.is_valid()
    assert "name" in form.errors
    own = Label.objects.get()
    assert LabelForm({"name": "vip", "colour": "danger"}, instance=own).is_valid()  # a label may change its case
