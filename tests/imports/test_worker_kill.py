"""A worker killed mid-import leaves no half-written batch, and the resumed job imports every row once.

A real worker process (``imports.run_job`` in a subprocess on this test's database) imports a
12,000-row file; after it has committed batches (``checkpoint`` > 0) it gets SIGKILL inside a
batch's write transaction (where a half-written batch would come from), at its start, midway or
near its end. What the database then holds must be exactly the committed batches: as many
customers as the job counts created, each with its code and search fields and its audit event.
The job's lease is made to look expired, the sweeper queues it again and a new worker process
takes it and is killed the same way, three times; then the worker (Huey in immediate mode, in
this process) resumes it from the checkpoint: the job ends done with every row counted once, no
customer twice, codes in row order (a killed batch's codes are left unused). Runs on SQLite and
PostgreSQL (the subprocess is pointed at the test database, as in ``tests/core/test_concurrency.py``).
"""

import csv
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.files import File
from django.db import connection
from django.db.models import Count
from django.db.models.functions import Lower
from django.utils import timezone

from bench import import_file
from clientbook.core.imports import engine as imports
from clientbook.core.models import AuditEvent, BulkOperation, ImportJob
from clientbook.core.sequences import code_number
from clientbook.core.tasks import IMPORT_QUEUE
from clientbook.customers.imports import importer
from clientbook.customers.models import CODE_PREFIX, Customer

pytestmark = pytest.mark.django_db(transaction=True)

# Each of the three killed workers commits two batches (imports.BATCH_ROWS, 1,000) and dies in a third,
# which leaves the resumed job about half of the file: enough margin for a batch missed by a poll.
ROWS = 12_000
# Each worker is killed this far into a batch's write (as a fraction of how long its previous
# batch's write took): at its start, midway, near its end.
KILL_POINTS = (0.0, 0.6, 0.9)
BASE_DIR = Path(__file__).resolve().parents[2]
# The worker process: Django on this test's database and file storage, then the job, as the
# Huey worker would run it (run_import_job only calls imports.run_job).
WORKER = """
import json, os, sys
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
from django.conf import settings
given = json.loads(sys.argv[1])
settings.DATABASES["default"].update(given["database"])
settings.STORAGES = {**settings.STORAGES, "default": {**settings.STORAGES["default"], "OPTIONS": given["storage"]}}
import django
django.setup()
from clientbook.core.imports import engine as imports
imports.run_job(given["job"])
"""


@pytest.fixture
def worker_file(tmp_path: Path) -> Path:
    return import_file.write_csv(tmp_path / "customers.csv", ROWS)


@dataclass
class Worker:
    process: subprocess.Popen[bytes]
    log: Path

    def failure(self) -> str:
        return f"the worker ended (exit {self.process.returncode}):\n{self.log.read_text()[-3000:]}"


@pytest.fixture
def worker(settings: Any, tmp_path: Path) -> Iterator[Any]:
    """``worker(job_id)`` starts a worker process on the job; any still running at the end is killed."""
    started: list[Worker] = []
    database = {"ENGINE": connection.settings_dict["ENGINE"], "NAME": connection.settings_dict["NAME"]}
    storage = {"location": str(settings.STORAGES["default"]["OPTIONS"]["location"])}

    def start(job_id: int) -> Worker:
        given = json.dumps({"database": database, "storage": storage, "job": job_id})
        log = tmp_path / f"worker-{len(started) + 1}.log"
        with log.open("wb") as output:
            process = subprocess.Popen(
                [sys.executable, "-c", WORKER, given],
                cwd=BASE_DIR,
                env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings"},
                stdout=output,
                stderr=subprocess.STDOUT,
            )
        started.append(Worker(process, log))
        return started[-1]

    yield start
    for running in started:
        if running.process.poll() is None:
            running.process.kill()
        running.process.wait(timeout=60)


