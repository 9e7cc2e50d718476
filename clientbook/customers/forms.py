"""Forms of the customer and label pages.

They parse and validate input with the model's and the libraries' validators (Django's email and
URL validators, phonenumbers, django-countries, the decimal places of the balance); the writes and
the rules across fields are the services', whose errors the views put back on these forms.
"""

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.db import models
from django.db.models import Q, QuerySet

from clientbook.core.kit.forms import KitForm
from clientbook.customers.models import Customer, Label

# Fields that describe a person only; an organization's form leaves them out and they are cleared.
PERSON_ONLY_FIELDS = (
    "first_name",
    "middle_name",
    "last_name",
    "suffix",
    "gender",
    "birthday",
    "marital_status",
    "organization",
)
# Beyond this many organizations a drop-down becomes unwieldy; the field then takes a code.
ORGANIZATION_CHOICES_LIMIT = 500
UNBLOCK = "unblock"


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class PhoneInput(forms.TextInput):
    """Shows a stored number in international format, so editing never changes what it means."""

    input_type = "tel"

    def format_value(self, value: Any) -> str | None:
        if value and hasattr(value, "as_international") and value.is_valid():
            return str(value.as_international)
        return super().format_value(value)


class OfficerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        full_name = obj.get_full_name()
        return f"{full_name} ({obj.get_username()})" if full_name else obj.get_username()


class OrganizationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.company_name} · {obj.code}"

    def to_python(self, value: Any) -> Any:
        return super().to_python(value.strip().upper() if isinstance(value, str) else value)


class LabelChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.name


def _form_field(model_field: models.Field, **kwargs: Any) -> forms.Field | None:
    if isinstance(model_field, models.URLField):
        kwargs["assume_scheme"] = "https"
    return model_field.formfield(**kwargs)


class CustomerForm(KitForm):
    """Create and edit a customer (the spec's form); ``version`` (the one the form showed) goes to the
    write skeleton, which refuses to overwrite a change made meanwhile under its row lock.

    Like the label's form it runs the model's checks itself, so a form alone (a preview, the tests)
    says everything a person without a last name or a blocked customer without a reason lacks.
    """

    _post_clean = forms.ModelForm._post_clean

    class Meta:
        model = Customer
        fields = (
            "kind",
            "first_name",
            "middle_name",
            "last_name",
            "suffix",
            "company_name",
            "gender",
            "birthday",
            "marital_status",
            "email",
            "phone",
            "alt_phone",
            "website",
            "language",
            "street",
            "city",
            "state",
            "postal_code",
            "country",
            "status",
            "block_reason",
            "balance",
            "currency",
            "client_id",
            "external_id",
            "account_opened_on",
            "activated_on",
            "officer",
            "organization",
            "industry",
            "labels",
            "description",
        )
        formfield_callback = _form_field
        field_classes = {"labels": LabelChoiceField}
        widgets = {
            "kind": forms.RadioSelect(attrs={"class": "btn-check"}),
            "birthday": DateInput,
            "account_opened_on": DateInput,
            "activated_on": DateInput,
            "phone": PhoneInput,
            "alt_phone": PhoneInput,
            "email": forms.EmailInput(attrs={"autocomplete": "off"}),
            "website": forms.URLInput(attrs={"placeholder": "https://"}),
            "description": forms.Textarea(attrs={"rows": 3}),
            "block_reason": forms.TextInput,
            "labels": forms.CheckboxSelectMultiple,
            "balance": forms.NumberInput(attrs={"step": "0.01"}),
        }
        labels = {
            "company_name": "Company name",
            "external_id": "External ID",
            "client_id": "Client ID",
            "account_opened_on": "Account opened",
            "activated_on": "Activated",
            "state": "State / region",
            "postal_code": "Postal code",
        }
        help_texts = {
            "phone": "Any common format; numbers without a country prefix are read as local.",
            "external_id": "The customer's number in another system.",
            "client_id": "The broker's client ID; no two customers share one.",
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["officer"] = OfficerChoiceField(
            queryset=self._officers(),
            required=False,
            label="Relationship officer",
            empty_label="No officer",
        )
        self.fields["organization"] = self._organization_field()
        self.fields["block_reason"].help_text = "Required when the status is Blocked."
        for field in self.fields.values():
            if isinstance(field, forms.ChoiceField) and not isinstance(field, forms.ModelChoiceField):
                # Django's "---------" for "not set" reads as noise in a long form.
                field.choices = [(value, "—" if value == "" else label) for value, label in field.choices]  # type: ignore[misc,union-attr]
        self.style_widgets()

    def _officers(self) -> QuerySet:
        users = get_user_model().objects.all()
        # A deactivated officer stays selectable while assigned, so saving the form does not drop them.
        return users.filter(Q(is_active=True) | Q(pk=self.instance.officer_id)).order_by(
            "first_name", "last_name", "username"
        )

    def _organization_field(self) -> forms.ModelChoiceField:
        organizations = Customer.objects.filter(kind=Customer.Kind.ORGANIZATION).exclude(pk=self.instance.pk)
        current = Customer.objects.filter(pk=self.instance.organization_id).first()
        self.initial["organization"] = current.code if current else None
        field = OrganizationChoiceField(
            queryset=organizations.order_by("sort_name", "id"),
            to_field_name="code",
            required=False,
            label="Organization",
            empty_label="None",
            help_text="The organization customer this person belongs to.",
        )
        if organizations.count() > ORGANIZATION_CHOICES_LIMIT:
            field.widget = forms.TextInput(attrs={"placeholder": "Organization code, e.g. CUST0000042"})
            field.help_text = "The code of the organization customer this person belongs to."
        if self.instance.organization_id and current is None:
            field.help_text = "The organization this person belonged to was deleted; saving removes the link."
        return field

    @property
    def is_person(self) -> bool:
        kind = self["kind"].value()
        return kind != Customer.Kind.ORGANIZATION

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        if cleaned.get("kind") == Customer.Kind.ORGANIZATION:
            for name in PERSON_ONLY_FIELDS:
                if name in cleaned:
                    cleaned[name] = None if name in ("birthday", "organization") else ""
        if cleaned.get("status") != Customer.Status.BLOCKED:
            cleaned["block_reason"] = ""
        return cleaned


class StatusForm(forms.Form):
    """A status action of the customer page: a status, or ``unblock``; blocking needs a reason."""

    status = forms.ChoiceField(choices=[*Customer.Status.choices, (UNBLOCK, "Unblock")])
    reason = forms.CharField(
        required=False,
        max_length=300,
        label="Reason",
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
        help_text="Shown on the customer page while the customer is blocked.",
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        if cleaned.get("status") == Customer.Status.BLOCKED and not cleaned.get("reason", "").strip():
            self.add_error("reason", "Blocking a customer requires a reason.")
        return cleaned


class LabelForm(KitForm):
    """A label's name and colour (the spec's form). Unlike a derived kit form it runs the model's
    checks itself, so the form alone says that a name is taken or shows nothing."""

    class Meta:
        model = Label
        fields = ("name", "colour")
        widgets = {"colour": forms.RadioSelect}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["name"].widget.attrs.update({"autofocus": True, "autocomplete": "off"})

    _post_clean = forms.ModelForm._post_clean
