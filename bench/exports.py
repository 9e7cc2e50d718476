"""Export benchmarks: CSV and XLSX of 100,000 customers, PDF of 500, through the real pipeline.

Each export runs in a fresh process (``python -m bench.exports FORMAT ROWS``), so its peak memory
(``VmHWM``: Django and everything the export allocated) is its own. The process exports the
first ``ROWS`` live customers by code, in code order, with the list's default columns: it builds
the plan (``exports.prepare``), then ``exports.begin`` counts, audits and either writes the file
through the worker's code (CSV and XLSX above the direct limit: a job, run here by Huey in
immediate mode as the worker would) or answers it at once (PDF, ``direct_response``).

``python -m bench export`` runs only these; ``make bench`` runs them after the list scenarios.
Figures are merged into ``var/bench/latest-<database>.json`` under their names, leaving the other
figures there as they are, and ``latest.json`` becomes a copy of that file.
"""

import dataclasses
import json
import os
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from bench import peak_resident_mb
from bench.database import BENCH_DIR

SCENARIOS = (("csv", 100_000), ("xlsx", 100_000), ("pdf", 500))
# The customer list's default columns.
FIELDS = ("code", "name", "email", "phone", "city", "country", "labels", "balance", "status")
# Far above what one run uses, so repeated runs within a minute are never rate limited.
BENCH_EXPORTS_PER_MINUTE = "1000"


@dataclass(frozen=True)
class ExportFigure:
    format: str
    rows: int
    seconds: float
    cpu_seconds: float
    peak_mb: float

    @property
    def name(self) -> str:
        return f"export_{self.format}"

    def line(self) -> str:
        # cpu_s: the process's own CPU time, which other work on the machine barely changes.
        cpu = f"cpu_s={self.cpu_seconds:.3f}"
        if self.format == "pdf":
            return f"bench {self.name} rows={self.rows} seconds={self.seconds:.3f} peak_mb={self.peak_mb:.0f} {cpu}"
        speed = f"rows_per_s={self.rows / self.seconds:.0f}"
        return f"bench {self.name} rows={self.rows} {speed} peak_mb={self.peak_mb:.0f} {cpu}"

    def as_json(self) -> dict[str, Any]:
        figure = {
            "name": self.name,
            "rows": self.rows,
            "seconds": round(self.seconds, 3),
            "cpu_seconds": round(self.cpu_seconds, 3),
            "peak_mb": round(self.peak_mb),
        }
        if self.format != "pdf":
            figure["rows_per_s"] = round(self.rows / self.seconds)
        return figure


def measure(export_format: str, rows: int) -> ExportFigure:
    """Run one export in a child process (the benchmark database is already in ``DATABASE_URL``)."""
    env = {**os.environ, "CLIENTBOOK_EXPORTS_PER_MINUTE": BENCH_EXPORTS_PER_MINUTE}
    done = subprocess.run(
        [sys.executable, "-m", "bench.exports", export_format, str(rows)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"export benchmark {export_format} failed:\n{done.stderr[-3000:]}")
    return ExportFigure(**json.loads(done.stdout.strip().splitlines()[-1]))


def run(log: Any) -> list[ExportFigure]:
    figures = []
    for export_format, rows in SCENARIOS:
        log(f"exporting {rows:,} customers as {export_format} …")
        figure = measure(export_format, rows)
        print(figure.line(), flush=True)
        figures.append(figure)
    return figures


def merge_into_reports(figures: Sequence[Any], vendor: str, stamp: str = "exports_measured_at") -> None:
    """Put the figures into this database's latest report, replacing only earlier figures of their names.

    ``figures``: anything with a ``name`` and ``as_json()`` (export and import figures); ``stamp``
    the report's key for when they were measured.

    ``latest-<database>.json`` keeps every figure of that database; ``latest.json`` becomes a copy of
    it, as after a whole ``make bench`` on that database.
    """
    names = {figure.name for figure in figures}
    own = BENCH_DIR / f"latest-{vendor}.json"
    report = json.loads(own.read_text()) if own.exists() else {"database": vendor, "results": []}
    kept = [result for result in report.get("results", []) if result.get("name") not in names]
    report["results"] = kept + [figure.as_json() for figure in figures]
    report[stamp] = time.strftime("%Y-%m-%dT%H:%M:%S%z")
    text = json.dumps(report, indent=2) + "\n"
    own.write_text(text)
    (BENCH_DIR / "latest.json").write_text(text)


# --- The child process ----------------------------------------------------------------------


def _export_once(export_format: str, rows: int) -> ExportFigure:
    import django

    django.setup()
    from django.core.files.storage import default_storage
    from django.http import QueryDict
    from huey.contrib.djhuey import HUEY

    from bench.scenarios import bench_user
    from clientbook.core.exports import engine as exports
    from clientbook.core.listing.pipeline import get_spec
    from clientbook.core.models import ExportJob
    from clientbook.customers.models import Customer

    HUEY.immediate = True  # the job runs here, as the worker runs it
    user = bench_user()
    live = Customer.objects.order_by("code").values_list("code", flat=True)
    last_code = live[min(rows, live.count()) - 1]
    params = QueryDict(mutable=True)
    params.update({"code_max": last_code, "sort": "code"})
    started, cpu_started = time.perf_counter(), time.process_time()
    plan = exports.prepare(get_spec("customers"), user, params, FIELDS, export_format)
    begun = exports.begin(plan)
    if begun.job is None:
        response = exports.direct_response(plan)
        size = sum(len(part) for part in response) if response.streaming else len(response.content)  # type: ignore[attr-defined]
        written = begun.rows
    else:
        job = ExportJob.objects.get(pk=begun.job.pk)
        if job.state != ExportJob.State.DONE:
            raise RuntimeError(f"the export job ended {job.state}: {job.error}")
        size = job.file.size
        written = job.row_count
        default_storage.delete(job.file.name)
    seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu_started
    if not size or written != begun.rows:
        raise RuntimeError(f"exported {written} of {begun.rows} rows ({size} bytes)")
    peak_mb = peak_resident_mb()
    return ExportFigure(format=export_format, rows=written, seconds=seconds, cpu_seconds=cpu_seconds, peak_mb=peak_mb)


def main() -> None:
    """``python -m bench.exports FORMAT ROWS``: one export, its figure as JSON on the last line."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    figure = _export_once(sys.argv[1], int(sys.argv[2]))
    print(json.dumps(dataclasses.asdict(figure)))


if __name__ == "__main__":
    main()
