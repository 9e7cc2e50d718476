"""The import wizard's pages without a browser: each step, its refusals, the template and error files."""

import io
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from python_calamine import CalamineWorkbook

from clientbook.core.models import ImportJob
from clientbook.customers.models import Customer

pytestmark = pytest.mark.django_db(transaction=True)
UPLOAD = "/customers/import/"


def upload(client: Client, content: bytes, name: str = "people.csv") -> Any:
    return client.post(UPLOAD, {"file": SimpleUploadedFile(name, content)})


def test_list_links_to_the_wizard_for_writers_only(client_for: Callable[[str | None], Client]) -> None:
    assert 'data-testid="import-button"' in client_for("sales").get("/customers/").content.decode()
    assert 'data-testid="import-button"' not in client_for("accounting").get("/customers/").content.decode()
    assert client_for("support").get(UPLOAD).status_code == 403


def test_upload_map_preview_run_and_download_the_rejections(
    client_for: Callable[[str | None], Client], immediate_worker: None
) -> None:
    sales = client_for("sales")
    response = upload(
        sales, b"E-mail;Surname;Mobile;Born\nada@example.com;Lovelace;+44 20 7946 0958;10/12/1815\nbad;;;\n"
    )
    assert response.status_code == 303
    job_url = response["Location"]
    page = sales.get(job_url).content.decode()
    assert 'data-testid="import-mapping"' in page
    assert '<option value="email" selected>' in page and '<option value="last_name" selected>' in page

    form = {"column_0": "email", "column_1": "last_name", "column_2": "phone", "column_3": "birthday"}
    form |= {"duplicate_strategy": "skip", "match_on": ["email"], "date_order": "auto", "region": "GB"}
    refused = sales.post(job_url, form)
    assert refused.status_code == 422
    assert "read two ways" in refused.content.decode()  # 10/12/1815: the user must say which comes first

    assert sales.post(job_url, {**form, "date_order": "dmy"}).status_code == 303
    job = ImportJob.objects.get()
    assert (job.state, job.created, job.rejected) == (ImportJob.State.PREVIEWED, 1, 1)
    assert "1</span> to create" in sales.get(job_url).content.decode().replace('"preview-created">', "")

    assert sales.post(f"{job_url}run/").status_code == 303
    job.refresh_from_db()
    assert (job.state, job.created, job.rejected) == (ImportJob.State.DONE, 1, 1)
    assert str(Customer.objects.get(email="ada@example.com").birthday) == "1815-12-10"
    assert "Import done: 1 of 2 rows rejected" in sales.get(job_url).content.decode()
    rejected = b"".join(sales.get(f"{job_url}errors.csv").streaming_content).decode()
    assert rejected.splitlines()[0] == "\ufeffE-mail,Surname,Mobile,Born,Row,Reason"  # UTF-8 for spreadsheets
    assert rejected.splitlines()[1].startswith("bad,,,,3,")


def test_a_bad_file_is_refused_next_to_the_field(client_for: Callable[[str | None], Client]) -> None:
    response = upload(client_for("sales"), b"")
    assert response.status_code == 422
    assert "The submitted file is empty." in response.content.decode()
    assert not ImportJob.objects.exists()


def test_a_mapping_without_fields_is_refused(client_for: Callable[[str | None], Client]) -> None:
    sales = client_for("sales")
    job_url = upload(sales, b"Foo,Bar\n1,2\n")["Location"]
    form = {"column_0": "", "column_1": "", "duplicate_strategy": "skip", "match_on": ["email"]}
    response = sales.post(job_url, {**form, "date_order": "auto", "region": "US"})
    assert response.status_code == 422
    assert "No column is mapped to a field" in response.content.decode()


def test_someone_elses_import_is_not_shown(client_for: Callable[[str | None], Client], make_user: Any) -> None:
    job_url = upload(client_for("sales"), b"Email\na@example.com\n")["Location"]
    other = Client()
    other.force_login(make_user("sales", username="other-sales"))
    assert other.get(job_url).status_code == 403
    assert client_for("admin").get(job_url).status_code == 200


def test_templates_hold_every_importable_column(client_for: Callable[[str | None], Client]) -> None:
    sales = client_for("sales")
    text = sales.get("/imports/customers/template.csv").content.decode()
    header = text.splitlines()[0].split(",")
    assert header[:3] == ["Code", "Kind", "First name"] and "Labels" in header
    workbook = CalamineWorkbook.from_filelike(io.BytesIO(sales.get("/imports/customers/template.xlsx").content))
    rows = workbook.get_sheet_by_index(0).to_python()
    assert rows[0] == header and rows[1][2] == "Ada"
