"""The gate's throughput: the production server answering ``POST /api/v1/access/decisions`` under load.

``python -m bench gate`` (and every ``make bench``) runs it on a database of its own
(``var/bench/gate.sqlite3``, or the ``DATABASE_URL`` database's name plus ``_gate_bench`` on
PostgreSQL), migrated and seeded through the services: ``ZONES`` zones without a capacity limit or
anti-passback, an entry and an exit reader in each with a token issued as an operator issues it,
and ``CUSTOMERS`` active customers with a card each allowed in every zone. A child process
(``python -m bench.gate measure``) seeds it and starts the server exactly as the Procfile's ``web``
line does (gunicorn, its worker class, workers and threads, ``config.wsgi``) on a free port with
``DEBUG`` off, then ``CLIENTS`` clients send decisions for ``BENCH_GATE_SECONDS`` (default 30)
seconds, each as fast as its answers come back: a card's entry at its zone's entry reader, then
its exit at the exit reader, then the next card, by card number and by QR payload in turn, each
decision with its own idempotency key, so that every one is a real, allowed entry or exit that
writes one event. The server is stopped at the end, also when something failed.

The clients are Python, because ``make bench`` must run on a machine with nothing but the
project's dependencies: ``CLIENT_PROCESSES`` processes (``python -m bench.gate client``), each
with threads holding one keep-alive ``http.client`` connection per client. A thread spends its
time waiting on its socket, so a process's threads hardly contend for its interpreter lock; two
processes halve what contention there is, and the clients' own CPU time is measured and printed
(``client_cpu_s``) beside the server's (``server_cpu_s``, gunicorn's master and workers), so
one can see how much of the two cores the load itself took. (``wrk`` would take less CPU, but is
not installed everywhere and would add a second way of counting; a Python client's cost is in the
figures instead.)

Every client waits for its answer before sending the next decision (a closed loop), so the
figures are the server's capacity, and by Little's law the mean latency is ``CLIENTS`` divided by
the decisions per second: the p95 target of 20 ms can only be met above 800 decisions/s.

Figures: decisions per second, p50 / p95 / p99 / max latency in milliseconds, errors (a non-2xx
answer or a transport failure), allowed and denied decisions, and the events written (the count
after the run minus the count before, which must equal the decisions). They are printed as one
``bench gate …`` line, written to ``var/bench/gate-<database>.json`` and merged into
``latest-<database>.json``.
"""

import http.client
import json
import os
import shlex
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import IO, Any

from bench.database import BASE_DIR, BENCH_DIR, bench_database_url, create_postgres_database, vendor_of

ZONES = 4
CUSTOMERS = 2_000
CLIENTS = 16
CLIENT_PROCESSES = 2
DEFAULT_SECONDS = 30.0
# Decisions each client sends before the clock starts: connections opened, workers' code and statements warm.
WARM_UP = 5
SQLITE_FILE = BENCH_DIR / "gate.sqlite3"
DECISIONS_PATH = "/api/v1/access/decisions"
CARD_PREFIX = "GB"
PROCFILE = BASE_DIR / "Procfile"
PORT_PLACEHOLDER = "${PORT:-8000}"
SERVER_START_SECONDS = 60
SQLITE_SYNCHRONOUS = ("OFF", "NORMAL", "FULL", "EXTRA")


