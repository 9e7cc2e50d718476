"""Leads through the kit's import and export: codes given by the sequence, the assignee by user name,
"converted" refused as a status an import sets, and the export naming a converted lead's customer."""

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from clientbook.core.imports import engine as imports
from clientbook.leads import services
from clientbook.leads.factories import LeadFactory
from clientbook.leads.models import Lead


def test_import_creates_leads_and_refuses_converted(
    users: dict[str, Any], immediate_worker: Any, django_capture_on_commit_callbacks: Any
) -> None:
    rows = (
        "Name,Mobile,Email,Source,Status,Assignee\n"
        "Sunil Verma,+919812300001,sunil@example.com,referral,new,sales-user\n"
        "Rekha Jain,,rekha@example.com,campaign,contacted,\n"
        "Already Done,,done@example.com,website,converted,\n"
    )
    job = imports.upload(
        user=users["sales"],
        importer=imports.get_importer("leads"),
        uploaded=SimpleUploadedFile("leads.csv", rows.encode()),
        file_name="leads.csv",
    )
    imports.configure(user=users["sales"], job=job, mapping=job.mapping, strategy="skip", match_on=["email"])
    with django_capture_on_commit_callbacks(execute=True):
        imports.start(user=users["sales"], job=job, dry_run=False)
    job.refresh_from_db()
    assert (job.created, job.rejected) == (2, 1)
    sunil = Lead.objects.get(email="sunil@example.com")
    assert (
        sunil.code.startswith("LEAD") and sunil.assignee == users["sales"] and sunil.mobile.as_e164 == "+919812300001"
    )
    assert not Lead.objects.filter(status=Lead.Status.CONVERTED).exists()


def test_export_names_the_customer_of_a_converted_lead(users: dict[str, Any], client_for: Any) -> None:
    lead = LeadFactory(name="Export Me")
    customer = services.convert(user=users["sales"], lead=lead).customer
    response = client_for("support").post("/exports/leads/", {"select_all": "on", "format": "csv", "query": ""})
    content = b"".join(response.streaming_content).decode()
    header, row = content.splitlines()[:2]
    assert "Code" in header and "Customer" in header
    assert lead.code in row and "Export Me" in row and customer.code in row
