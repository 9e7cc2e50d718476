"""The deal's form: the customer by code, the contacts of that customer only, the currencies of ISO 4217,
and the rate's hint ("1 EUR = ? USD"), which static/js/deal-form.js follows as the currency changes."""

from typing import Any

from django import forms
from django.contrib.auth import get_user_model

from clientbook.contacts.models import Contact
from clientbook.core.kit.forms import KitForm
from clientbook.customers.forms import DateInput, OfficerChoiceField, OrganizationChoiceField
from clientbook.customers.models import Customer
from clientbook.deals.models import Deal, currency_choices

RATE_HELP = "Needed when a deal in another currency is won: units of the customer's currency for one of the deal's."


class CustomerChoiceField(OrganizationChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.display_name} · {obj.code}"


class ContactChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} · {obj.job_title}" if obj.job_title else obj.name


def rate_hint(currency: str, own: str) -> str:
    return f"1 {currency} = ? {own}" if currency and own and currency != own else ""


class DealForm(KitForm):
    customer = CustomerChoiceField(
        queryset=Customer.objects.all(),
        to_field_name="code",
        widget=forms.TextInput(attrs={"placeholder": "CUST0000001"}),
        label="Customer code",
    )
    currency = forms.ChoiceField(
        choices=[("", "The customer's currency"), *currency_choices()], required=False, label="Currency"
    )
    owner = OfficerChoiceField(queryset=get_user_model().objects.filter(is_active=True), required=False)
    contact = ContactChoiceField(queryset=Contact.objects.none(), required=False)
    expected_close_on = forms.DateField(widget=DateInput, required=False, label="Expected close")

    class Meta:
        model = Deal
        # The stage first, with what it may ask for (the rate of a win, the reason of a loss) close below.
        fields = (
            "customer",
            "title",
            "stage",
            "value",
            "currency",
            "exchange_rate",
            "lost_reason",
            "expected_close_on",
            "owner",
            "contact",
        )
        widgets = {"lost_reason": forms.TextInput(attrs={"data-deal-lost-reason": ""})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound and self.instance.customer_id and "customer" not in kwargs.get("initial", {}):
            # The field takes a code; the instance's initial value is the customer's id.
            self.initial["customer"] = self.instance.customer.code
        customer = self._customer()
        if customer is not None:
            # Only the organization's own people are offered (a person customer has none).
            self.fields["contact"].queryset = Contact.objects.filter(organization=customer)  # type: ignore[attr-defined]
        own = str(customer.currency) if customer is not None else ""
        currency = str(self["currency"].value() or own)
        rate = self.fields["exchange_rate"]
        rate.help_text = rate_hint(currency, own) or RATE_HELP
        rate.widget.attrs.update({"data-deal-rate": "", "data-customer-currency": own, "step": "0.000001"})
        self.fields["stage"].widget.attrs["data-deal-stage"] = ""

    def _customer(self) -> Customer | None:
        """The customer the form is about: the one typed (or preset by the tab's link), else the deal's."""
        code = self.data.get("customer") if self.is_bound else self.initial.get("customer")
        if code and isinstance(code, str):
            return Customer.objects.filter(code=code.strip().upper()).first()
        if self.instance.customer_id:
            return self.instance.customer  # type: ignore[no-any-return]
        return None
