"""The import wizard in a real browser: upload, mapping, preview, run with a live progress bar, undo."""

import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from playwright.sync_api import Page, expect

from clientbook.core.imports import engine as imports
from clientbook.core.models import ImportJob
from clientbook.customers.factories import CustomerFactory
from clientbook.customers.imports import importer
from clientbook.customers.models import Customer
from tests.fixtures_loader import DATABLIST_CSV

pytestmark = pytest.mark.django_db(transaction=True)
SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


@pytest.fixture
def slow_worker(monkeypatch: pytest.MonkeyPatch) -> None:
    """A worker thread that takes its time over batches of 10 rows, so the page can watch it."""
    monkeypatch.setattr(imports, "BATCH_ROWS", 10)
    original_batch = imports._Run._batch

    def slow_batch(self: Any, chunk: Any) -> None:
        time.sleep(0.15)
        original_batch(self, chunk)

    monkeypatch.setattr(imports._Run, "_batch", slow_batch)

    def work(job_id: int) -> None:
        try:
            imports.run_job(job_id)
        finally:
            connection.close()

    monkeypatch.setattr(
        imports,
        "queue",
        lambda job_id, delay=0: transaction.on_commit(lambda: threading.Thread(target=work, args=(job_id,)).start()),
    )


def test_the_whole_wizard_with_a_live_progress_bar(
    live_server: Any, page_as: Callable[[str], Page], slow_worker: None
) -> None:
    page = page_as("sales")
    page.goto(f"{live_server.url}/customers/")
    page.get_by_test_id("import-button").click()
    expect(page.get_by_role("heading", name="Import customers")).to_be_visible()
    page.locator("input[type=file]").set_input_files(str(DATABLIST_CSV))
    page.get_by_role("button", name="Upload and map the columns").click()

    mapping = page.get_by_test_id("import-mapping")
    expect(mapping).to_be_visible()
    expect(mapping.get_by_label("Phone 1")).to_have_value("phone")
    expect(mapping.get_by_label("Phone 2")).to_have_value("alt_phone")
    expect(mapping.get_by_label("Company")).to_have_value("company")
    expect(mapping.get_by_label("Subscription Date")).to_have_value("account_opened_on")
    expect(mapping.get_by_label("Index")).to_have_value("")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "import-mapping.png"), full_page=True)
    page.get_by_test_id("import-preview-button").click()

    expect(page.get_by_test_id("import-preview")).to_be_visible(timeout=30_000)
    expect(page.get_by_test_id("preview-created")).to_have_text("100")
    expect(page.get_by_test_id("preview-rejected")).to_have_text("0")
    assert Customer.objects.count() == 0
    page.screenshot(path=str(SHOTS / "import-preview.png"), full_page=True)

    page.get_by_test_id("import-run").click()
    bar = page.get_by_test_id("import-progress-bar")
    expect(page.get_by_test_id("import-progress")).to_have_attribute("data-state", "running")
    seen: set[str] = set()
    for _ in range(100):
        if page.get_by_test_id("import-result").count():
            break
        if bar.count():
            seen.add(bar.first.inner_text())
        page.wait_for_timeout(100)
    expect(page.get_by_test_id("import-result")).to_be_visible(timeout=30_000)
    assert any(value != "100%" for value in seen), seen  # the bar moved while the page watched
    expect(bar).to_have_text("100%")
    expect(page.get_by_test_id("result-created")).to_have_text("100")
    assert Customer.objects.count() == 100
    page.screenshot(path=str(SHOTS / "import-result.png"), full_page=True)

    page.get_by_test_id("import-undo").click()
    expect(page.get_by_test_id("undo-deleted")).to_have_text("100")
    page.get_by_test_id("confirm-undo-import").click()
    expect(page.get_by_test_id("import-undone")).to_be_visible()
    assert Customer.objects.count() == 0


def test_a_bad_file_gets_its_message_next_to_the_field(
    live_server: Any, page_as: Callable[[str], Page], tmp_path: Path, slow_worker: None
) -> None:
    pdf = tmp_path / "customers.csv"
    pdf.write_bytes(b"%PDF-1.7\n1 0 obj")
    page = page_as("sales")
    page.goto(f"{live_server.url}/customers/import/")
    page.locator("input[type=file]").set_input_files(str(pdf))
    page.get_by_role("button", name="Upload and map the columns").click()
    expect(page.get_by_test_id("file-error")).to_contain_text("PDF")


def test_support_sees_no_import(live_server: Any, page_as: Callable[[str], Page]) -> None:
    page = page_as("support")
    page.goto(f"{live_server.url}/customers/")
    expect(page.get_by_test_id("export-button")).to_be_visible()
    expect(page.get_by_test_id("import-button")).to_have_count(0)


def finished_import(user: Any) -> ImportJob:
    """An import, run as ``user``, that created two customers and updated one."""
    CustomerFactory(first_name="Old", email="old@example.com", city="Oslo")
    content = (
        b"First Name,Email,City\nAda,ada@example.com,London\nBob,bob@example.com,Paris\nOld,old@example.com,Rome\n"
    )
    job = imports.upload(user=user, importer=importer, uploaded=SimpleUploadedFile("c.csv", content), file_name="c.csv")
    imports.configure(user=user, job=job, mapping=job.mapping, strategy="update", match_on=["email"])
    job = imports.start(user=user, job=job, dry_run=False)
    assert (job.state, job.created, job.updated) == (ImportJob.State.DONE, 2, 1)
    return job


def test_undo_asks_first_in_the_modal(
    live_server: Any, page_as: Callable[[str], Page], users: dict[str, Any], immediate_worker: None
) -> None:
    job = finished_import(users["sales"])
    page = page_as("sales")
    page.goto(f"{live_server.url}/imports/{job.pk}/")
    page.get_by_test_id("import-undo").click()

    dialog = page.locator("#modal")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_test_id("undo-import-summary")).to_contain_text(
        "deletes the 2 customers it created and puts the 1 customer it updated back as they were before it"
    )
    page.wait_for_function("() => getComputedStyle(document.getElementById('modal')).opacity === '1'")  # faded in
    page.screenshot(path=str(SHOTS / "import-undo-confirm.png"))
    dialog.get_by_role("button", name="Keep the import").click()
    expect(dialog).to_be_hidden()
    assert Customer.objects.count() == 3  # kept: asking undid nothing

    page.get_by_test_id("import-undo").click()
    dialog.get_by_test_id("confirm-undo-import").click()
    expect(page.get_by_test_id("import-undone")).to_be_visible()
    assert list(Customer.objects.values_list("email", "city")) == [("old@example.com", "Oslo")]


def test_undo_asks_first_on_a_page_without_javascript(
    live_server: Any, page_without_javascript: Page, users: dict[str, Any], immediate_worker: None
) -> None:
    job = finished_import(users["sales"])
    page = page_without_javascript
    page.goto(f"{live_server.url}/imports/{job.pk}/")
    page.get_by_test_id("import-undo").click()

    expect(page).to_have_url(f"{live_server.url}/imports/{job.pk}/undo/")
    expect(page.get_by_test_id("undo-deleted")).to_have_text("2")
    expect(page.get_by_test_id("undo-restored")).to_have_text("1")
    assert Customer.objects.count() == 3
    page.get_by_test_id("confirm-undo-import").click()

    expect(page).to_have_url(f"{live_server.url}/imports/{job.pk}/")
    expect(page.get_by_test_id("import-undone")).to_be_visible()
    assert list(Customer.objects.values_list("email", "city")) == [("old@example.com", "Oslo")]