@dataclass(frozen=True)
class GateFigure:
    clients: int
    customers: int
    seconds: float
    decisions: int
    allowed: int
    denied: int
    errors: int
    events: int
    p50_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float
    client_cpu_seconds: float
    server_cpu_seconds: float
    load_average: float
    # How commits reach the disk: SQLite's ``synchronous``, PostgreSQL's ``synchronous_commit``.
    durability: str

    name = "gate"

    @property
    def decisions_per_s(self) -> float:
        return self.decisions / self.seconds if self.seconds else 0.0

    @property
    def server_cpu_ms_per_decision(self) -> float:
        """What a decision costs the server's processes: on 2 cores, 2,000 / this is its ceiling per second."""
        return self.server_cpu_seconds * 1000 / self.decisions if self.decisions else 0.0

    def line(self) -> str:
        return (
            f"bench {self.name} clients={self.clients} seconds={self.seconds:.1f}"
            f" decisions_per_s={self.decisions_per_s:.0f} p50_ms={self.p50_ms:.2f} p95_ms={self.p95_ms:.2f}"
            f" p99_ms={self.p99_ms:.2f} max_ms={self.max_ms:.2f} errors={self.errors} allowed={self.allowed}"
            f" denied={self.denied} decisions={self.decisions} events={self.events}"
            f" client_cpu_s={self.client_cpu_seconds:.1f} server_cpu_s={self.server_cpu_seconds:.1f}"
            f" server_cpu_ms_per_decision={self.server_cpu_ms_per_decision:.1f}"
            f" load={self.load_average:.1f} durability={self.durability}"
        )

    def as_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "clients": self.clients,
            "customers": self.customers,
            "seconds": round(self.seconds, 2),
            "decisions": self.decisions,
            "decisions_per_s": round(self.decisions_per_s, 1),
            "p50_ms": round(self.p50_ms, 3),
            "p95_ms": round(self.p95_ms, 3),
            "p99_ms": round(self.p99_ms, 3),
            "max_ms": round(self.max_ms, 3),
            "errors": self.errors,
            "allowed": self.allowed,
            "denied": self.denied,
            "events": self.events,
            "client_cpu_seconds": round(self.client_cpu_seconds, 2),
            "server_cpu_seconds": round(self.server_cpu_seconds, 2),
            "server_cpu_ms_per_decision": round(self.server_cpu_ms_per_decision, 2),
            # The machine's 1-minute load average as the run began: other work on it slows the figures.
            "load_average": round(self.load_average, 2),
            "durability": self.durability,
        }


def gate_database_url(application_url: str | None) -> str:
    return bench_database_url(application_url, suffix="_gate_bench", sqlite_file=SQLITE_FILE)


def run(log: Any, application_url: str | None) -> list[GateFigure]:
    """Measure on the gate's database (derived from ``application_url``, the ``DATABASE_URL`` the bench was
    started with), print the figure and write ``gate-<database>.json``."""
    url = gate_database_url(application_url)
    seconds = float(os.environ.get("BENCH_GATE_SECONDS", DEFAULT_SECONDS))
    log(f"gate: {CLIENTS} clients for {seconds:g} s against gunicorn on {vendor_of(url)} …")
    figure = measured(url, seconds=seconds, clients=CLIENTS, customers=CUSTOMERS)
    print(figure.line(), flush=True)
    report = {
        "database": vendor_of(url),
        "measured_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "results": [figure.as_json()],
    }
    (BENCH_DIR / f"gate-{vendor_of(url)}.json").write_text(json.dumps(report, indent=2) + "\n")
    return [figure]


def measured(database_url: str, *, seconds: float, clients: int, customers: int) -> GateFigure:
    """The figure of one run on ``database_url`` (created when a PostgreSQL one is missing), in a child process."""
    if database_url.startswith("postgres"):
        create_postgres_database(database_url)
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "DATABASE_URL": database_url, "DJANGO_SETTINGS_MODULE": "config.settings"}
    done = subprocess.run(
        [sys.executable, "-m", "bench.gate", "measure", str(seconds), str(clients), str(customers)],
        env=env,
        cwd=BASE_DIR,
        stdout=subprocess.PIPE,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"the gate benchmark failed (exit {done.returncode}); its messages are above")
    return GateFigure(**json.loads(done.stdout.strip().splitlines()[-1]))


# --- The measuring process: seed, serve, load -----------------------------------------------------


@dataclass(frozen=True)
class Lane:
    """What one client sends: its zone's entry and exit readers' tokens and its own cards' credentials."""

    entry_token: str
    exit_token: str
    # (field, value): ``card_number`` or ``qr``, alternating from card to card.
    cards: list[tuple[str, str]]


