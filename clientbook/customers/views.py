"""The customer's own page beside the kit's: the status actions (activate, deactivate, block with a
reason, unblock). The list, the customer page, create, edit, delete, restore and history are the
kit's (``clientbook.core.kit``), driven by the spec in ``specs.py``.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.views.decorators.http import require_http_methods

from clientbook.core.kit.views import get_record
from clientbook.core.records import conflicts
from clientbook.core.records.versions import StaleVersion
from clientbook.core.web.editing import (
    finish,
    htmx_redirect,
    is_htmx,
    permission_required,
    posted_version,
    render_form,
)
from clientbook.customers import services
from clientbook.customers.forms import UNBLOCK, StatusForm
from clientbook.customers.models import Customer
from clientbook.customers.specs import CUSTOMERS


def _stale_refusal(request: HttpRequest, customer: Customer, stale: StaleVersion) -> HttpResponse:
    """Back to the customer page, fresh, with what changed meanwhile: nothing was written."""
    summary = conflicts.summary(Customer, stale)
    messages.error(request, f"Not saved. {summary} Check the page and try again.")
    page = customer.get_absolute_url()
    return htmx_redirect(page) if is_htmx(request) else HttpResponseRedirect(page, status=303)


@require_http_methods(["GET", "HEAD", "POST"])
@permission_required("change", Customer)
def customer_status(request: HttpRequest, code: str) -> HttpResponse:
    """POST applies a status action; GET shows the form that blocking needs (a reason)."""
    customer = get_record(CUSTOMERS, request, code)
    if request.method == "POST":
        form = StatusForm(request.POST)
    else:
        form = StatusForm(initial={"status": Customer.Status.BLOCKED, "reason": customer.block_reason})
    if request.method == "POST" and form.is_valid():
        try:
            customer = _apply_status_action(request, customer, form.cleaned_data["status"], form.cleaned_data["reason"])
        except StaleVersion as stale:
            return _stale_refusal(request, customer, stale)
        except ValidationError as error:
            _add_status_errors(form, error)
        else:
            message = f"Customer {customer.code} is now {customer.get_status_display().lower()}."
            return finish(request, message=message, redirect_to=customer.get_absolute_url())
    return render_form(
        request,
        "customers/customer_block.html",
        {"form": form, "customer": customer},
        invalid=request.method == "POST",
    )


def _apply_status_action(request: HttpRequest, customer: Customer, status: str, reason: str) -> Customer:
    """The action on the version the page showed (the form's ``version``), so a click never undoes a
    change the user has not seen."""
    version = posted_version(request)
    if status == UNBLOCK:
        return services.unblock_customer(user=request.user, customer=customer, expected_version=version)
    return services.change_status(
        user=request.user, customer=customer, status=status, reason=reason, expected_version=version
    )


def _add_status_errors(form: StatusForm, error: ValidationError) -> None:
    """The service names the reason ``block_reason``; the form calls it ``reason``."""
    for name, field_messages in error.message_dict.items():
        target = "reason" if name == "block_reason" else name if name in form.fields else None
        for message in field_messages:
            form.add_error(target, message)
