"""``POST /api/v1/imports`` and the import jobs it starts: read, error file, cancel and undo."""

import codecs
import csv
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from clientbook.accounts import services as account_services
from clientbook.core.models import BulkOperation, ImportJob
from clientbook.core.tasks import IMPORT_QUEUE
from clientbook.customers.models import Customer
from tests.api.conftest import error_fields
from tests.fixtures_loader import DATABLIST_CSV

# The worker runs when the job's transaction commits, so the tests need real commits.
pytestmark = pytest.mark.django_db(transaction=True)

URL = "/api/v1/imports"
DATABLIST = DATABLIST_CSV.read_bytes()
SMALL = b"First Name,Last Name,Email,Balance\nAda,Lovelace,ada@example.com,10\nBob,Bee,not-an-email,x\n"

Poster = Callable[..., Any]


@pytest.fixture
def api(token_for: Callable[[str], str]) -> Poster:
    """``api("sales", "GET", path)`` with the role's Bearer token; POST bodies are sent as a form."""
    tokens: dict[str, str] = {}
    client = Client()

    def make(role: str, method: str, path: str, data: dict[str, Any] | None = None) -> Any:
        tokens.setdefault(role, token_for(role))
        headers = {"Authorization": f"Bearer {tokens[role]}"}
        if method == "GET":
            return client.get(path, headers=headers)
        return client.post(path, data or {}, headers=headers)

    return make


@pytest.fixture
def upload(api: Poster) -> Poster:
    """``upload(content, name="customers.csv", role="sales", **fields)``: ``POST /api/v1/imports``."""

    def post(content: bytes, name: str = "customers.csv", role: str = "sales", **fields: Any) -> Any:
        data = {"model": "customers", "region": "US", **fields}
        return api(role, "POST", URL, {"file": SimpleUploadedFile(name, content), **data})

    return post


def job_of(api: Poster, response: Any, role: str = "sales") -> dict[str, Any]:
    """The job a 202 answer started, read back as its author."""
    assert response.status_code == 202, response.content
    read = api(role, "GET", response["Location"])
    assert read.status_code == 200, read.content
    return read.json()


def counts(job: dict[str, Any]) -> tuple[int, int, int, int]:
    return (job["created"], job["updated"], job["skipped"], job["rejected"])


def assert_nothing_stored(folder: Path) -> None:
    assert not ImportJob.objects.exists()
    assert not Customer.all_objects.exists()
    assert not [path for path in folder.rglob("*") if path.is_file()]


def test_the_datablist_file_imports_every_row(upload: Poster, api: Poster, immediate_worker: None) -> None:
    response = upload(DATABLIST, "datablist-customers-100.csv")
    assert response.status_code == 202
    started = response.json()
    assert response["Location"] == started["url"] == f"{URL}/{started['id']}"
    job = job_of(api, response)
    assert job["state"] == "done", job["error"]
    assert counts(job) == (100, 0, 0, 0)
    assert sum(counts(job)) == job["total"] == 100
    assert job["progress"] == 100
    assert (job["model"], job["file_name"], job["dry_run"]) == ("customers", "datablist-customers-100.csv", False)
    assert job["mapping"]["Email"] == "email" and job["mapping"]["Index"] == ""
    assert (job["duplicate_strategy"], job["match_on"]) == ("skip", ["email"])
    assert job["preview"] is None and job["error_file"] is None and job["undone"] is False
    assert job["operation"] and job["finished_at"]
    assert Customer.objects.filter(email="zunigavanessa@smith.info", first_name="Sheryl").exists()


def test_the_same_file_again_skips_every_row(upload: Poster, api: Poster, immediate_worker: None) -> None:
    job_of(api, upload(DATABLIST))
    again = job_of(api, upload(DATABLIST))
    assert counts(again) == (0, 0, 100, 0)
    assert again["operation"] is None
    assert Customer.objects.filter(external_id__isnull=False).count() == 100


def changed_datablist() -> bytes:
    text = DATABLIST.decode()
    assert text.count(",East Leonard,") == 1
    return text.replace(",East Leonard,", ",Valparaíso,").encode()


def test_the_update_strategy_changes_the_matching_record(upload: Poster, api: Poster, immediate_worker: None) -> None:
    job_of(api, upload(DATABLIST))
    job = job_of(api, upload(changed_datablist(), duplicate_strategy="update", match_on="external_id, email"))
    assert counts(job) == (0, 1, 99, 0)
    assert (job["duplicate_strategy"], job["match_on"]) == ("update", ["external_id", "email"])
    assert Customer.objects.get(external_id="DD37Cf93aecA6Dc").city == "Valparaíso"


