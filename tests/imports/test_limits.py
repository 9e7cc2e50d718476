"""What an import takes and where it runs: files up to ``CLIENTBOOK_IMPORT_MAX_BYTES``, at most
``CLIENTBOOK_IMPORT_MAX_ROWS`` data rows, and a queue and worker of its own so that nothing else
waits behind a long import, with one import per user at a time."""

import re
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from huey.consumer import Consumer
from huey.contrib.djhuey import HUEY
from huey.storage import MemoryStorage

from clientbook.core import tasks
from clientbook.core.imports import engine as imports
from clientbook.core.models import ImportJob
from clientbook.customers.imports import importer
from clientbook.customers.models import Customer

pytestmark = pytest.mark.django_db(transaction=True)

FIVE_ROWS = b"First Name,Email\n" + b"".join(f"Ada,ada{n}@example.com\n".encode() for n in range(5))


def test_a_file_over_the_size_limit_is_refused_before_it_is_stored(
    users: dict[str, Any], settings: Any, stored_files: Path
) -> None:
    settings.CLIENTBOOK_IMPORT_MAX_BYTES = len(FIVE_ROWS) - 1
    with pytest.raises(ValidationError) as refused:
        imports.upload(
            user=users["sales"], importer=importer, uploaded=SimpleUploadedFile("a.csv", FIVE_ROWS), file_name="a.csv"
        )
    assert refused.value.message_dict["file"] == [
        f"The file is {len(FIVE_ROWS):,} bytes; at most {len(FIVE_ROWS) - 1:,} bytes can be imported at once. "
        "Split it into smaller files."
    ]
    assert not ImportJob.objects.exists() and not list(stored_files.rglob("*.csv"))


def test_the_size_limit_reads_in_megabytes() -> None:
    assert imports.size_text(250_000_000) == "250 MB"
    assert django_settings.CLIENTBOOK_IMPORT_MAX_BYTES == 200_000_000  # the default


def test_the_upload_page_states_the_limits(client_for: Callable[[str | None], Client]) -> None:
    page = client_for("sales").get("/customers/import/").content.decode()
    assert "At most 200 MB and 1,048,576 rows." in page


def test_the_wizard_and_the_api_name_the_file_over_the_size_limit(
    client_for: Callable[[str | None], Client], token_for: Callable[[str], str], settings: Any
) -> None:
    settings.CLIENTBOOK_IMPORT_MAX_BYTES = 10
    page = client_for("sales").post("/customers/import/", {"file": SimpleUploadedFile("a.csv", FIVE_ROWS)})
    assert page.status_code == 422
    assert re.search(r"invalid-feedback[^>]*>[^<]*at most 10 bytes can be imported", page.content.decode())
    response = Client().post(
        "/api/v1/imports",
        {"model": "customers", "file": SimpleUploadedFile("a.csv", FIVE_ROWS)},
        headers={"Authorization": f"Bearer {token_for('sales')}"},
    )
    assert response.status_code == 422
    assert [error["field"] for error in response.json()["errors"]] == ["file"]
    assert not ImportJob.objects.exists()


@pytest.mark.parametrize("dry_run", [True, False])
def test_a_file_over_the_row_limit_stops_before_writing_and_says_why(
    import_file: Callable[..., ImportJob], settings: Any, dry_run: bool
) -> None:
    settings.CLIENTBOOK_IMPORT_MAX_ROWS = 4
    job = import_file(FIVE_ROWS, dry_run=dry_run)
    assert job.state == ImportJob.State.FAILED
    assert job.error == (
        "The file has more than 4 data rows; at most 4 are imported at once. "
        "Split it into files of at most 4 rows and import each."
    )
    assert (job.created, job.checkpoint, job.operation_id) == (0, 0, None)
    assert not Customer.all_objects.exists()


def test_a_file_at_the_row_limit_imports_every_row(import_file: Callable[..., ImportJob], settings: Any) -> None:
    settings.CLIENTBOOK_IMPORT_MAX_ROWS = 5
    job = import_file(FIVE_ROWS)
    assert (job.state, job.created) == (ImportJob.State.DONE, 5)


def test_the_wizard_shows_why_a_file_over_the_row_limit_stopped(
    client_for: Callable[[str | None], Client], immediate_worker: None, settings: Any
) -> None:
    settings.CLIENTBOOK_IMPORT_MAX_ROWS = 4
    sales = client_for("sales")
    job_url = sales.post("/customers/import/", {"file": SimpleUploadedFile("a.csv", FIVE_ROWS)})["Location"]
    form = {"column_0": "first_name", "column_1": "email", "duplicate_strategy": "skip", "match_on": ["email"]}
    assert sales.post(job_url, {**form, "date_order": "auto", "region": "US"}).status_code == 303
    page = sales.get(job_url).content.decode()
    assert "The import stopped" in page and "more than 4 data rows" in page