def seed(customers: int, log: Any) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """The zones' (entry token, exit token) pairs and every card's credential, seeding what is missing.

    Zones, readers, customers and cards are created through the services once and reused by later
    runs; the readers get new tokens each run (only a token's digest is stored).
    """
    from django.db import transaction

    from clientbook.core.kit import writes
    from clientbook.customers import services as customers_service
    from clientbook.facility import services
    from clientbook.facility.models import AccessCard, Device, Zone
    from clientbook.facility.specs import ACCESS_CARDS, DEVICES
    from clientbook.facility.specs import ZONES as ZONE_SPEC

    zones = []
    pairs = []
    with transaction.atomic():
        for number in range(1, ZONES + 1):
            name = f"Gate bench zone {number}"
            zone = Zone.objects.filter(name=name).first() or writes.create(
                ZONE_SPEC, user=None, values={"name": name, "capacity": None, "anti_passback": Zone.AntiPassback.NONE}
            )
            zones.append(zone)
            pair = []
            for direction in (Device.Direction.ENTRY, Device.Direction.EXIT):
                device_name = f"Gate bench {direction} {number}"
                device = Device.objects.filter(name=device_name).first() or writes.create(
                    DEVICES, user=None, values={"name": device_name, "zone": zone, "direction": direction}
                )
                pair.append(services.replace_device_token(None, device))
            pairs.append((pair[0], pair[1]))
    cards = AccessCard.objects.filter(card_number__startswith=CARD_PREFIX)
    existing = cards.count()
    if existing < customers:
        log(f"gate: seeding {customers - existing:,} customers with cards …")
        with transaction.atomic():
            for number in range(existing + 1, customers + 1):
                customer = customers_service.create_customer(
                    user=None,
                    first_name="Visitor",
                    last_name=f"{number:05d}",
                    email=f"gate.visitor.{number}@example.com",
                    country="US",
                )
                writes.create(
                    ACCESS_CARDS,
                    user=None,
                    values={"customer": customer, "card_number": f"{CARD_PREFIX}{number:06d}", "allowed_zones": zones},
                )
    rows = cards.order_by("card_number").values_list("card_number", "qr_payload")[:customers]
    credentials = [("card_number", number) if index % 2 == 0 else ("qr", qr) for index, (number, qr) in enumerate(rows)]
    return pairs, credentials


def lanes(pairs: Sequence[tuple[str, str]], credentials: Sequence[tuple[str, str]], clients: int) -> list[Lane]:
    """Client ``i`` uses zone ``i % zones`` and every ``clients``-th card from ``i`` on: no card is shared."""
    return [
        Lane(pairs[index % len(pairs)][0], pairs[index % len(pairs)][1], list(credentials[index::clients]))
        for index in range(clients)
    ]


def server_command(port: int) -> list[str]:
    """The Procfile's ``web`` line, on ``port``, run by this interpreter's gunicorn."""
    line = next(line for line in PROCFILE.read_text().splitlines() if line.startswith("web:"))
    if PORT_PLACEHOLDER not in line:
        raise RuntimeError(f"the Procfile's web line no longer binds {PORT_PLACEHOLDER}: {line}")
    words = shlex.split(line.removeprefix("web:").replace(PORT_PLACEHOLDER, str(port)))
    if words[0] != "gunicorn":
        raise RuntimeError(f"the Procfile's web line does not start gunicorn: {line}")
    return [sys.executable, "-m", "gunicorn", *words[1:]]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def production_server() -> Iterator[tuple[int, int]]:
    """gunicorn serving the gate's database with ``DEBUG`` off: yields (port, master's pid), stops it after."""
    port = _free_port()
    env = {**os.environ, "DEBUG": "false"}
    with tempfile.TemporaryFile("w+") as output:
        server = subprocess.Popen(
            server_command(port), cwd=BASE_DIR, env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
        )
        try:
            _wait_until_answering(server, port, output)
            yield port, server.pid
        finally:
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait()


