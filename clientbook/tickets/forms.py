"""The ticket's form: the customer by code, the contacts of that customer only, the assignee among active
users, the due moment with the browser's date and time picker, the description with its Markdown toolbar."""

from typing import Any

from django import forms
from django.contrib.auth import get_user_model

from clientbook.contacts.models import Contact
from clientbook.core.kit.forms import KitForm
from clientbook.customers.forms import OfficerChoiceField, OrganizationChoiceField
from clientbook.customers.models import Customer
from clientbook.tickets.models import Ticket


class CustomerChoiceField(OrganizationChoiceField):
    """Any customer (a person too), typed by its code in any case."""

    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.display_name} · {obj.code}"


class ContactChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} · {obj.job_title}" if obj.job_title else obj.name


class TicketForm(KitForm):
    customer = CustomerChoiceField(
        queryset=Customer.objects.all(),
        to_field_name="code",
        widget=forms.TextInput(attrs={"placeholder": "CUST0000001", "autocomplete": "off"}),
        label="Customer code",
    )
    assignee = OfficerChoiceField(queryset=get_user_model().objects.filter(is_active=True), required=False)
    contact = ContactChoiceField(queryset=Contact.objects.none(), required=False)
    due_at = forms.DateTimeField(
        label="Due",
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )

    class Meta:
        model = Ticket
        fields = ("customer", "subject", "status", "priority", "assignee", "due_at", "contact", "description")
        widgets = {
            # static/js/markdown-toolbar.js adds the toolbar; without JavaScript it stays a plain textarea.
            "description": forms.Textarea(attrs={"rows": 5, "data-markdown-toolbar": ""}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        customer = self._customer()
        contacts = Contact.objects.filter(organization=customer) if customer is not None else Contact.objects.none()
        if contacts.exists():
            self.fields["contact"].queryset = contacts  # type: ignore[attr-defined]
        else:
            # A person, or a customer not yet chosen: no contact to pick.
            del self.fields["contact"]

    def _customer(self) -> Customer | None:
        """The customer the ticket is for: the one typed (or preset by the tab's link), else the ticket's."""
        code = self.data.get("customer") if self.is_bound else self.initial.get("customer")
        if code and isinstance(code, str):
            return Customer.objects.filter(code=code.strip().upper()).first()
        return self.instance.customer if self.instance.customer_id else None