def test_a_dry_run_previews_and_writes_nothing(upload: Poster, api: Poster, immediate_worker: None) -> None:
    job = job_of(api, upload(DATABLIST, dry_run="true"))
    assert job["state"] == "previewed" and job["dry_run"] is True
    assert counts(job) == (100, 0, 0, 0)
    assert job["preview"] == {"rejections": [], "updates": []}
    assert job["operation"] is None
    assert not Customer.objects.exists()


def test_a_dry_run_shows_the_changes_an_update_would_make(upload: Poster, api: Poster, immediate_worker: None) -> None:
    job_of(api, upload(DATABLIST))
    job = job_of(
        api, upload(changed_datablist(), duplicate_strategy="update", match_on=["email", "code"], dry_run="true")
    )
    assert counts(job) == (0, 1, 99, 0)
    assert job["match_on"] == ["email", "code"]
    [update] = job["preview"]["updates"]
    assert update["changes"]["city"] == {"before": "East Leonard", "after": "Valparaíso"}
    assert Customer.objects.get(external_id="DD37Cf93aecA6Dc").city == "East Leonard"


def test_a_dry_run_lists_the_rows_it_would_reject(upload: Poster, api: Poster, immediate_worker: None) -> None:
    job = job_of(api, upload(SMALL, dry_run=True))
    assert counts(job) == (1, 0, 0, 1)
    assert [rejection["row"] for rejection in job["preview"]["rejections"]] == [3]
    assert job["error_file"] is None


def test_a_previewed_import_runs_for_real(upload: Poster, api: Poster, immediate_worker: None) -> None:
    previewed = job_of(api, upload(SMALL, dry_run="true", duplicate_strategy="update"))
    assert previewed["state"] == "previewed" and not Customer.objects.exists()
    response = api("sales", "POST", f"{previewed['url']}/run")
    assert response.status_code == 202, response.content
    started = response.json()
    assert set(started) == set(previewed)
    assert (started["id"], started["dry_run"]) == (previewed["id"], False)
    job = api("sales", "GET", previewed["url"]).json()
    assert job["state"] == "done", job["error"]
    assert counts(job) == (1, 0, 0, 1)
    assert job["duplicate_strategy"] == "update" and job["preview"] is None
    assert job["operation"] and job["error_file"] == f"{previewed['url']}/errors"
    assert Customer.objects.get().email == "ada@example.com"


def test_only_a_job_waiting_to_run_can_be_run(upload: Poster, api: Poster, immediate_worker: None) -> None:
    done = job_of(api, upload(SMALL))
    previewed = job_of(api, upload(SMALL.replace(b"ada@", b"ada2@"), dry_run="true"))
    assert api("sales", "POST", f"{previewed['url']}/run").status_code == 202
    IMPORT_QUEUE.immediate = False
    previewing = upload(SMALL.replace(b"ada@", b"ada3@"), dry_run="true").json()
    assert previewing["state"] == "previewing"
    for job, state in [(done, "done"), (previewed, "done"), (previewing, "previewing")]:
        refused = api("sales", "POST", f"{job['url']}/run")
        assert refused.status_code == 409, refused.content
        assert error_fields(refused) == {"state"}
        assert api("sales", "GET", job["url"]).json()["state"] == state
    assert Customer.objects.count() == 2


@pytest.mark.parametrize("role", ["support", "accounting"])
def test_roles_that_may_not_import_may_not_run_an_import(
    upload: Poster, api: Poster, immediate_worker: None, role: str
) -> None:
    previewed = job_of(api, upload(SMALL, dry_run="true"))
    refused = api(role, "POST", f"{previewed['url']}/run")
    assert refused.status_code == 403
    assert error_fields(refused) == set()
    assert ImportJob.objects.get().state == ImportJob.State.PREVIEWED
    assert not Customer.objects.exists()


