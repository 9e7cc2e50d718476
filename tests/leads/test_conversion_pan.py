"""Converting a lead with the new customer's PAN: customers with that PAN are likely duplicates (by the
keyed digest, offered for linking, never shown unmasked), the new customer gets it encrypted, and only
who may view customers' PANs may give one: anyone else is refused whatever the value, with nothing written."""

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from clientbook.activities.models import Activity
from clientbook.core.models import AuditEvent
from clientbook.customers import kyc
from clientbook.customers.factories import CustomerFactory
from clientbook.customers.models import Customer
from clientbook.leads import services
from clientbook.leads.factories import LeadFactory
from clientbook.leads.models import Lead

pytestmark = pytest.mark.django_db

PAN, PAN_MASK = "AAKPV5678Q", "AAKPVXXXXQ"
# The same PAN as a user may type it: what the pages echo back is this, never the stored form.
TYPED = "aakpv 5678 q"


def convert_api(client: Client, lead: Lead, body: dict[str, Any]) -> Any:
    return client.post(f"/api/v1/leads/{lead.code}/convert", body, content_type="application/json")


def assert_nothing_written(lead: Lead, customers: int) -> None:
    lead.refresh_from_db()
    assert lead.status == Lead.Status.NEW and lead.customer_id is None
    assert Customer.objects.count() == customers
    assert not Activity.objects.filter(lead=lead).exists()
    assert not AuditEvent.objects.filter(object_code=lead.code).exclude(action=AuditEvent.Action.CREATE).exists()


# --- The service -------------------------------------------------------------------------------------


def test_a_customer_with_the_pan_given_is_a_likely_duplicate(users: dict[str, Any]) -> None:
    holder = CustomerFactory(first_name="Meera", last_name="Iyer", pan=PAN)
    CustomerFactory(pan="AAKPV9999Q")
    lead = LeadFactory(name="M. Iyer", email="other@example.com", mobile="")

    assert services.likely_duplicates(lead, user=users["admin"]) == []
    found = services.likely_duplicates(lead, user=users["admin"], pan=TYPED)

    assert [(item.customer, item.reasons) for item in found] == [(holder, ("same PAN",))]
    with pytest.raises(services.DuplicatesFound) as refused:
        services.convert(user=users["admin"], lead=lead, pan=TYPED)
    assert PAN not in str(refused.value)
    assert_nothing_written(lead, customers=2)


def test_the_new_customer_gets_the_pan_encrypted(users: dict[str, Any]) -> None:
    lead = LeadFactory(name="Ravi Menon")
    customer = services.convert(user=users["admin"], lead=lead, pan=TYPED).customer

    customer.refresh_from_db()
    assert customer.pan.reveal() == PAN and str(customer.pan) == PAN_MASK
    created = AuditEvent.objects.get(action=AuditEvent.Action.CREATE, object_code=customer.code)
    assert PAN not in str(created.changes) and PAN not in str(created.state)


def test_a_duplicate_shown_does_not_stop_the_creation_but_one_the_pan_adds_does(users: dict[str, Any]) -> None:
    by_email = CustomerFactory(email="lata@example.com")
    by_pan = CustomerFactory(pan=PAN)
    lead = LeadFactory(email="lata@example.com")

    with pytest.raises(services.DuplicatesFound) as refused:
        services.convert(user=users["admin"], lead=lead, known_duplicates={by_email.code}, pan=PAN)
    assert {item.customer for item in refused.value.duplicates} == {by_email, by_pan}
    assert_nothing_written(lead, customers=2)

    conversion = services.convert(
        user=users["admin"], lead=lead, known_duplicates={by_email.code, by_pan.code}, pan=PAN
    )
    assert conversion.created and conversion.customer.pan.reveal() == PAN


@pytest.mark.parametrize("pan", [PAN, "ABCXE1234F", "not a pan"])
def test_who_may_not_see_pans_may_not_give_one_whatever_the_value(users: dict[str, Any], pan: str) -> None:
    CustomerFactory(pan=PAN)
    lead = LeadFactory()
    with pytest.raises(ValidationError) as refused:
        services.convert(user=users["sales"], lead=lead, pan=pan)
    assert refused.value.message_dict == {"pan": [services.PAN_NOT_ALLOWED]}
    with pytest.raises(ValidationError):
        services.likely_duplicates(lead, user=users["sales"], pan=pan)
    assert_nothing_written(lead, customers=1)


def test_an_invalid_pan_is_refused_without_repeating_it(users: dict[str, Any]) -> None:
    lead = LeadFactory()
    with pytest.raises(ValidationError) as refused:
        services.convert(user=users["admin"], lead=lead, pan="ABCXE1234F")
    assert refused.value.message_dict == {"pan": [kyc.PAN_HOLDER]}
    assert_nothing_written(lead, customers=0)


# --- The API -----------------------------------------------------------------------------------------


def test_api_offers_the_customer_with_the_pan_then_links_to_it(client_for: Any) -> None:
    holder = CustomerFactory(first_name="Meera", last_name="Iyer", pan=PAN)
    lead = LeadFactory(name="Meera Iyer", email="meera@example.com")
    admin = client_for("admin")

    offered = convert_api(admin, lead, {"pan": TYPED})

    assert offered.status_code == 409
    assert offered.json()["duplicates"] == [{"customer": holder.code, "name": "Meera Iyer", "reasons": ["same PAN"]}]
    assert PAN not in offered.content.decode()
    assert_nothing_written(lead, customers=1)
    # A PAN is the new customer's: sent with link_to it is refused, and without it the link is made.
    both = convert_api(admin, lead, {"pan": TYPED, "link_to": holder.code})
    assert both.status_code == 422 and both.json()["errors"] == [
        {"field": "pan", "message": services.PAN_NOT_WHEN_LINKING}
    ]
    linked = convert_api(admin, lead, {"link_to": holder.code})
    assert linked.status_code == 200 and linked.json()["created"] is False
    assert Customer.objects.count() == 1


