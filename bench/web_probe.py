"""What a person using Clientbook notices while a large import runs: the list page and a save.

``python -m bench.web_probe FOLDER`` plays a web server process beside the import worker, on the
import's own database: every ``PAUSE_SECONDS`` (a person clicking, not a load test) it renders the
customer list page sorted by name (a read) and creates a label through the API (a write, which
waits for SQLite's write lock while an import batch holds it), timing each with Django's test
client. Samples taken while ``FOLDER/import-done`` does not exist are "during", later ones
"after" (the same database, now holding the imported rows, and an idle machine); the probe stops
when ``FOLDER/stop`` appears and prints its samples as JSON on its last line.
"""

import json
import os
import sys
import time
from pathlib import Path
from typing import Any

PAUSE_SECONDS = 0.25
LIST_URL = "/customers/?sort=name"
LABELS_URL = "/api/v1/labels"


def probe(folder: Path) -> dict[str, dict[str, list[float]]]:
    from django.test import Client

    from bench.scenarios import bench_user
    from clientbook.accounts.services import create_api_token

    user = bench_user()
    _, token = create_api_token(user=user, name="web probe")
    page = Client()
    page.force_login(user)
    api = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    samples: dict[str, dict[str, list[float]]] = {"during": {"list": [], "save": []}, "after": {"list": [], "save": []}}
    (folder / "probe-ready").touch()
    number = 0
    while not (folder / "stop").exists():
        phase = "after" if (folder / "import-done").exists() else "during"
        started = time.perf_counter()
        response = page.get(LIST_URL)
        listed = time.perf_counter()
        number += 1
        saved = api.post(LABELS_URL, {"name": f"probe {os.getpid()} {number}"}, content_type="application/json")
        finished = time.perf_counter()
        if response.status_code != 200 or saved.status_code != 201:
            raise RuntimeError(
                f"list answered {response.status_code}, save {saved.status_code}: {saved.content[:300]!r}"
            )
        samples[phase]["list"].append((listed - started) * 1000)
        samples[phase]["save"].append((finished - listed) * 1000)
        time.sleep(PAUSE_SECONDS)
    return samples


def measurements(samples: dict[str, dict[str, list[float]]], rows: int) -> list[Any]:
    """``web_list_during_import``, ``web_list_after_import`` and the same for saves."""
    from bench.scenarios import Measurement

    return [
        Measurement(f"web_{kind}_{phase}_import", rows, samples[phase][kind], {"samples": len(samples[phase][kind])})
        for kind in ("list", "save")
        for phase in ("during", "after")
        if samples[phase][kind]
    ]


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    print(json.dumps(probe(Path(sys.argv[1]))))


if __name__ == "__main__":
    main()
