"""The "Log activity" form (the spec's create and edit form).

Only the types people log are offered; the fields a type does not use (a meeting's phone number) are
hidden by ``static/js/shown-when.js`` and ignored by the form (``KitForm.shown_when``), while the API,
which has no hidden fields, is refused them by the rules (``services.validate``). Opened from a
customer (``?customer=CODE``), a call starts with the customer's phone number and the contact is
picked among the customer's people. Opened from a lead (``?lead=CODE``, its Activities tab) the form
names the lead instead of a customer, and a call starts with the lead's mobile.
"""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from clientbook.activities import services
from clientbook.activities.models import AUTOMATIC_TYPES, LOGGED_TYPES, TYPES_OF_FIELD, Activity
from clientbook.contacts.models import Contact
from clientbook.core.kit.forms import KitForm
from clientbook.customers.models import Customer
from clientbook.leads.models import Lead


class LoggedTypeField(forms.ChoiceField):
    """The types a person logs; an automatic one is refused with the reason, not "not a valid choice"."""

    def validate(self, value: Any) -> None:
        if value in AUTOMATIC_TYPES:
            raise ValidationError(services.automatic_type_refusal(value), code="automatic")
        super().validate(value)


class CustomerCodeField(forms.ModelChoiceField):
    """A customer (or a lead) typed by its code, in any case (``cust0000001``)."""

    def to_python(self, value: Any) -> Any:
        return super().to_python(value.strip().upper() if isinstance(value, str) else value)


class ActivityForm(KitForm):
    type = LoggedTypeField(choices=[(kind.value, kind.label) for kind in LOGGED_TYPES], initial=Activity.Type.CALL)
    customer = CustomerCodeField(
        queryset=Customer.objects.all(),
        to_field_name="code",
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        help_text="The customer's code.",
    )
    lead = CustomerCodeField(
        queryset=Lead.objects.all(),
        to_field_name="code",
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        help_text="The lead's code.",
    )
    occurred_at = forms.DateTimeField(
        label="When",
        initial=timezone.now,
        # The browser's date and time picker, in the site's time zone (the field converts both ways), to the
        # second: an entry logged now comes after one the services wrote earlier in the same minute.
        widget=forms.DateTimeInput(attrs={"type": "datetime-local", "step": 1}, format="%Y-%m-%dT%H:%M:%S"),
    )

    shown_when = {name: ("type", types) for name, types in TYPES_OF_FIELD.items()}

    class Meta:
        model = Activity
        fields = (
            "customer",
            "lead",
            "type",
            "title",
            "occurred_at",
            "direction",
            "phone",
            "duration_minutes",
            "outcome",
            "contact",
            "description",
        )
        widgets = {
            "duration_minutes": forms.NumberInput(attrs={"min": 0, "step": 1}),
            # static/js/markdown-toolbar.js adds the toolbar; without JavaScript it stays a plain textarea.
            "description": forms.Textarea(attrs={"rows": 4, "data-markdown-toolbar": ""}),
        }
        labels = {"duration_minutes": "Duration (minutes)", "phone": "Phone number"}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # One of the two names the entry's record: a lead's entry (until it has a customer) names the lead.
        del self.fields["customer" if self._about_a_lead() else "lead"]
        customer = self._customer()
        lead = self._lead() if "lead" in self.fields else None
        number = customer.phone if customer is not None else lead.mobile if lead is not None else None
        if not self.is_bound and not self.instance.pk and number:
            self.initial.setdefault("phone", number)
        contacts = Contact.objects.filter(organization=customer) if customer is not None else Contact.objects.none()
        if contacts.exists():
            self.fields["contact"].queryset = contacts  # type: ignore[attr-defined]
        else:
            # A person, or a customer not yet chosen: no contact to pick.
            del self.fields["contact"]

    def _given(self, name: str) -> Any:
        return self.data.get(self.add_prefix(name)) if self.is_bound else self.initial.get(name)

    def _about_a_lead(self) -> bool:
        if self.instance.pk:
            return self.instance.customer_id is None and self.instance.lead_id is not None
        return bool(self._given("lead")) and not self._given("customer")

    def _lead(self) -> Lead | None:
        code = self._given("lead")
        if isinstance(code, str) and code.strip():
            return Lead.objects.filter(code=code.strip().upper()).first()
        return self.instance.lead if self.instance.lead_id else None

    def _customer(self) -> Customer | None:
        """The customer the entry is for: the one typed, the one it was opened from, or the entry's."""
        if "customer" not in self.fields:
            return None
        code = self._given("customer")
        if isinstance(code, str) and code.strip():
            return Customer.objects.filter(code=code.strip().upper()).first()
        return self.instance.customer if self.instance.customer_id else None