@pytest.mark.parametrize(
    "content, message",
    [(b"", "The file is empty."), (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", "a PDF document")],
    ids=["empty", "pdf"],
)
def test_a_file_that_cannot_be_imported_is_refused(
    upload: Poster, stored_files: Path, immediate_worker: None, content: bytes, message: str
) -> None:
    response = upload(content)
    assert response.status_code == 422
    assert error_fields(response) == {"file"}
    assert message in response.json()["errors"][0]["message"]
    assert_nothing_stored(stored_files)


@pytest.mark.parametrize(
    "fields, field, message",
    [
        ({"mapping": "{not json"}, "mapping", "Not valid JSON"),
        ({"mapping": '["Email"]'}, "mapping", "object of column names"),
        ({"mapping": '{"Email": 3}'}, "mapping", "object of column names"),
        ({"mapping": '{"E-mail address": "email"}'}, "mapping", "no column named “E-mail address”"),
        ({"mapping": '{"Email": "shoe_size"}'}, "mapping", "“shoe_size” is not a field"),
        ({"mapping": '{"First Name": "", "Last Name": "", "Email": "", "Balance": ""}'}, "mapping", "No column"),
        ({"duplicate_strategy": "merge"}, "duplicate_strategy", ""),
        ({"match_on": "email,shoe_size"}, "match_on", "not shoe_size"),
        ({"date_order": "ymd"}, "date_order", ""),
        ({"region": "XX"}, "region", "not a country code"),
        ({"model": "labels"}, "model", "cannot be imported"),
        ({"dry_run": "perhaps"}, "dry_run", ""),
        ({"unexpected": "1"}, "unexpected", ""),
    ],
)
def test_bad_choices_are_refused_naming_the_field(
    upload: Poster,
    stored_files: Path,
    immediate_worker: None,
    fields: dict[str, str],
    field: str,
    message: str,
) -> None:
    response = upload(SMALL, **fields)
    assert response.status_code == 422, response.content
    assert error_fields(response) == {field}
    assert message in response.json()["errors"][0]["message"]
    assert_nothing_stored(stored_files)


def test_a_request_without_a_file_names_the_file(api: Poster, stored_files: Path) -> None:
    response = api("sales", "POST", URL, {"model": "customers"})
    assert response.status_code == 422
    assert "file" in error_fields(response)
    assert_nothing_stored(stored_files)


def test_ambiguous_dates_ask_for_the_date_order(upload: Poster, api: Poster, immediate_worker: None) -> None:
    content = b"Email,First Name,Birthday\nada@example.com,Ada,03/04/1990\n"
    refused = upload(content)
    assert refused.status_code == 422 and error_fields(refused) == {"date_order"}
    job = job_of(api, upload(content, date_order="dmy"))
    assert job["date_order"] == "dmy" and counts(job) == (1, 0, 0, 0)
    assert str(Customer.objects.get().birthday) == "1990-04-03"


def test_a_partial_mapping_keeps_the_automatic_one_for_other_columns(
    upload: Poster, api: Poster, immediate_worker: None
) -> None:
    content = b"First Name,Last Name,Email,Contact email,Origin\nAda,Lovelace,old@example.com,ada@example.com,fair\n"
    job = job_of(api, upload(content, mapping='{"Contact email": "email", "Origin": "__note__"}'))
    assert job["mapping"] == {
        "First Name": "first_name",
        "Last Name": "last_name",
        "Email": "",
        "Contact email": "email",
        "Origin": "__note__",
    }
    ada = Customer.objects.get()
    assert (ada.first_name, ada.email, ada.description) == ("Ada", "ada@example.com", "Origin: fair")


def test_columns_of_the_same_name_are_mapped_each_by_its_own_name(
    upload: Poster, api: Poster, immediate_worker: None
) -> None:
    content = b"First Name,Email,Phone,Phone\nAda,ada@example.com,+44 20 7946 0958,+1 202 555 0143\n"
    job = job_of(api, upload(content, mapping='{"Phone": "alt_phone", "Phone (2)": "phone"}'))
    assert job["mapping"] == {"First Name": "first_name", "Email": "email", "Phone": "alt_phone", "Phone (2)": "phone"}
    ada = Customer.objects.get()
    assert (ada.phone.as_e164, ada.alt_phone.as_e164) == ("+12025550143", "+442079460958")


@pytest.mark.parametrize("role", ["support", "accounting"])
def test_roles_that_may_not_import_are_refused(
    upload: Poster, stored_files: Path, immediate_worker: None, role: str
) -> None:
    response = upload(SMALL, role=role)
    assert response.status_code == 403
    assert error_fields(response) == set()
    assert_nothing_stored(stored_files)


def test_a_job_is_its_authors_and_the_admins(upload: Poster, api: Poster, make_user: Callable[..., Any]) -> None:
    response = upload(SMALL)
    assert response.json()["state"] == "queued"  # no worker here: it waits
    url = response["Location"]
    assert api("admin", "GET", url).status_code == 200
    _, token = account_services.create_api_token(user=make_user("sales", username="other-sales"), name="tests")
    other = Client(headers={"Authorization": f"Bearer {token}"})
    for method, path in [
        ("GET", url),
        ("GET", f"{url}/errors"),
        ("POST", f"{url}/run"),
        ("POST", f"{url}/cancel"),
        ("POST", f"{url}/undo"),
    ]:
        answer = other.generic(method, path)
        assert answer.status_code == 404, (method, path, answer.content)
        assert error_fields(answer) == set()
    assert api("support", "GET", url).status_code == 403
    assert api("sales", "GET", f"{URL}/999999").status_code == 404
    assert ImportJob.objects.get().state == ImportJob.State.QUEUED


def test_the_error_file_holds_the_rejected_rows_and_their_reasons(
    upload: Poster, api: Poster, immediate_worker: None
) -> None:
    job = job_of(api, upload(SMALL, "people.csv"))
    assert counts(job) == (1, 0, 0, 1)
    assert job["error_file"] == f"{URL}/{job['id']}/errors"
    download = api("sales", "GET", job["error_file"])
    assert download.status_code == 200 and download.streaming
    assert download["Content-Type"] == "text/csv; charset=utf-8"
    assert download["Content-Disposition"] == 'attachment; filename="people-rejected-rows.csv"'
    content = b"".join(download.streaming_content)
    assert content.startswith(codecs.BOM_UTF8)
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert rows[0] == ["First Name", "Last Name", "Email", "Balance", "Row", "Reason"]
    assert rows[1][:5] == ["Bob", "Bee", "not-an-email", "x", "3"]
    assert rows[1][5] == "balance: “x” is not an amount."
    assert len(rows) == 2
    assert api("admin", "GET", job["error_file"]).status_code == 200


def test_undo_removes_what_the_import_created(upload: Poster, api: Poster, immediate_worker: None) -> None:
    job = job_of(api, upload(DATABLIST))
    assert Customer.objects.count() >= 100
    undone = api("sales", "POST", f"{job['url']}/undo")
    assert undone.status_code == 200, undone.content
    operation = undone.json()
    assert operation["undoes"] == job["operation"] and operation["count"] >= 100
    assert not Customer.objects.filter(external_id__isnull=False).exists()
    assert api("sales", "GET", job["url"]).json()["undone"] is True
    assert BulkOperation.objects.get(pk=job["operation"]).state == BulkOperation.State.UNDONE
    again = api("sales", "POST", f"{job['url']}/undo")
    assert again.status_code == 409
    assert "already undone" in again.json()["detail"]


def test_undo_is_refused_when_the_import_wrote_nothing(upload: Poster, api: Poster, immediate_worker: None) -> None:
    job = job_of(api, upload(DATABLIST, dry_run="true"))
    refused = api("sales", "POST", f"{job['url']}/undo")
    assert refused.status_code == 409
    assert refused.json()["detail"] == "This import wrote nothing, so there is nothing to undo."


def test_cancel_stops_a_queued_import_and_not_a_finished_one(
    upload: Poster, api: Poster, immediate_worker: None
) -> None:
    IMPORT_QUEUE.immediate = False
    queued = upload(SMALL).json()
    cancelled = api("sales", "POST", f"{queued['url']}/cancel")
    assert cancelled.status_code == 200, cancelled.content
    assert cancelled.json()["state"] == "cancelled"
    IMPORT_QUEUE.immediate = True
    finished = job_of(api, upload(SMALL.replace(b"ada@", b"ada2@")))
    refused = api("sales", "POST", f"{finished['url']}/cancel")
    assert refused.status_code == 409
    assert error_fields(refused) == {"state"}
    assert not Customer.objects.filter(email="ada@example.com").exists()


@pytest.mark.parametrize(
    ("mapping", "message"),
    [
        ("[" * 1_000 + "]" * 1_000, "Nested too deep"),
        ('{"Email": ' + "[" * 100_000 + "]" * 100_000 + "}", "Nested too deep"),
        ('{"Email": "' + "x" * 300_000 + '"}', "Too long"),
        ('{"Email": {"nested": "email"}}', "Send an object"),
    ],
)
def test_a_mapping_too_large_or_too_deep_is_refused_naming_it(
    upload: Poster, stored_files: Path, mapping: str, message: str
) -> None:
    response = upload(SMALL, mapping=mapping)
    assert response.status_code == 422, response.content
    assert error_fields(response) == {"mapping"}
    assert message in response.json()["errors"][0]["message"]
    assert_nothing_stored(stored_files)


@pytest.mark.parametrize("match_on", ['["email", "phone"]', "email,phone", ["email", "phone"]])
def test_match_on_takes_a_json_list_a_comma_list_or_a_repeated_field(
    upload: Poster, api: Poster, immediate_worker: None, match_on: Any
) -> None:
    job = job_of(api, upload(SMALL, match_on=match_on))
    assert job["match_on"] == ["email", "phone"]


@pytest.mark.parametrize(("match_on", "message"), [('["email", 3]', "Send a list"), ("[" * 1_000, "Nested too deep")])
def test_a_bad_json_list_of_match_keys_is_refused_naming_it(
    upload: Poster, stored_files: Path, match_on: str, message: str
) -> None:
    response = upload(SMALL, match_on=match_on)
    assert response.status_code == 422, response.content
    assert error_fields(response) == {"match_on"}
    assert message in response.json()["errors"][0]["message"]
    assert_nothing_stored(stored_files)