def test_api_creates_the_customer_with_the_pan_masked_unless_revealed(client_for: Any) -> None:
    lead = LeadFactory(name="Asha Rao")
    created = convert_api(client_for("admin"), lead, {"pan": TYPED})
    assert created.status_code == 200, created.json()
    code = created.json()["customer"]

    as_sales = client_for("sales").get(f"/api/v1/customers/{code}")
    assert as_sales.json()["pan"] == PAN_MASK and PAN not in as_sales.content.decode()
    refused = client_for("sales").get(f"/api/v1/customers/{code}", {"reveal": "pan", "reveal_reason": "KYC check"})
    assert refused.status_code == 403
    revealed = client_for("admin").get(f"/api/v1/customers/{code}", {"reveal": "pan", "reveal_reason": "KYC check"})
    assert revealed.status_code == 200 and revealed.json()["pan"] == PAN


def test_api_refuses_a_pan_from_who_may_not_see_pans_the_same_for_every_value(client_for: Any) -> None:
    CustomerFactory(pan=PAN)
    lead = LeadFactory()
    sales = client_for("sales")
    answers = [convert_api(sales, lead, {"pan": pan}) for pan in (PAN, "AAKPV9999Q", "nonsense")]
    for answer in answers:
        assert answer.status_code == 422
        assert answer.json()["errors"] == [{"field": "pan", "message": services.PAN_NOT_ALLOWED}]
    assert len({answer.content for answer in answers}) == 1
    assert_nothing_written(lead, customers=1)
    # Without a PAN the same user converts as before.
    assert convert_api(sales, lead, {}).status_code == 200


def test_api_refuses_an_invalid_pan_naming_the_field(client_for: Any) -> None:
    lead = LeadFactory()
    admin = client_for("admin")
    invalid = convert_api(admin, lead, {"pan": "ABCPE0000F"})
    assert invalid.status_code == 422
    assert invalid.json()["errors"] == [{"field": "pan", "message": kyc.PAN_SERIAL}]
    assert "ABCPE0000F" not in invalid.content.decode()
    too_long = convert_api(admin, lead, {"pan": "A" * 21})
    assert too_long.status_code == 422 and too_long.json()["errors"][0]["field"] == "pan"
    assert_nothing_written(lead, customers=0)


# --- The dialog --------------------------------------------------------------------------------------


def test_the_dialog_has_a_pan_field_only_for_who_may_see_pans(client_for: Any) -> None:
    lead = LeadFactory()
    url = f"/leads/{lead.code}/convert/"
    for role, shown in (("admin", True), ("sales", False)):
        html = client_for(role).get(url, headers={"HX-Request": "true", "HX-Target": "modal-content"})
        assert html.status_code == 200
        assert ('name="pan"' in html.content.decode()) is shown, role


def test_the_dialog_refuses_a_pan_posted_by_who_may_not_see_pans(client_for: Any) -> None:
    CustomerFactory(pan=PAN)
    lead = LeadFactory()
    refused = client_for("sales").post(f"/leads/{lead.code}/convert/", {"version": lead.version, "pan": PAN})
    assert refused.status_code == 422
    html = refused.content.decode()
    assert services.PAN_NOT_ALLOWED.replace("'", "&#x27;") in html and 'name="pan"' not in html
    assert_nothing_written(lead, customers=1)


def test_the_dialog_puts_an_invalid_pan_error_next_to_the_field(client_for: Any) -> None:
    lead = LeadFactory()
    refused = client_for("admin").post(f"/leads/{lead.code}/convert/", {"version": lead.version, "pan": "ABCXE1234F"})
    assert refused.status_code == 422
    html = refused.content.decode()
    assert 'data-field-error="pan"' in html and "holder type" in html
    assert 'aria-invalid="true"' in html
    assert_nothing_written(lead, customers=0)


def test_the_dialog_offers_the_customer_with_the_pan_masked_then_creates_or_links(client_for: Any) -> None:
    holder = CustomerFactory(first_name="Kiran", last_name="Shah", pan=PAN)
    lead = LeadFactory(name="Kiran Shah", email="kiran@example.com")
    admin = client_for("admin")
    url = f"/leads/{lead.code}/convert/"

    offered = admin.post(url, {"version": lead.version, "pan": TYPED})

    assert offered.status_code == 409
    html = offered.content.decode()
    assert 'data-testid="duplicates"' in html and holder.code in html and "same PAN" in html
    assert f'name="seen" value="{holder.code}"' in html and "Create a new customer anyway" in html
    assert PAN not in html  # the stored PAN is never shown; the field keeps what was typed
    assert_nothing_written(lead, customers=1)

    created = admin.post(url, {"version": lead.version, "pan": TYPED, "seen": holder.code})
    assert created.status_code == 303
    customer = Customer.objects.exclude(pk=holder.pk).get()
    assert created["Location"] == customer.get_absolute_url()
    customer.refresh_from_db()
    assert customer.pan.reveal() == PAN and customer.lead == lead

    other = LeadFactory(name="Kiran S.")
    linked = admin.post(f"/leads/{other.code}/convert/", {"version": other.version, "link_to": holder.code})
    assert linked.status_code == 303 and linked["Location"] == holder.get_absolute_url()
    assert Customer.objects.count() == 2
