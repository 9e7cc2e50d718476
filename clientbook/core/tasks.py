"""Background work of the shared pipeline, run by the Huey worker (``manage.py run_huey``).

Tasks only ring the doorbell: the state lives in the job rows, so a lost task is found again by
the sweeper and a repeated one does nothing (``run_job`` claims a queued job once).
"""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from clientbook.core import exports, imports


@db_task()
def run_export_job(job_id: int) -> None:
    exports.run_job(job_id)


@db_periodic_task(crontab(minute="*"))
def sweep_export_jobs() -> None:
    exports.sweep_jobs()


@db_periodic_task(crontab(minute="17"))
def purge_export_files() -> None:
    exports.purge_old_files()


@db_task()
def run_import_job(job_id: int) -> None:
    imports.run_job(job_id)


@db_periodic_task(crontab(minute="*"))
def sweep_import_jobs() -> None:
    imports.sweep_jobs()
