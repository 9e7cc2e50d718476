"""Fixtures of the import tests: files kept in a temporary folder, and imports run on the fly."""

from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from clientbook.core.imports import engine as imports
from clientbook.core.models import ImportJob
from clientbook.customers.imports import importer


@pytest.fixture
def import_file(users: dict[str, Any], immediate_worker: None) -> Callable[..., ImportJob]:
    """``import_file(content, name, **choices)``: upload as the sales user, configure, preview or run."""

    def run(
        content: bytes,
        name: str = "customers.csv",
        *,
        dry_run: bool = False,
        mapping: dict[str, str] | None = None,
        strategy: str = "skip",
        match_on: tuple[str, ...] = ("email",),
        date_order: str = "auto",
        region: str = "US",
    ) -> ImportJob:
        user = users["sales"]
        job = imports.upload(user=user, importer=importer, uploaded=SimpleUploadedFile(name, content), file_name=name)
        imports.configure(
            user=user,
            job=job,
            mapping=mapping if mapping is not None else job.mapping,
            strategy=strategy,
            match_on=list(match_on),
            date_order=date_order,
            region=region,
        )
        imports.start(user=user, job=job, dry_run=dry_run)
        job.refresh_from_db()
        return job

    return run
