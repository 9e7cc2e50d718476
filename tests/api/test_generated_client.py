"""The API as a typed client generated from ``/api/v1/openapi.json`` sees it (openapi-python-client).

The client is generated into a temporary package, without warnings, and drives the flows a curl
user has: create, a change with If-Match and a stale one (412), the time travel, an export and
its download, and a whole import (upload, every state, the error file, undo). Its requests go
straight into the WSGI application, on the test database.
"""

import csv
import importlib
import io
import subprocess
import sys
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest
from django.core.wsgi import get_wsgi_application
from django.test import Client
from django.utils import timezone

from clientbook.accounts import services as account_services
from clientbook.core.exports import engine as exports
from clientbook.core.imports import engine as imports
from clientbook.core.models import BulkOperation, ExportJob, ImportJob
from clientbook.customers.factories import CustomerFactory
from clientbook.customers.models import Customer

pytestmark = pytest.mark.django_db

PACKAGE = "clientbook_client"
GENERATOR = Path(sys.executable).with_name("openapi-python-client")
SMALL_CSV = b"First Name,Last Name,Email,Balance\nAda,Lovelace,ada@example.com,10\nBob,Bee,not-an-email,x\n"


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory, django_db_blocker: Any) -> Iterator[ModuleType]:
    """The client package generated from the served schema, imported."""
    folder = tmp_path_factory.mktemp("generated")
    with django_db_blocker.unblock():
        served = Client().get("/api/v1/openapi.json")
    assert served.status_code == 200
    (folder / "openapi.json").write_bytes(served.content)
    # No post hooks: the generated code is imported, not kept, so it need not be formatted.
    (folder / "config.yaml").write_text("post_hooks: []\n")
    command = [str(GENERATOR), "generate", "--path", "openapi.json", "--meta", "none", "--config", "config.yaml"]
    result = subprocess.run(
        [*command, "--output-path", PACKAGE], cwd=folder, capture_output=True, text=True, check=False
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "Warning" not in output and "Error" not in output, output
    sys.path.insert(0, str(folder))
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(folder))
        for name in [name for name in sys.modules if name == PACKAGE or name.startswith(f"{PACKAGE}.")]:
            del sys.modules[name]


def part(package: ModuleType, name: str) -> Any:
    return importlib.import_module(f"{package.__name__}.{name}")


@pytest.fixture
def client(generated: ModuleType, keep_test_connection: None, make_user: Any) -> Any:
    _, token = account_services.create_api_token(user=make_user("admin"), name="generated client")
    transport = httpx.WSGITransport(app=get_wsgi_application())
    return generated.AuthenticatedClient(
        base_url="http://testserver", token=token, httpx_args={"transport": transport}, raise_on_unexpected_status=True
    )


def test_the_client_creates_changes_and_reads_a_customer_back(generated: ModuleType, client: Any) -> None:
    models = part(generated, "models")
    create = part(generated, "api.customers.create_customer")
    update = part(generated, "api.customers.update_customer")
    retrieve = part(generated, "api.customers.get_customer")
    as_of = part(generated, "api.customers.get_customer_as_of")
    listing = part(generated, "api.customers.list_customers")

    body = models.CustomerCreateIn(first_name="Ada", last_name="Lovelace", country=models.CountryCode.GB)
    created = create.sync_detailed(client=client, body=body)
    assert created.status_code == 201
    customer = created.parsed
    assert isinstance(customer, models.CustomerOut) and customer.country == models.CountryCode.GB
    assert customer.gender is None and customer.marital_status is None
    first_tag = created.headers["ETag"]

    # What the client read, it can send back (a blank choice is null, not "").
    change = models.CustomerIn(city="London", gender=customer.gender, marital_status=customer.marital_status)
    changed = update.sync_detailed(customer.code, client=client, body=change, if_match=first_tag)
    assert changed.status_code == 200 and changed.parsed.city == "London" and changed.parsed.version == 2

    stale = update.sync_detailed(customer.code, client=client, body=models.CustomerIn(city="Paris"), if_match=first_tag)
    assert stale.status_code == 412
    assert isinstance(stale.parsed, models.PreconditionFailedOut) and stale.parsed.current_version == 2
    assert [error.field for error in stale.parsed.errors] == ["city"]

    read = retrieve.sync_detailed(customer.code, client=client)
    assert isinstance(read.parsed, models.CustomerOut) and read.parsed.city == "London"
    then = as_of.sync_detailed(customer.code, client=client, at=timezone.now() + timedelta(seconds=1))
    assert isinstance(then.parsed, models.RecordAsOfOut) and then.parsed.record["city"] == "London"

    page = listing.sync_detailed(client=client, sort=models.CustomerSort.NAME_DESC, q="Lovelace")
    assert [item.code for item in page.parsed.items] == [customer.code]


