import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction

from clientbook.contacts import services
from clientbook.contacts.factories import ContactFactory
from clientbook.contacts.models import Contact
from clientbook.core.imports import engine as imports
from clientbook.core.kit import writes
from clientbook.customers.models import Customer

pytestmark = pytest.mark.django_db


def test_set_as_primary_moves_the_flag_and_the_database_allows_one_primary(users):
    first = ContactFactory(is_primary=True)
    second = ContactFactory(organization=first.organization)
    services.set_primary(users["sales"], second, second.version)
    assert list(Contact.objects.filter(is_primary=True)) == [second]
    with pytest.raises(IntegrityError), transaction.atomic():
        Contact.objects.filter(pk=first.pk).update(is_primary=True)


def test_deleting_the_primary_leaves_none_primary_and_says_so(users):
    contact = ContactFactory(is_primary=True)
    message = writes.delete(contact, user=users["sales"])
    assert "none is primary now" in message
    assert not Contact.objects.filter(is_primary=True).exists()


def test_the_organization_is_found_by_its_contacts_names():
    contact = ContactFactory(first_name="Ottoline", last_name="Quast")
    organization = Customer.objects.get(pk=contact.organization_id)
    assert "ottoline" in organization.search_document
    writes.update(contact, user=None, values={"first_name": "Wilhelmina"})
    organization.refresh_from_db()
    assert "ottoline" not in organization.search_document and "wilhelmina" in organization.search_document


def test_an_unchanged_save_keeps_the_version(users):
    contact = ContactFactory()
    assert writes.update(contact, user=users["sales"], values={"job_title": "Buyer"}).version == contact.version


def test_import_matches_the_organization_by_code_or_name_and_export_writes_it_back(
    users, client_for, immediate_worker, django_capture_on_commit_callbacks
):
    acme = ContactFactory(organization__company_name="Acme Ltd").organization
    rows = f"Organization,Last name,Phone\n{acme.code},Ceesay,+2207000001\nacme ltd,Darboe,\nNowhere,Jallow,\n"
    job = imports.upload(
        user=users["sales"],
        importer=imports.get_importer("contacts"),
        uploaded=SimpleUploadedFile("c.csv", rows.encode()),
        file_name="c.csv",
    )
    imports.configure(user=users["sales"], job=job, mapping=job.mapping, strategy="skip", match_on=["email"])
    with django_capture_on_commit_callbacks(execute=True):
        imports.start(user=users["sales"], job=job, dry_run=False)
    job.refresh_from_db()
    assert (job.created, job.rejected) == (2, 1)
    assert set(acme.contacts.values_list("last_name", flat=True)) >= {"Ceesay", "Darboe"}
    response = client_for("sales").post(
        "/exports/contacts/", {"select_all": "on", "format": "csv", "query": "q=ceesay"}
    )
    assert f"{acme.code},,Ceesay,,'+2207000001" in b"".join(response.streaming_content).decode()
