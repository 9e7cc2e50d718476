"""Import benchmarks: a CSV of 100,000 customers (and one of 1,048,576) through the real pipeline.

For each scenario the parent writes the CSV (``bench/import_file.py``) to a temporary folder, makes a
fresh, empty import database (SQLite ``var/bench/import.sqlite3``, or the PostgreSQL benchmark
database's name plus ``_import``; dropped again once measured), migrates it in a process of its
own, then measures the import in
another fresh process (``python -m bench.imports NAME ROWS FILE``), so its peak memory
(``VmHWM``: Django and everything the import allocated) is the import's own. That process does
what a person and the worker do: ``imports.upload`` (the file stored and inspected, the mapping
guessed), ``imports.configure`` with the automatic mapping, strategy skip and duplicates matched on
e-mail, ``imports.start``, whose job Huey runs in place (immediate mode) through ``run_job``, batch
by batch, exactly as the worker would. The time runs from the upload to the job done. The process
then checks that every row was counted (created + updated + skipped + rejected = rows, each as the
file was written to give) and that the database holds the customers created, and prints its figure.

``python -m bench import`` runs only these; ``make bench`` runs them after the exports. The
1,048,576-row file (the most rows a spreadsheet holds) takes about ten minutes, so it runs only with
``BENCH_IMPORT_MAX=1``.
``BENCH_IMPORT_PROFILE=FILE`` writes cProfile's figures of the run (the worker's part) to ``FILE``.
Figures are merged into ``var/bench/latest-<database>.json`` under their names.
"""

import dataclasses
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from bench import peak_resident_mb
from bench.database import BASE_DIR, BENCH_DIR

IMPORT_SQLITE_FILE = BENCH_DIR / "import.sqlite3"
SCENARIOS = (("import_csv", 100_000), ("import_csv_max", 1_048_576))
# The import during which a web probe renders the list and saves records, as people would.
PROBED_SCENARIO = "import_csv"
PROBE_AFTER_SECONDS = 15


@dataclass(frozen=True)
class ImportFigure:
    name: str
    rows: int
    seconds: float
    cpu_seconds: float
    peak_mb: float
    created: int
    skipped: int
    rejected: int

    def line(self) -> str:
        return (
            f"bench {self.name} rows={self.rows} rows_per_s={self.rows / self.seconds:.0f} peak_mb={self.peak_mb:.0f} "
            f"cpu_s={self.cpu_seconds:.3f} created={self.created} skipped={self.skipped} rejected={self.rejected}"
        )

    def as_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "rows": self.rows,
            "seconds": round(self.seconds, 3),
            "rows_per_s": round(self.rows / self.seconds),
            "cpu_seconds": round(self.cpu_seconds, 3),
            "peak_mb": round(self.peak_mb),
            "created": self.created,
            "skipped": self.skipped,
            "rejected": self.rejected,
        }


def scenarios() -> list[tuple[str, int]]:
    with_max = os.environ.get("BENCH_IMPORT_MAX", "0") == "1"
    return [(name, rows) for name, rows in SCENARIOS if with_max or name != "import_csv_max"]


def import_database_url(bench_url: str) -> str:
    """The import's own database beside the benchmark's (which keeps its seeded customers)."""
    if bench_url.startswith("sqlite"):
        return f"sqlite:///{IMPORT_SQLITE_FILE}"
    parts = urlsplit(bench_url)
    return urlunsplit(parts._replace(path=f"{parts.path}_import"))


def drop_database(url: str) -> None:
    """Remove the import database (a million imported customers with their audit trail take ~4 GB)."""
    if url.startswith("sqlite"):
        for suffix in ("", "-wal", "-shm"):
            Path(f"{IMPORT_SQLITE_FILE}{suffix}").unlink(missing_ok=True)
    else:
        _recreate_postgres_database(url, create=False)


def fresh_database(url: str, var_dir: Path) -> None:
    """Drop and recreate the import database, then migrate it (in a process of its own)."""
    if url.startswith("sqlite"):
        drop_database(url)
    else:
        _recreate_postgres_database(url)
    env = {**os.environ, "DATABASE_URL": url, "CLIENTBOOK_VAR_DIR": str(var_dir)}
    for command in (["migrate", "--noinput", "-v0"], ["createcachetable"]):
        subprocess.run([sys.executable, str(BASE_DIR / "manage.py"), *command], env=env, check=True)


def _recreate_postgres_database(url: str, create: bool = True) -> None:
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as connection:
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        if create:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def measure(name: str, rows: int, log: Any) -> list[Any]:
    """Write the file, make the database, import in a child process: the child's figure, and for
    ``PROBED_SCENARIO`` what the web probe measured meanwhile (``bench/web_probe.py``)."""
    from bench import import_file

    url = import_database_url(os.environ["DATABASE_URL"])
    with tempfile.TemporaryDirectory(prefix="clientbook-bench-import-") as folder:
        var_dir = Path(folder) / "var"
        var_dir.mkdir()
        path = Path(folder) / f"customers-{rows}.csv"
        log(f"writing {rows:,} customers to {path.name} …")
        import_file.write_csv(path, rows)
        log(f"making a fresh import database ({url.rsplit('/', 1)[-1]}) …")
        fresh_database(url, var_dir)
        log(f"importing {rows:,} rows ({path.stat().st_size / 1e6:.0f} MB) …")
        env = {**os.environ, "DATABASE_URL": url, "CLIENTBOOK_VAR_DIR": str(var_dir)}
        probe = _start_probe(env, Path(folder)) if name == PROBED_SCENARIO else None
        try:
            done = subprocess.run(
                [sys.executable, "-m", "bench.imports", name, str(rows), str(path)],
                env=env,
                capture_output=True,
                text=True,
                check=False,
            )
            if done.returncode != 0:
                raise RuntimeError(f"import benchmark {name} failed:\n{done.stderr[-3000:]}")
            web = _finish_probe(probe, Path(folder), rows, log) if probe else []
        finally:
            if probe and probe.poll() is None:
                probe.kill()
        drop_database(url)
        return [ImportFigure(**json.loads(done.stdout.strip().splitlines()[-1])), *web]


