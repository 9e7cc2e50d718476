"""Customer pages: the list, the customer page with its status actions, create, edit, delete.

Views are thin: forms parse, services decide, ``clientbook.core.web.editing`` answers pages and the htmx modal.
"""

from datetime import date

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from clientbook.core.permissions import can, restrict
from clientbook.core.records import conflicts
from clientbook.core.records.versions import StaleVersion
from clientbook.core.web.editing import (
    CONFLICT,
    DeleteConfirmation,
    Undo,
    finish,
    htmx_current_path,
    htmx_redirect,
    is_htmx,
    permission_required,
    posted_version,
    refuse,
    render_delete_confirmation,
    render_form,
)
from clientbook.core.web.lists import SpecListView
from clientbook.customers import selectors, services
from clientbook.customers.forms import UNBLOCK, CustomerForm, StatusForm
from clientbook.customers.models import Customer
from clientbook.customers.specs import CUSTOMER_LIST
from clientbook.customers.tables import status_badge

MEMBERS_SHOWN = 25

customer_list = SpecListView.as_view(spec=CUSTOMER_LIST)


# --- Customer page, create, edit, status, delete --------------------------------------------


def _customer_or_404(request: HttpRequest, code: str) -> Customer:
    try:
        return selectors.get_customer(request.user, code)
    except Customer.DoesNotExist:
        raise Http404(f"No customer {code}.") from None


def _stale_refusal(request: HttpRequest, customer: Customer, stale: StaleVersion) -> HttpResponse:
    """Back to the customer page, fresh, with what changed meanwhile: nothing was written."""
    summary = conflicts.summary(Customer, stale)
    messages.error(request, f"Not saved. {summary} Check the page and try again.")
    page = customer.get_absolute_url()
    return htmx_redirect(page) if is_htmx(request) else HttpResponseRedirect(page, status=303)


@require_safe
@permission_required("view", Customer)
def customer_detail(request: HttpRequest, code: str) -> HttpResponse:
    customer = _customer_or_404(request, code)
    members: list[tuple[Customer, str]] = []
    member_count = 0
    if customer.kind == Customer.Kind.ORGANIZATION:
        people = customer.members.order_by("sort_name", "id")
        member_count = people.count()
        members = [
            (member, status_badge(member.status, member.get_status_display())) for member in people[:MEMBERS_SHOWN]
        ]
    context = {
        "customer": customer,
        # The default manager hides a soft-deleted organization; the link itself is kept.
        "organization": Customer.objects.filter(pk=customer.organization_id).first()
        if customer.organization_id
        else None,
        "labels": list(customer.labels.all()),
        "members": members,
        "member_count": member_count,
        "age": _age(customer.birthday) if customer.birthday else None,
        "status_badge": status_badge(customer.status, customer.get_status_display()),
        "status_before_block_label": Customer.Status(customer.status_before_block).label
        if customer.status_before_block
        else "",
        "status_choices": [choice for choice in Customer.Status.choices if choice[0] != Customer.Status.BLOCKED],
        "can_change": can(request.user, "change", Customer),
        "can_delete": can(request.user, "delete", Customer),
    }
    return render(request, "customers/customer_detail.html", context)


def _age(birthday: date) -> int:
    today = timezone.localdate()
    return today.year - birthday.year - ((today.month, today.day) < (birthday.month, birthday.day))


