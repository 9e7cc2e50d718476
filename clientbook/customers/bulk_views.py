"""The customer list's bulk actions: change status, add labels, remove labels (``core.bulk_views``)."""

from collections.abc import Mapping
from typing import Any

from django import forms

from clientbook.core.models import BulkOperation
from clientbook.core.records import bulk
from clientbook.core.web.operations import BulkForm, bulk_action_view
from clientbook.customers import bulk as customer_bulk
from clientbook.customers.models import Customer, Label
from clientbook.customers.specs import CUSTOMER_LIST

LIST_URL_NAME = "customers:customer_list"


class BulkStatusForm(BulkForm):
    status = forms.ChoiceField(label="New status", choices=[("", "Choose a status"), *Customer.Status.choices])
    reason = forms.CharField(
        label="Block reason",
        required=False,
        max_length=300,
        help_text="Required when blocking; every selected customer gets this reason.",
    )


class BulkLabelsForm(BulkForm):
    labels = forms.ModelMultipleChoiceField(
        label="Labels",
        queryset=Label.objects.order_by("name"),
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        error_messages={"required": "Choose at least one label."},
    )


def _change_status(user: Any, selection: bulk.Selection, data: Mapping[str, Any]) -> BulkOperation:
    return customer_bulk.change_status(user=user, selection=selection, status=data["status"], reason=data["reason"])


def _add_labels(user: Any, selection: bulk.Selection, data: Mapping[str, Any]) -> BulkOperation:
    return customer_bulk.add_labels(user=user, selection=selection, labels=list(data["labels"]))


def _remove_labels(user: Any, selection: bulk.Selection, data: Mapping[str, Any]) -> BulkOperation:
    return customer_bulk.remove_labels(user=user, selection=selection, labels=list(data["labels"]))


bulk_status = bulk_action_view(
    spec=CUSTOMER_LIST,
    form_class=BulkStatusForm,
    title="Change status",
    submit_label="Change status",
    perform=_change_status,
    list_url_name=LIST_URL_NAME,
)
bulk_add_labels = bulk_action_view(
    spec=CUSTOMER_LIST,
    form_class=BulkLabelsForm,
    title="Add labels",
    submit_label="Add labels",
    perform=_add_labels,
    list_url_name=LIST_URL_NAME,
)
bulk_remove_labels = bulk_action_view(
    spec=CUSTOMER_LIST,
    form_class=BulkLabelsForm,
    title="Remove labels",
    submit_label="Remove labels",
    perform=_remove_labels,
    list_url_name=LIST_URL_NAME,
)
