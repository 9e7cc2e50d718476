"""The "Convert to customer" dialog: the likely duplicates with a "Link" button each, or "Create".

GET shows the dialog (in the modal, or as a page without JavaScript); POST converts through
``services.convert``. "Create" posts the codes of the duplicates shown (``seen``), so a look-alike
the user has not seen (one created meanwhile, one with the PAN typed) shows the dialog again with
it. A lead converted meanwhile (a double click, another tab) sends the user to the customer it
became, with a message; nothing is created twice.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.views.decorators.http import require_http_methods

from clientbook.core.kit.views import get_record
from clientbook.core.permissions import restrict
from clientbook.core.records import conflicts
from clientbook.core.records.versions import StaleVersion
from clientbook.core.web.editing import (
    CONFLICT,
    add_message,
    finish,
    htmx_redirect,
    is_htmx,
    permission_required,
    posted_version,
    refuse,
    render_form,
)
from clientbook.customers.models import Customer
from clientbook.leads import services
from clientbook.leads.forms import LeadConversionForm
from clientbook.leads.models import Lead
from clientbook.leads.specs import LEADS


@require_http_methods(["GET", "HEAD", "POST"])
@permission_required("change", Lead)
def convert_lead(request: HttpRequest, code: str) -> HttpResponse:
    lead = get_record(LEADS, request, code)
    if lead.is_converted:
        return _already(request, services.AlreadyConverted(lead))
    form = LeadConversionForm(request.POST if request.method == "POST" else None, user=request.user)
    errors: list[str] = []
    notice = ""
    duplicates: list[services.Duplicate] | None = None
    status = None
    if request.method == "POST" and not form.is_valid():
        status = 422
    elif request.method == "POST":
        try:
            conversion = services.convert(
                user=request.user,
                lead=lead,
                link_to=_chosen_customer(request),
                known_duplicates=set(request.POST.getlist("seen")),
                pan=request.POST.get("pan", ""),
                expected_version=posted_version(request),
            )
        except services.AlreadyConverted as converted:
            return _already(request, converted)
        except services.DuplicatesFound as found:
            # A look-alike the dialog did not show: created since it opened, or found by the PAN typed.
            notice = "Not converted yet: look at the customers below first."
            duplicates = found.duplicates
            status = CONFLICT
        except StaleVersion as stale:
            errors.append(f"The lead changed meanwhile. {conflicts.summary(Lead, stale)}")
            lead = get_record(LEADS, request, code)
            status = CONFLICT
        except ValidationError as error:
            form.add_service_errors(error)
            status = 422
        else:
            return finish(request, message=conversion.message, redirect_to=conversion.customer.get_absolute_url())
    if duplicates is None:
        duplicates = services.likely_duplicates(lead, user=request.user, pan=_checked_pan(request, form))
    context = {
        "lead": lead,
        "form": form,
        "duplicates": duplicates,
        "errors": errors,
        "notice": notice,
        "action": request.path,
    }
    return render_form(request, "leads/lead_convert.html", context, status=status)


def _checked_pan(request: HttpRequest, form: LeadConversionForm) -> str:
    """The PAN posted, when the form may carry one and the service did not refuse it ("" otherwise)."""
    if not form.has_pan or form.errors.get("pan"):
        return ""
    return request.POST.get("pan", "")


def _chosen_customer(request: HttpRequest) -> Customer | None:
    code = request.POST.get("link_to", "").strip().upper()
    if not code:
        return None
    customer = restrict(request.user, "view", Customer.objects.filter(code=code)).first()
    if customer is None:
        raise ValidationError({"link_to": f"No customer {code} to link to."})
    return customer


def _already(request: HttpRequest, converted: services.AlreadyConverted) -> HttpResponse:
    """To the customer the lead became (a second click of "Convert" lands where the first did)."""
    if converted.customer is None:
        return refuse(request, message=str(converted), redirect_to=converted.lead.get_absolute_url())
    add_message(request, str(converted), level=messages.INFO)
    page = converted.customer.get_absolute_url()
    return htmx_redirect(page) if is_htmx(request) else HttpResponseRedirect(page, status=303)
