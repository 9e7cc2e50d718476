"""Background work of the shared pipeline, run by the Huey workers.

Tasks only ring the doorbell: the state lives in the job rows, so a lost task is found again by
the sweeper and a repeated one does nothing (``run_job`` claims a queued job once).

Imports have a queue of their own (``IMPORT_QUEUE``, the task queue's name with ``-imports``) and a
consumer of their own (``manage.py run_import_worker``, the Procfile's ``imports``), with
``CLIENTBOOK_IMPORT_WORKERS`` threads: an import of a million rows runs for minutes, and on one
shared queue every export and periodic job waited behind it. Exports, sweeps and purges stay on the
main queue (``manage.py run_huey``), which an import never occupies; and a second user's import
runs beside a first one's instead of after it (``imports.run_job`` also runs one import per user at
a time, so one user's imports cannot take every import worker).

The engines know nothing of Huey: this module installs their doorbells (``jobs.doorbells``) when
the project starts (``CoreConfig.ready``).
"""

from typing import Any

from django.conf import settings
from django.db import close_old_connections
from huey import Huey, crontab
from huey.contrib.djhuey import db_periodic_task, db_task
from huey.utils import load_class

from clientbook.core.exports import engine as exports
from clientbook.core.imports import engine as imports
from clientbook.core.jobs import doorbells


def _import_queue() -> Huey:
    """The import queue: the task queue's settings (backend, Redis or SQLite file) under its own name."""
    config: dict[str, Any] = dict(settings.HUEY)
    backend = load_class(config.pop("huey_class", "huey.RedisHuey"))
    name = f"{config.pop('name', 'clientbook')}-imports"
    config.pop("consumer", None)
    config.update(config.pop("connection", {}))
    return backend(name, **config)  # type: ignore[no-any-return]


IMPORT_QUEUE = _import_queue()


@db_task()
def run_export_job(job_id: int) -> None:
    exports.run_job(job_id)


@db_periodic_task(crontab(minute="*"))
def sweep_export_jobs() -> None:
    exports.sweep_jobs()


@db_periodic_task(crontab(minute="17"))
def purge_export_files() -> None:
    exports.purge_old_files()


@IMPORT_QUEUE.task()
def run_import_job(job_id: int) -> Any:
    # As Huey's db_task does for the main queue: no connection outlives the database's patience.
    if not IMPORT_QUEUE.immediate:
        close_old_connections()
    try:
        imports.run_job(job_id)
    finally:
        if not IMPORT_QUEUE.immediate:
            close_old_connections()


@db_task(name="run_import_job")
def forward_import_job(job_id: int) -> None:
    """A doorbell rung on the main queue before imports had a queue of their own (still waiting
    there when the new version starts): passed on to the import queue, so no queued import is lost."""
    imports.queue(job_id)


@db_periodic_task(crontab(minute="*"))
def sweep_import_jobs() -> None:
    imports.sweep_jobs()


def _ring_export(job_id: int, delay: int) -> None:
    if delay:
        run_export_job.schedule((job_id,), delay=delay)
    else:
        run_export_job(job_id)


def _ring_import(job_id: int, delay: int) -> None:
    if delay:
        run_import_job.schedule((job_id,), delay=delay)
    else:
        run_import_job(job_id)


doorbells.install("export", _ring_export)
doorbells.install("import", _ring_import)