def test_imports_have_a_queue_and_a_worker_of_their_own() -> None:
    assert tasks.run_import_job.huey is tasks.IMPORT_QUEUE
    assert tasks.IMPORT_QUEUE.name == f"{HUEY.name}-imports"
    for other in (tasks.run_export_job, tasks.sweep_export_jobs, tasks.purge_export_files, tasks.sweep_import_jobs):
        assert other.huey is HUEY
    processes = dict(line.split(": ", 1) for line in Path("Procfile").read_text().splitlines())
    assert processes["worker"] == "python manage.py run_huey"
    assert processes["imports"] == "python manage.py run_import_worker"


def test_an_export_is_served_while_imports_wait(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(HUEY, "storage", MemoryStorage(HUEY.name))
    monkeypatch.setattr(tasks.IMPORT_QUEUE, "storage", MemoryStorage(tasks.IMPORT_QUEUE.name))
    tasks.run_import_job(1)
    tasks.run_import_job(2)
    tasks.run_export_job(3)
    # The worker of every other job takes the export first: the imports are not in its queue.
    served = HUEY.dequeue()
    assert served is not None and served.name.endswith("run_export_job") and served.args == (3,)
    assert tasks.IMPORT_QUEUE.pending_count() == 2


def test_an_import_queued_on_the_main_queue_before_the_upgrade_is_passed_on(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(HUEY, "storage", MemoryStorage(HUEY.name))
    monkeypatch.setattr(tasks.IMPORT_QUEUE, "storage", MemoryStorage(tasks.IMPORT_QUEUE.name))
    tasks.forward_import_job(7)
    waiting = HUEY.dequeue()
    # The name the doorbell had on the main queue, so the messages waiting there find this task.
    assert waiting is not None and repr(waiting).startswith("clientbook.core.tasks.run_import_job: ")
    HUEY.execute(waiting)
    passed_on = tasks.IMPORT_QUEUE.dequeue()
    assert passed_on is not None and passed_on.args == (7,)


def test_the_import_worker_runs_the_import_queue_with_its_workers(
    monkeypatch: pytest.MonkeyPatch, settings: Any
) -> None:
    started: list[Consumer] = []
    monkeypatch.setattr(Consumer, "run", lambda consumer: started.append(consumer))
    settings.CLIENTBOOK_IMPORT_WORKERS = 2
    call_command("run_import_worker", workers=2)
    assert [(consumer.huey, consumer.workers) for consumer in started] == [(tasks.IMPORT_QUEUE, 2)]


def queued(user: Any, monkeypatch: pytest.MonkeyPatch) -> ImportJob:
    job = imports.upload(
        user=user, importer=importer, uploaded=SimpleUploadedFile("a.csv", FIVE_ROWS), file_name="a.csv"
    )
    imports.configure(user=user, job=job, mapping=job.mapping, strategy="skip", match_on=["email"])
    with monkeypatch.context() as patch:
        patch.setattr(imports, "queue", lambda job_id, delay=0: None)
        return imports.start(user=user, job=job, dry_run=False)


def test_a_users_second_import_waits_for_the_first_and_others_do_not(
    users: dict[str, Any], make_user: Callable[..., Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    sales, other = users["sales"], make_user("sales", username="other-seller")
    running = queued(sales, monkeypatch)
    ImportJob.objects.filter(pk=running.pk).update(state=ImportJob.State.RUNNING, heartbeat_at=timezone.now())
    second, others = queued(sales, monkeypatch), queued(other, monkeypatch)
    rung: list[tuple[int, int]] = []
    monkeypatch.setattr(imports, "queue", lambda job_id, delay=0: rung.append((job_id, delay)))

    imports.run_job(second.pk)
    imports.run_job(others.pk)

    second.refresh_from_db()
    others.refresh_from_db()
    assert second.state == ImportJob.State.QUEUED and rung == [(second.pk, imports.OWNER_BUSY_RETRY_SECONDS)]
    assert (others.state, others.created) == (ImportJob.State.DONE, 5)

    # A first import whose worker went silent (its lease ran out) holds nobody up.
    ImportJob.objects.filter(pk=running.pk).update(heartbeat_at=timezone.now() - timedelta(hours=1))
    imports.run_job(second.pk)
    second.refresh_from_db()
    assert second.state == ImportJob.State.DONE