def _wait_until_answering(server: subprocess.Popen[bytes], port: int, output: IO[str]) -> None:
    """Until a request gets an answer (any status: a GET of the decisions is refused without touching data)."""
    deadline = time.monotonic() + SERVER_START_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            output.seek(0)
            raise RuntimeError(f"gunicorn exited with {server.returncode}:\n{output.read()[-3000:]}")
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        try:
            connection.request("GET", DECISIONS_PATH)
            connection.getresponse().read()
            return
        except OSError:
            time.sleep(0.2)
        finally:
            connection.close()
    raise RuntimeError(f"gunicorn did not answer on port {port} within {SERVER_START_SECONDS} s")


def cpu_seconds_of_tree(root: int) -> float:
    """User and system CPU time of ``root`` and its children (gunicorn's master and workers), from ``/proc``."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            # The command name may hold spaces: the fields after its closing parenthesis are fixed.
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid, parent = int(entry.name), int(fields[1])
        if root in (pid, parent):
            total += int(fields[11]) + int(fields[12])
    return total / ticks


def percentile(ordered: Sequence[float], share: float) -> float:
    """Nearest rank, as the other scenarios' p95."""
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))] if ordered else 0.0


def durability() -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA synchronous")
            return f"synchronous={SQLITE_SYNCHRONOUS[int(cursor.fetchone()[0])]}"
        cursor.execute("SHOW synchronous_commit")
        return f"synchronous_commit={cursor.fetchone()[0]}"


def measure(seconds: float, clients: int, customers: int, log: Any) -> GateFigure:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from clientbook.facility.models import Event

    load_average = os.getloadavg()[0]
    call_command("migrate", interactive=False, verbosity=0)
    call_command("createcachetable", verbosity=0)
    pairs, credentials = seed(customers, log)
    plans = lanes(pairs, credentials, clients)
    run_id = uuid.uuid4().hex[:12]
    with production_server() as (port, server_pid):
        processes = [
            _start_clients(port, plans[share::CLIENT_PROCESSES], seconds, f"{run_id}-{share}")
            for share in range(CLIENT_PROCESSES)
            if plans[share::CLIENT_PROCESSES]
        ]
        try:
            for process in processes:
                _expect(process, "ready")
            events_before = Event.objects.count()
            connection.close()
            server_cpu_before = cpu_seconds_of_tree(server_pid)
            for process in processes:
                assert process.stdin is not None
                process.stdin.write("go\n")
                process.stdin.flush()
            results = [json.loads(_expect(process, "{")) for process in processes]
            server_cpu = cpu_seconds_of_tree(server_pid) - server_cpu_before
        finally:
            for process in processes:
                if process.poll() is None:
                    process.kill()
                process.wait()
        events = Event.objects.count() - events_before
    latencies = sorted(sample for result in results for sample in result["latencies_ms"])
    window = max(result["ended"] for result in results) - min(result["started"] for result in results)
    allowed = sum(result["allowed"] for result in results)
    denied = sum(result["denied"] for result in results)
    for result in results:
        for message in result["error_samples"]:
            log(f"gate: client error: {message}")
    return GateFigure(
        clients=clients,
        customers=len(credentials),
        seconds=window,
        decisions=allowed + denied,
        allowed=allowed,
        denied=denied,
        errors=sum(result["errors"] for result in results),
        events=events,
        p50_ms=percentile(latencies, 0.5),
        p95_ms=percentile(latencies, 0.95),
        p99_ms=percentile(latencies, 0.99),
        max_ms=latencies[-1] if latencies else 0.0,
        client_cpu_seconds=sum(result["cpu_seconds"] for result in results),
        server_cpu_seconds=server_cpu,
        load_average=load_average,
        durability=durability(),
    )


def _start_clients(port: int, plans: Sequence[Lane], seconds: float, key_prefix: str) -> subprocess.Popen[str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "bench.gate", "client", str(port), str(seconds), key_prefix],
        cwd=BASE_DIR,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdin is not None
    process.stdin.write(json.dumps([asdict(plan) for plan in plans]) + "\n")
    process.stdin.flush()
    return process


def _expect(process: subprocess.Popen[str], start: str) -> str:
    assert process.stdout is not None
    line = process.stdout.readline()
    if not line.startswith(start):
        raise RuntimeError(f"a client process said {line!r} instead of {start!r}")
    return line