def _start_probe(env: dict[str, str], folder: Path) -> subprocess.Popen[str]:
    probe = subprocess.Popen(
        [sys.executable, "-m", "bench.web_probe", str(folder)], env=env, stdout=subprocess.PIPE, text=True
    )
    deadline = time.monotonic() + 120
    while not (folder / "probe-ready").exists():
        if probe.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError("the web probe did not start")
        time.sleep(0.1)
    return probe


def _finish_probe(probe: subprocess.Popen[str], folder: Path, rows: int, log: Any) -> list[Any]:
    from bench import web_probe

    (folder / "import-done").touch()
    log(f"the web probe measures {PROBE_AFTER_SECONDS} s more, the import done …")
    time.sleep(PROBE_AFTER_SECONDS)
    (folder / "stop").touch()
    output, _ = probe.communicate(timeout=120)
    if probe.returncode != 0:
        raise RuntimeError("the web probe failed")
    return web_probe.measurements(json.loads(output.strip().splitlines()[-1]), rows)


def run(log: Any) -> list[Any]:
    figures = []
    for name, rows in scenarios():
        for figure in measure(name, rows, log):
            print(figure.line(), flush=True)
            figures.append(figure)
    return figures


# --- The child process ----------------------------------------------------------------------


def _import_once(name: str, rows: int, path: Path) -> ImportFigure:
    import django

    django.setup()
    from django.core.files.uploadedfile import UploadedFile

    from bench import import_file
    from bench.scenarios import bench_user
    from clientbook.core.imports import engine as imports
    from clientbook.core.models import AuditEvent, ImportJob
    from clientbook.core.tasks import IMPORT_QUEUE
    from clientbook.customers.imports import importer
    from clientbook.customers.models import Customer

    IMPORT_QUEUE.immediate = True  # the job runs here, as the import worker runs it
    user = bench_user()
    started, cpu_started = time.perf_counter(), time.process_time()
    with path.open("rb") as handle:
        uploaded = UploadedFile(handle, name=path.name)
        job = imports.upload(user=user, importer=importer, uploaded=uploaded, file_name=path.name)
    imports.configure(
        user=user,
        job=job,
        mapping=job.mapping,
        strategy=ImportJob.Strategy.SKIP,
        match_on=["email"],
        date_order=job.options["date_order"],
        region=job.options["region"],
    )
    profile_to = os.environ.get("BENCH_IMPORT_PROFILE")  # a file for cProfile's figures of the run
    if profile_to:
        import cProfile

        with cProfile.Profile() as profile:
            imports.start(user=user, job=job, dry_run=False)
        profile.dump_stats(profile_to)
    else:
        imports.start(user=user, job=job, dry_run=False)
    seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu_started
    peak_mb = peak_resident_mb()
    job.refresh_from_db()
    if job.state != ImportJob.State.DONE:
        raise RuntimeError(f"the import job ended {job.state}: {job.error}")
    unmapped = [header for header, target in job.mapping.items() if not target]
    if unmapped:
        raise RuntimeError(f"the automatic mapping left columns out: {unmapped}")
    counted = job.created + job.updated + job.skipped + job.rejected
    expected = import_file.expected_counts(rows)
    if (counted, job.total, job.checkpoint) != (rows, rows, rows):
        raise RuntimeError(f"rows={rows} but total={job.total} checkpoint={job.checkpoint} counted={counted}")
    counts = (job.created, job.updated, job.skipped, job.rejected)
    if counts != (expected.created, 0, expected.skipped, expected.rejected):
        reasons = list(job.rejections.values_list("reason", flat=True)[:5])
        raise RuntimeError(f"counts {counts} (created, updated, skipped, rejected), expected {expected}: {reasons}")
    created_events = AuditEvent.objects.filter(action=AuditEvent.Action.CREATE, object_type="customers.customer")
    if Customer.objects.count() != job.created or created_events.count() != job.created:
        raise RuntimeError(f"{Customer.objects.count()} customers, {created_events.count()} events, job {job.created}")
    shutil.rmtree(Path(job.file.path).parent, ignore_errors=True)
    return ImportFigure(
        name=name,
        rows=rows,
        seconds=seconds,
        cpu_seconds=cpu_seconds,
        peak_mb=peak_mb,
        created=job.created,
        skipped=job.skipped,
        rejected=job.rejected,
    )


def main() -> None:
    """``python -m bench.imports NAME ROWS FILE``: one import, its figure as JSON on the last line."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    figure = _import_once(sys.argv[1], int(sys.argv[2]), Path(sys.argv[3]))
    print(json.dumps(dataclasses.asdict(figure)))


if __name__ == "__main__":
    main()
