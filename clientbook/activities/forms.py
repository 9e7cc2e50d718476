"""The "Log activity" form (the spec's create and edit form).

Only the types people log are offered; the fields a type does not use (a meeting's phone number) are
hidden by ``static/js/shown-when.js`` and ignored by the form (``KitForm.shown_when``), while the API,
which has no hidden fields, is refused them by the rules (``services.validate``). Opened from a
customer (``?customer=CODE``), a call starts with the customer's phone number and the contact is
picked among the customer's people.
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


class LoggedTypeField(forms.ChoiceField):
    """The types a person logs; an automatic one is refused with the reason, not "not a valid choice"."""

    def validate(self, value: Any) -> None:
        if value in AUTOMATIC_TYPES:
            raise ValidationError(services.automatic_type_refusal(value), code="automatic")
        super().validate(value)


class CustomerCodeField(forms.ModelChoiceField):
    """A customer typed by its code, in any case (``cust0000001``)."""

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
        customer = self._customer()
        if not self.is_bound and not self.instance.pk and customer is not None and customer.phone:
            self.initial.setdefault("phone", customer.phone)
        contacts = Contact.objects.filter(organization=customer) if customer is not None else Contact.objects.none()
        if contacts.exists():
            self.fields["contact"].queryset = contacts  # type: ignore[attr-defined]
        else:
            # A person, or a customer not yet chosen: no contact to pick.
            del self.fields["contact"]

    def _customer(self) -> Customer | None:
        """The customer the entry is for: the one typed, the one it was opened from, or the entry's."""
        code = self.data.get(self.add_prefix("customer")) if self.is_bound else self.initial.get("customer")
        if isinstance(code, str) and code.strip():
            return Customer.objects.filter(code=code.strip().upper()).first()
        return self.instance.customer if self.instance.customer_id else None