# --- A client process -----------------------------------------------------------------------------


class Client:
    """One reader's traffic on one keep-alive connection: entry, exit, next card."""

    def __init__(self, port: int, lane: Lane, key_prefix: str) -> None:
        self.port, self.lane, self.key_prefix = port, lane, key_prefix
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.sent = 0
        self.latencies_ms: list[float] = []
        self.allowed = self.denied = self.errors = 0
        self.error_samples: list[str] = []

    def decide(self) -> None:
        lane, number = self.lane, self.sent
        field, value = lane.cards[(number // 2) % len(lane.cards)]
        token = lane.entry_token if number % 2 == 0 else lane.exit_token
        body = json.dumps({field: value, "idempotency_key": f"{self.key_prefix}-{number}"})
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        self.sent += 1
        started = time.perf_counter()
        try:
            self.connection.request("POST", DECISIONS_PATH, body, headers)
            response = self.connection.getresponse()
            content = response.read()
        except (OSError, http.client.HTTPException) as failure:
            self._error(f"{type(failure).__name__}: {failure}")
            self.connection.close()
            return
        elapsed_ms = (time.perf_counter() - started) * 1000
        if response.status != 200:
            self._error(f"HTTP {response.status}: {content[:200]!r}")
            return
        self.latencies_ms.append(elapsed_ms)
        if json.loads(content)["allowed"]:
            self.allowed += 1
        else:
            self.denied += 1

    def _error(self, message: str) -> None:
        self.errors += 1
        if len(self.error_samples) < 3:
            self.error_samples.append(message)

    def reset(self) -> None:
        """Forget the warm-up's figures (the cards' sequence carries on) and its connection: gunicorn closes one
        idle for its keep-alive time (2 s), as it would be while the other clients warm up."""
        self.connection.close()
        self.latencies_ms.clear()
        self.allowed = self.denied = self.errors = 0
        self.error_samples.clear()


def client_process(port: int, seconds: float, key_prefix: str) -> None:
    """``python -m bench.gate client PORT SECONDS KEY_PREFIX``: the lanes as JSON on stdin, then ``go``."""
    plans = [
        Lane(plan["entry_token"], plan["exit_token"], [(field, value) for field, value in plan["cards"]])
        for plan in json.loads(sys.stdin.readline())
    ]
    clients = [Client(port, plan, f"{key_prefix}-{index}") for index, plan in enumerate(plans)]
    for client in clients:
        for _ in range(WARM_UP):
            client.decide()
        if client.errors:
            raise RuntimeError(f"the warm-up failed: {client.error_samples}")
        client.reset()
    print("ready", flush=True)
    if sys.stdin.readline().strip() != "go":
        return
    cpu_before = sum(os.times()[:2])
    # The system's monotonic clock: the measuring process compares both client processes' moments.
    started = time.monotonic()
    deadline = started + seconds

    def load(client: Client) -> None:
        while time.monotonic() < deadline:
            client.decide()

    threads = [threading.Thread(target=load, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    ended = time.monotonic()
    result = {
        "started": started,
        "ended": ended,
        "cpu_seconds": sum(os.times()[:2]) - cpu_before,
        "latencies_ms": [sample for client in clients for sample in client.latencies_ms],
        "allowed": sum(client.allowed for client in clients),
        "denied": sum(client.denied for client in clients),
        "errors": sum(client.errors for client in clients),
        "error_samples": [sample for client in clients for sample in client.error_samples],
    }
    print(json.dumps(result), flush=True)


def main() -> None:
    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    command, *arguments = sys.argv[1:]
    if command == "measure":
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
        figure = measure(float(arguments[0]), int(arguments[1]), int(arguments[2]), log)
        print(json.dumps(asdict(figure)))
    elif command == "client":
        client_process(int(arguments[0]), float(arguments[1]), arguments[2])
    else:
        raise SystemExit(f"unknown command {command!r}: measure or client")


if __name__ == "__main__":
    main()
