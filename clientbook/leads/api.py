"""``POST /api/v1/leads/{code}/convert``: a lead becomes a customer, or is linked to one.

Mounted beside the kit's router of leads (``clientbook/api/api.py``). The conversion is
``services.convert``: one transaction with the lead's row locked, so two calls at once give one
customer and the other a 409 naming it. Likely duplicates among customers answer 409 with the
candidates; the caller sends again with ``link_to`` (one of them) or ``create_anyway``.
"""

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Field, Router, Schema, Status

from clientbook.api.auth import caller, requires
from clientbook.api.errors import INPUT_ERRORS, PRECONDITION_ERRORS, READ_ERRORS, FieldError, error_body
from clientbook.api.etags import expected_version, tag
from clientbook.api.kit import Records, _if_match
from clientbook.core.permissions import restrict
from clientbook.customers.models import Customer
from clientbook.leads import services
from clientbook.leads.models import Lead
from clientbook.leads.specs import LEADS

router = Router(tags=["leads"])
RECORDS = Records(LEADS)


class ConvertIn(Schema):
    link_to: str | None = Field(
        None, max_length=16, description="The code of an existing customer to link the lead to instead of creating one."
    )
    create_anyway: bool = Field(False, description="Create a new customer even though likely duplicates exist.")
    pan: str | None = Field(
        None,
        max_length=20,
        description="The new customer's PAN (AAAAA9999A), also looked for among customers (`same PAN`). "
        "Only for callers who may view customers' sensitive data (else 422 naming `pan`, whatever the value); "
        "not with `link_to`.",
    )


class ConversionOut(Schema):
    lead: str = Field(..., description="The lead's code.")
    customer: str = Field(..., description="The code of the customer the lead became or was linked to.")
    created: bool = Field(..., description="True: a new customer was created; false: the lead was linked.")
    detail: str


class DuplicateOut(Schema):
    customer: str = Field(..., description="The customer's code.")
    name: str
    reasons: list[str] = Field(
        ..., description="Why it looks like the lead: `same e-mail`, `same phone`, `same PAN` (the PAN never shown)."
    )


class ConversionConflictOut(Schema):
    """409: likely duplicates (``duplicates``), or the lead was converted already (``customer``)."""

    detail: str
    errors: list[FieldError]
    duplicates: list[DuplicateOut] = Field(..., description="Customers the lead probably is already.")
    customer: str | None = Field(..., description="The customer an already converted lead became.")


@router.post(
    "/{code}/convert",
    response={200: ConversionOut, **READ_ERRORS, **INPUT_ERRORS, 409: ConversionConflictOut, **PRECONDITION_ERRORS},
    auth=requires("change", Lead),
    operation_id="convert_lead",
    summary="Convert a lead to a customer (or link it to one)",
)
def convert(
    request: HttpRequest, response: HttpResponse, code: str, payload: ConvertIn, if_match: str = _if_match()
) -> Any:
    """Creates the customer from the lead's data, or links the lead to ``link_to``, in one transaction;
    the lead becomes converted and read-only, its activities join the customer's timeline. 409 with
    ``duplicates`` when customers share the lead's e-mail (any case), a phone number (E.164) or the
    ``pan`` given and neither ``link_to`` nor ``create_anyway`` was sent; 409 with ``customer`` when
    the lead was converted already (a second call gets the first one's customer, never a second
    customer). ``If-Match`` as for PATCH (412 when stale); 422 naming ``link_to`` when that customer
    is unknown, naming ``pan`` when it is invalid, sent with ``link_to`` or by a caller who may not
    view customers' PANs; a refused call writes nothing."""
    user = caller(request)
    lead = RECORDS.live(user, code)
    assert isinstance(lead, Lead)
    link_to = None
    if payload.link_to:
        link_to = restrict(user, "view", Customer.objects.filter(code=payload.link_to.strip().upper())).first()
        if link_to is None:
            return Status(
                422, error_body("No such customer.", [("link_to", f"No customer has the code {payload.link_to}.")])
            )
    try:
        conversion = services.convert(
            user=user,
            lead=lead,
            link_to=link_to,
            create_anyway=payload.create_anyway,
            pan=payload.pan or "",
            expected_version=expected_version(if_match, lead.version),
        )
    except services.DuplicatesFound as found:
        body = error_body(str(found), [("link_to", "Link to one of the duplicates, or send create_anyway.")])
        return Status(409, {**body, "duplicates": [_duplicate(item) for item in found.duplicates], "customer": None})
    except services.AlreadyConverted as converted:
        became = converted.customer.code if converted.customer is not None else None
        return Status(409, {**error_body(str(converted)), "duplicates": [], "customer": became})
    tag(response, conversion.lead)
    return {
        "lead": conversion.lead.code,
        "customer": conversion.customer.code,
        "created": conversion.created,
        "detail": conversion.message,
    }


def _duplicate(duplicate: services.Duplicate) -> dict[str, Any]:
    return {
        "customer": duplicate.customer.code,
        "name": duplicate.customer.display_name,
        "reasons": list(duplicate.reasons),
    }