@require_http_methods(["GET", "HEAD", "POST"])
@permission_required("add", Customer)
def customer_create(request: HttpRequest) -> HttpResponse:
    form = CustomerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            customer = services.create_customer(
                user=request.user, labels=form.cleaned_data["labels"], **form.service_fields()
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            return finish(
                request, message=f"Customer {customer.code} created.", redirect_to=customer.get_absolute_url()
            )
    return render_form(
        request,
        "customers/customer_form.html",
        {
            "form": form,
            "action": reverse("customers:customer_create"),
            "cancel_url": reverse("customers:customer_list"),
        },
        invalid=request.method == "POST",
    )


@require_http_methods(["GET", "HEAD", "POST"])
@permission_required("change", Customer)
def customer_edit(request: HttpRequest, code: str) -> HttpResponse:
    customer = _customer_or_404(request, code)
    form = CustomerForm(request.POST or None, instance=customer)
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            customer = services.update_customer(
                user=request.user,
                customer=customer,
                labels=form.cleaned_data["labels"],
                expected_version=form.cleaned_data.get("version"),
                **form.service_fields(),
            )
        except StaleVersion as stale:
            customer, form, conflict = _edit_conflict(request, code, form, stale)
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            page = customer.get_absolute_url()
            return finish(
                request,
                message=f"Customer {customer.code} saved.",
                redirect_to=page,
                stay=htmx_current_path(request) not in ("", page),
            )
    return render_form(
        request,
        "customers/customer_form.html",
        {
            "form": form,
            "customer": customer,
            "conflict": conflict,
            "action": reverse("customers:customer_edit", kwargs={"code": customer.code}),
            "cancel_url": customer.get_absolute_url(),
        },
        invalid=request.method == "POST",
        status=CONFLICT if conflict else None,
    )


def _edit_conflict(
    request: HttpRequest, code: str, form: CustomerForm, stale: StaleVersion
) -> tuple[Customer, CustomerForm, conflicts.Conflict]:
    """The form again at the current version: the current values with the user's own changes in it."""
    current = _customer_or_404(request, code)
    submitted = {**form.service_fields(), "labels": list(form.cleaned_data["labels"])}
    conflict = conflicts.resolve(current, stale, submitted)
    fresh = CustomerForm(instance=current)
    fresh.initial.update(conflict.mine)
    return current, fresh, conflict


@require_http_methods(["GET", "HEAD", "POST"])
@permission_required("change", Customer)
def customer_status(request: HttpRequest, code: str) -> HttpResponse:
    """POST applies a status action; GET shows the form that blocking needs (a reason)."""
    customer = _customer_or_404(request, code)
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


@require_http_methods(["GET", "HEAD", "POST"])
@permission_required("delete", Customer)
def customer_delete(request: HttpRequest, code: str) -> HttpResponse:
    customer = _customer_or_404(request, code)
    stale_summary = ""
    if request.method == "POST":
        try:
            services.delete_customer(user=request.user, customer=customer, expected_version=posted_version(request))
        except StaleVersion as stale:
            # Ask again, showing what changed; the form now carries the current version.
            customer = _customer_or_404(request, code)
            stale_summary = conflicts.summary(Customer, stale)
        except ValidationError as error:  # deleted meanwhile by someone else
            return refuse(request, message=" ".join(error.messages), redirect_to=reverse("customers:customer_list"))
        else:
            list_url = reverse("customers:customer_list")
            return finish(
                request,
                message=f"Customer {customer.code} ({customer.display_name}) deleted.",
                redirect_to=list_url,
                stay=htmx_current_path(request) == list_url,
                undo=Undo(reverse("customers:customer_restore", kwargs={"code": customer.code})),
            )
    confirmation = DeleteConfirmation(
        noun="customer",
        title=f"Delete {customer.code}",
        delete_url=reverse("customers:customer_delete", kwargs={"code": customer.code}),
        cancel_url=customer.get_absolute_url(),
        version=customer.version,
        message_template="customers/_customer_delete_message.html",
        breadcrumbs=(("Customers", reverse("customers:customer_list")), (customer.code, customer.get_absolute_url())),
    )
    return render_delete_confirmation(request, confirmation, {"customer": customer}, stale_summary=stale_summary)


@require_POST
@permission_required("delete", Customer)
def customer_restore(request: HttpRequest, code: str) -> HttpResponse:
    """Undo a delete (the toast's Undo button, or its form without JavaScript); audited as a restore.

    From the customer list the list reloads in place; from anywhere else the customer page opens.
    """
    customer = restrict(request.user, "view", Customer.all_objects.filter(code=code.strip().upper())).first()
    if customer is None:
        raise Http404(f"No customer {code}.")
    list_url = reverse("customers:customer_list")
    try:
        services.restore_customer(user=request.user, customer=customer)
    except ValidationError as error:
        message = f"Customer {customer.code} was not restored: {' '.join(error.messages)}"
        return refuse(request, message=message, redirect_to=list_url)
    return finish(
        request,
        message=f"Customer {customer.code} ({customer.display_name}) restored.",
        redirect_to=customer.get_absolute_url(),
        stay=htmx_current_path(request) == list_url,
    )
