"""``python -m bench`` (``make bench``): seed ``BENCH_N`` customers, then measure lists, searches and the
universal search (``bench/universal_search.py``).

Environment: ``BENCH_N`` (default 1,000,000), ``BENCH_ACTIVITIES`` (timeline entries over those
customers, default as many as customers up to 1,000,000), ``BENCH_REPEAT`` (samples per scenario, default 30),
``BENCH_LIKE_REPEAT`` (samples of each full-table LIKE scan, default 3) and ``DATABASE_URL`` (a
PostgreSQL URL benchmarks the database of that name with a ``_bench`` suffix). Prints one line per
figure and writes them all to ``var/bench/latest.json`` (and ``latest-<database>.json``).
``python -m bench export`` measures only the exports (``bench/exports.py``), ``python -m bench import``
only the imports (``bench/imports.py``, on a fresh database of their own, so no seed is needed),
``python -m bench gate`` only the gate's decisions against the production server (``bench/gate.py``,
on a database of its own, for ``BENCH_GATE_SECONDS`` seconds, default 30), which every run ends with.
"""

import json
import os
import platform
import sys
import time

from bench import exports, gate
from bench.database import BENCH_DIR, use_bench_database, vendor_of


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def main() -> None:
    # The gate's database is derived from the one asked for, not from the bench database that replaces it.
    application_url = os.environ.get("DATABASE_URL")
    if sys.argv[1:] == ["gate"]:  # python -m bench gate: the gate's figures alone, without the customers' seed
        url = gate.gate_database_url(application_url)
        exports.merge_into_reports(gate.run(log, application_url), vendor_of(url), stamp="gate_measured_at")
        return
    total = int(os.environ.get("BENCH_N", "1000000"))
    repeat = int(os.environ.get("BENCH_REPEAT", "30"))
    like_repeat = int(os.environ.get("BENCH_LIKE_REPEAT", "3"))
    use_bench_database()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.db import connection

    from bench import activities, imports, load, scenarios, universal_search

    if sys.argv[1:] == ["import"]:  # python -m bench import: the import figures alone
        exports.merge_into_reports(imports.run(log), connection.vendor, stamp="imports_measured_at")
        return
    seed = load.prepare(total, log=log)
    print(f"bench seed n={seed.rows} seconds={seed.seconds:.1f}{' reused=1' if seed.reused else ''}", flush=True)
    if sys.argv[1:] == ["export"]:  # python -m bench export: the export figures alone
        exports.merge_into_reports(exports.run(log), connection.vendor)
        return
    results = []
    selective = scenarios.selective_term(total)
    for scenario in scenarios.scenarios(selective):
        api = scenarios.measure_api(scenario, total, repeat)
        results.append(api)
        print(api.line(), flush=True)
        page = scenarios.measure_page(scenario, total, repeat)
        results.append(page)
        print(page.line(), flush=True)
        if scenario.like_scan:
            scan = scenarios.measure_like_scan(scenario, total, like_repeat, api.p50)
            results.append(scan)
            print(scan.line(), flush=True)
    # The timeline's entries are seeded first, so the universal search below also searches them.
    results.extend(activities.run(total, repeat, log))
    for measurement in universal_search.run(total, repeat, log):
        results.append(measurement)
        print(measurement.line(), flush=True)
    count = scenarios.measure_count(total, repeat)
    results.append(count)
    print(count.line(), flush=True)
    report = {
        "database": connection.vendor,
        "n": total,
        "repeat": repeat,
        "measured_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count()},
        "seed": {"seconds": round(seed.seconds, 1), "reused": seed.reused},
        "results": [result.as_json() for result in results],
    }
    text = json.dumps(report, indent=2) + "\n"
    path = BENCH_DIR / "latest.json"
    path.write_text(text)
    # Also kept per database, so a run on one does not hide the last figures of the other.
    (BENCH_DIR / f"latest-{connection.vendor}.json").write_text(text)
    exports.merge_into_reports(exports.run(log), connection.vendor)
    exports.merge_into_reports(imports.run(log), connection.vendor, stamp="imports_measured_at")
    exports.merge_into_reports(gate.run(log, application_url), connection.vendor, stamp="gate_measured_at")
    log(f"figures written to {path}")


if __name__ == "__main__":
    main()