def test_the_client_downloads_an_export(generated: ModuleType, client: Any, settings: Any) -> None:
    models = part(generated, "models")
    create = part(generated, "api.exports.create_export")
    poll = part(generated, "api.exports.get_export")
    download = part(generated, "api.exports.get_export_file")
    for name in ("Ada", "Bob", "Cleo"):
        CustomerFactory(first_name=name, last_name="Export")
    body = models.ExportIn(model=models.ExportInModel.CUSTOMERS, format_=models.Format.CSV, fields=["code", "name"])

    small = create.sync_detailed(client=client, body=body)
    assert small.status_code == 200 and isinstance(small.parsed, generated.types.File)
    assert small.parsed.payload.read().decode("utf-8-sig").startswith("Code,Name")

    settings.CLIENTBOOK_EXPORT_STREAM_MAX_ROWS = 1
    started = create.sync_detailed(client=client, body=body)
    assert started.status_code == 202 and started.parsed.state == models.ExportJobState.QUEUED
    job_id = started.parsed.id
    exports.run_job(job_id)
    assert poll.sync_detailed(job_id, client=client).parsed.state == models.ExportJobState.DONE
    file = download.sync_detailed(job_id, client=client).parsed
    rows = list(csv.reader(io.StringIO(file.payload.read().decode("utf-8-sig"))))
    assert rows[0] == ["Code", "Name"] and len(rows) == 4

    for state in ExportJob.State:
        ExportJob.objects.filter(pk=job_id).update(state=state)
        assert poll.sync_detailed(job_id, client=client).parsed.state.value == state


def test_the_client_runs_a_whole_import(generated: ModuleType, client: Any) -> None:
    models = part(generated, "models")
    create, get, run, cancel, errors, undo = (
        part(generated, f"api.imports.{name}")
        for name in ("create_import", "get_import", "run_import", "cancel_import", "get_import_errors", "undo_import")
    )

    def upload(**choices: Any) -> Any:
        body = models.CreateImportMultiPartBodyParams(
            file=generated.types.File(payload=io.BytesIO(SMALL_CSV), file_name="people.csv", mime_type="text/csv"),
            model=models.CreateImportMultiPartBodyParamsModel.CUSTOMERS,
            region="US",
            **choices,
        )
        return create.sync_detailed(client=client, body=body)

    previewing = upload(dry_run=True, duplicate_strategy=models.Strategy.UPDATE)
    assert previewing.status_code == 202, previewing.content
    job = previewing.parsed
    assert job.id and previewing.headers["Location"] == job.url == f"/api/v1/imports/{job.id}"
    assert job.state == models.ImportJobState.PREVIEWING and job.duplicate_strategy == models.Strategy.UPDATE
    assert ImportJob.objects.get(pk=job.id).strategy == "update"

    imports.run_job(job.id)
    previewed = get.sync_detailed(job.id, client=client).parsed
    assert previewed.state == models.ImportJobState.PREVIEWED and previewed.preview.rejections

    queued = run.sync_detailed(job.id, client=client)
    assert queued.status_code == 202 and queued.parsed.state == models.ImportJobState.QUEUED
    imports.run_job(job.id)
    done = get.sync_detailed(job.id, client=client).parsed
    assert done.state == models.ImportJobState.DONE and (done.created, done.rejected) == (1, 1)
    assert Customer.objects.filter(last_name="Lovelace").exists()

    rejected = errors.sync_detailed(job.id, client=client)
    assert rejected.status_code == 200 and isinstance(rejected.parsed, generated.types.File)
    rows = list(csv.reader(io.StringIO(rejected.parsed.payload.read().decode("utf-8-sig"))))
    assert [row[:2] for row in rows[1:]] == [["Bob", "Bee"]]

    undone = undo.sync_detailed(job.id, client=client)
    assert undone.status_code == 200 and undone.parsed.undoes == done.operation
    assert undone.parsed.state == models.BulkOperationState.DONE
    assert get.sync_detailed(job.id, client=client).parsed.undone is True
    assert not Customer.objects.filter(last_name="Lovelace").exists()

    other = upload().parsed
    assert other.state == models.ImportJobState.QUEUED
    assert cancel.sync_detailed(other.id, client=client).parsed.state == models.ImportJobState.CANCELLED

    for state in ImportJob.State:
        ImportJob.objects.filter(pk=other.id).update(state=state)
        assert get.sync_detailed(other.id, client=client).parsed.state.value == state
    assert {state.value for state in models.BulkOperationState} == set(BulkOperation.State.values)
