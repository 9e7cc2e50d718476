"""The access card's form: the customer by code, validity typed on the site's wall clock, zones as boxes."""

from typing import Any

from django import forms

from clientbook.core.kit.forms import KitForm
from clientbook.customers.models import Customer
from clientbook.facility.models import AccessCard, Zone
from clientbook.facility.validity import SiteDateTimeField, site_zone


class CustomerByCodeField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.display_name} · {obj.code}"


class AccessCardForm(KitForm):
    customer = CustomerByCodeField(
        queryset=Customer.objects.all(),
        to_field_name="code",
        widget=forms.TextInput(attrs={"placeholder": "CUST0000001"}),
        label="Customer code",
    )
    valid_from = SiteDateTimeField(required=False, label="Valid from")
    valid_until = SiteDateTimeField(required=False, label="Valid until")
    allowed_zones = forms.ModelMultipleChoiceField(
        queryset=Zone.objects.order_by("sort_name"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="The zones it opens.",
    )

    class Meta:
        model = AccessCard
        fields = ("customer", "card_number", "username", "valid_from", "valid_until", "is_active", "allowed_zones")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        zone = site_zone().key
        self.fields["valid_from"].help_text = f"Empty: from now on. Site time ({zone})."
        self.fields["valid_until"].help_text = f"Empty: no end; the card stops at this moment. Site time ({zone})."
