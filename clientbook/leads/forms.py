"""The "Convert to customer" dialog's form: the new customer's PAN, for who may give one.

The field is the customer form's PAN field (``customers.forms``): never filled from a stored value,
no autocomplete, validated by the service (``services.given_pan``), whose errors go next to it.
A user who may not see PANs gets no field at all (``services.may_give_pan``).
"""

from typing import Any

from django import forms

from clientbook.core.web.editing import BootstrapFormMixin
from clientbook.leads import services


class LeadConversionForm(BootstrapFormMixin, forms.Form):
    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if services.may_give_pan(user):
            self.fields["pan"] = forms.CharField(
                required=False,
                max_length=20,
                label="PAN of the new customer (optional)",
                widget=forms.TextInput(
                    attrs={
                        "autocomplete": "off",
                        "spellcheck": "false",
                        "autocapitalize": "characters",
                        "placeholder": "e.g. ABCPE1234F",
                    }
                ),
                help_text="Customers with this PAN are offered for linking too. Encrypted when saved; shown masked.",
            )
        self.style_widgets()

    @property
    def has_pan(self) -> bool:
        return "pan" in self.fields