def queued_job(user: Any, path: Path, monkeypatch: pytest.MonkeyPatch) -> ImportJob:
    """Upload, configure and start the import; the doorbell is silenced (the test starts the worker)."""
    with path.open("rb") as handle:
        job = imports.upload(user=user, importer=importer, uploaded=File(handle, name=path.name), file_name=path.name)
    imports.configure(
        user=user, job=job, mapping=job.mapping, strategy="skip", match_on=["email"], date_order="auto", region="US"
    )
    with monkeypatch.context() as patch:
        patch.setattr(imports, "queue", lambda job_id: None)
        job = imports.start(user=user, job=job, dry_run=False)
    assert job.state == ImportJob.State.QUEUED
    return job


def wait_for_a_batch(job: ImportJob, worker: Worker, after: int, timeout: float = 180) -> None:
    """Wait until the worker has committed a batch past checkpoint ``after``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if ImportJob.objects.filter(pk=job.pk, checkpoint__gt=after).exists():
            return
        if worker.process.poll() is not None:
            pytest.fail(worker.failure())
        time.sleep(0.005)
    pytest.fail("no batch was committed in time")


def wait_until_writing(timeout: float = 120) -> None:
    """Return as soon as the worker is inside a batch's write transaction.

    Once a batch has committed, the worker's only writes are the batches (rows, audit events,
    rejections and checkpoint in one transaction). SQLite: it holds the database's write lock
    (transactions begin IMMEDIATE), so a probe's ``BEGIN IMMEDIATE`` without waiting fails.
    PostgreSQL: its backend has a transaction id, which a transaction only gets when it writes.
    """
    deadline = time.monotonic() + timeout
    if connection.vendor == "sqlite":
        probe = sqlite3.connect(connection.settings_dict["NAME"], timeout=0, isolation_level=None)
        try:
            while time.monotonic() < deadline:
                try:
                    probe.execute("BEGIN IMMEDIATE")
                except sqlite3.OperationalError:
                    return
                probe.execute("ROLLBACK")
                time.sleep(0.002)
        finally:
            probe.close()
    else:
        with connection.cursor() as cursor:
            while time.monotonic() < deadline:
                cursor.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                    "AND pid <> pg_backend_pid() AND backend_xid IS NOT NULL"
                )
                if cursor.fetchone()[0]:
                    return
                time.sleep(0.002)
    pytest.fail("the worker was never seen inside a batch's transaction")


def assert_only_whole_batches(job: ImportJob) -> None:
    """The database holds exactly what the committed batches wrote, each customer complete."""
    assert job.state == ImportJob.State.RUNNING, "the killed worker's job should still look running"
    assert 0 < job.checkpoint < ROWS, f"kill at checkpoint {job.checkpoint}: the file is too small to be cut"
    assert job.checkpoint % imports.BATCH_ROWS == 0
    assert job.updated == 0
    assert job.created == job.checkpoint - job.skipped - job.rejected
    assert job.rejections.count() == job.rejected
    assert Customer.all_objects.count() == job.created
    creations = AuditEvent.objects.filter(action=AuditEvent.Action.CREATE, object_type="customers.customer")
    assert creations.count() == job.created
    assert creations.filter(operation_id=job.operation_id).count() == job.created
    assert_complete_customers()


def assert_complete_customers() -> None:
    for code, sort_name, document, email in Customer.objects.values_list(
        "code", "sort_name", "search_document", "email"
    ).iterator():
        assert code.startswith(CODE_PREFIX) and sort_name and document, code
        assert code.lower() in document and email.lower() in document, code


def file_emails(path: Path) -> set[str]:
    """The distinct valid e-mail addresses of the file (any case), one customer each."""
    with path.open(encoding="utf-8", newline="") as handle:
        return {row["Email"].lower() for row in csv.DictReader(handle) if "@" in row["Email"]}


def kill_mid_batch(job: ImportJob, worker: Any, point: float) -> None:
    """Start a worker on the job and SIGKILL it ``point`` of the way into a batch's write.

    Once it has committed a batch, one more batch's write is timed (from the moment it is seen
    writing to its checkpoint), then the worker is killed that fraction of this time into the
    next batch's write.
    """
    job.refresh_from_db()
    running = worker(job.pk)
    wait_for_a_batch(job, running, after=job.checkpoint)
    checkpoint = ImportJob.objects.values_list("checkpoint", flat=True).get(pk=job.pk)
    wait_until_writing()
    started = time.monotonic()
    wait_for_a_batch(job, running, after=checkpoint)
    write_seconds = time.monotonic() - started
    wait_until_writing()
    time.sleep(point * write_seconds)
    os.kill(running.process.pid, signal.SIGKILL)
    running.process.wait(timeout=30)
    assert running.process.returncode == -signal.SIGKILL, running.failure()


def expire_lease(job: ImportJob) -> None:
    """What the dead worker leaves: a heartbeat older than the lease."""
    stale = timezone.now() - timedelta(seconds=settings.CLIENTBOOK_IMPORT_LEASE_SECONDS + 5)
    ImportJob.objects.filter(pk=job.pk).update(heartbeat_at=stale)


def test_a_killed_worker_leaves_whole_batches_and_the_resumed_job_imports_every_row_once(
    users: dict[str, Any], worker_file: Path, worker: Any, monkeypatch: pytest.MonkeyPatch, settings: Any
) -> None:
    settings.CLIENTBOOK_IMPORT_MAX_ATTEMPTS = len(KILL_POINTS) + 1
    job = queued_job(users["sales"], worker_file, monkeypatch)
    for round_number, point in enumerate(KILL_POINTS, start=1):
        before = job.checkpoint
        kill_mid_batch(job, worker, point)
        job.refresh_from_db()
        assert job.checkpoint > before
        assert job.attempts == round_number
        assert_only_whole_batches(job)
        if round_number < len(KILL_POINTS):
            # The sweeper queues the job again; the next worker process takes it (the doorbell is the test).
            expire_lease(job)
            with monkeypatch.context() as patch:
                patch.setattr(imports, "queue", lambda job_id: None)
                assert imports.sweep_jobs() == 1
            job.refresh_from_db()
            assert (job.state, job.heartbeat_at) == (ImportJob.State.QUEUED, None)
    killed_at = job.checkpoint

    # The lease runs out; the sweeper queues the job again and the worker, run in place (Huey's
    # immediate mode), resumes it from the checkpoint to the end.
    expire_lease(job)
    IMPORT_QUEUE.immediate = True
    try:
        assert imports.sweep_jobs() == 1
    finally:
        IMPORT_QUEUE.immediate = False

    job.refresh_from_db()
    assert job.state == ImportJob.State.DONE, job.error
    assert job.attempts == len(KILL_POINTS) + 1
    expected = import_file.expected_counts(ROWS)
    assert (job.created, job.updated, job.skipped, job.rejected) == (
        expected.created,
        0,
        expected.skipped,
        expected.rejected,
    )
    assert job.created + job.updated + job.skipped + job.rejected == job.checkpoint == job.total == ROWS
    assert job.checkpoint > killed_at

    # Every row once: one customer per distinct address of the file, none twice, codes in row order.
    assert Customer.all_objects.count() == job.created
    twice = (
        Customer.all_objects.annotate(address=Lower("email")).values("address").annotate(n=Count("id")).filter(n__gt=1)
    )
    assert list(twice) == []
    stored = set(Customer.all_objects.annotate(address=Lower("email")).values_list("address", flat=True))
    assert stored == file_emails(worker_file)
    numbers = [
        code_number(code, CODE_PREFIX) for code in Customer.all_objects.order_by("pk").values_list("code", flat=True)
    ]
    assert numbers == sorted(numbers)
    # A worker killed after taking its batch's codes leaves them unused (never reused): a batch each at most.
    assert 0 <= numbers[-1] - len(numbers) <= len(KILL_POINTS) * imports.BATCH_ROWS
    assert_complete_customers()
    assert job.rejections.count() == job.rejected
    assert job.rejections.values("row_number").distinct().count() == job.rejected
    creations = AuditEvent.objects.filter(action=AuditEvent.Action.CREATE, object_type="customers.customer")
    assert creations.count() == creations.filter(operation_id=job.operation_id).count() == job.created
    assert creations.values("object_id").distinct().count() == job.created
    operation = BulkOperation.objects.get(pk=job.operation_id)
    assert (operation.state, operation.row_count) == (BulkOperation.State.DONE, job.created)
