"""Faults under load: Nexus under gunicorn while Redis, PostgreSQL, RabbitMQ and a Celery
worker fail in turn.

    .venv/bin/python bench/faults.py --seconds 20 --clients 6 --sustained 180

Everything runs on loopback, on services of its own, so nothing shared is disturbed:

- a throw-away PostgreSQL cluster (initdb, as the `postgres` user when run as root) on
  --pg-port (18802), deleted at the end;
- a private redis-server on --redis-port (18801);
- a private RabbitMQ node on --rabbit-port (18803; Erlang distribution on the next port) with
  its own data directory and cookie (`bench/private_services.py`);
- gunicorn (2 sync workers, production settings: `bench/settings.py`) on --port (18800);
- one Celery worker with the embedded beat (outbox drain every 2 s, lost payment events
  swept every 5 s), sending e-mail to files that the bench reads.

Each client is a shopper with a JWT that loops: product page (anonymous, page cache), API
product list, add to cart, checkout (Idempotency-Key), pay with the dummy card (the order is
marked paid by the worker, which then sends the confirmation and the vendor's notice through
the outbox).

First the healthy shop under sustained load:

- warmup (--warmup seconds) and capacity (--capacity-seconds): the clients as fast as they
  are answered; the capacity phase's requests per second are the capacity;
- sustained (--sustained seconds, default three minutes): the same clients paced to
  --load-fraction (0.8) of that capacity, requests spaced evenly over all clients. Printed:
  target and achieved rate, latency percentiles, answers by status, and the invariants at
  the end of the phase (every checkout answered 201 has its order; stock taken equals units
  ordered, read in one statement; later, once the worker has caught up, every payment
  answered 201 in the phase left its order paid). Any answer but a 2xx fails the run: the
  bench's settings lift the throttles, so a 429 is a leak of the shop's rate limits.

Then the faults, the clients again as fast as they are answered, each phase --seconds long:

1. redis: the private Redis is shut down at the start and started again at the end;
2. postgres: the private cluster is restarted (`pg_ctl restart -m fast`) after a third of the
   phase; the time to the first successful request afterwards is the recovery time;
3. rabbitmq: the broker is stopped (`rabbitmqctl stop_app`: connections closed, port shut) at
   the start and started again at the end; checkouts and payments must still succeed; the
   time until everything recorded during the outage is delivered is the recovery time;
4. worker: a third of the way in, once the worker is in the middle of a task, the worker and
   its pool process are SIGKILLed together and a new worker is started; the task must be
   redelivered (acks_late) and its effect happen once.

Printed per phase: requests, answers by status, 5xx other than 503, checkouts placed, and for
PostgreSQL the 503s and the recovery time. At the end, after the worker has caught up, the
database and the sent e-mails are checked: every checkout that got a 201 has its order, stock
taken equals units ordered (orders not cancelled), every payment that got a 201 left its order
paid, every outbox message was delivered, and every e-mail went out once (none lost, none
sent twice but for a redelivered task's resend, at most one per task killed in flight and one for
the PostgreSQL restart) under one Message-ID per message. Exit status 1 when any of that fails or any 5xx other than a 503 during the
PostgreSQL restart was seen.
"""

import argparse
import email
import json
import math
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections import Counter
from contextlib import closing
from pathlib import Path

import psycopg2

sys.path.insert(0, str(Path(__file__).resolve().parent))
from private_services import RABBIT_BIN, CeleryWorker, RabbitNode  # noqa: E402

REPOSITORY = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
PG_BIN = Path(shutil.which("initdb") or "/usr/lib/postgresql/15/bin/initdb").resolve().parent
INITIAL_STOCK = 100_000

SEED = r"""
import json, sys
from django.core.management import call_command
from rest_framework_simplejwt.tokens import AccessToken
from accounts.models import User
from catalog.models import ProductPage
call_command("seed_demo", "--products", "12", verbosity=0)
product = ProductPage.objects.live().order_by("pk").first()
variant = product.variants.order_by("pk").first()
from catalog.models import Stock
Stock.objects.filter(variant=variant).update(quantity=%(stock)d)
tokens = []
for n in range(%(clients)d):
    user, _ = User.objects.get_or_create(email=f"fault-{n}@example.com")
    tokens.append(str(AccessToken.for_user(user)))
print("FAULTS=" + json.dumps({"product_path": product.url, "variant": variant.pk, "tokens": tokens}))
"""

ADDRESS = {
    "full_name": "Fault Tester",
    "line1": "1 Loopback Lane",
    "city": "Lyon",
    "postal_code": "69001",
    "country": "FR",
}


def run(command, env=None, **kwargs):
    result = subprocess.run(command, env=env, capture_output=True, text=True, **kwargs)
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(map(str, command))} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def as_postgres(command: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


def wait_for(predicate, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise SystemExit(f"{what} did not come up")


def request(base, method, path, *, token=None, body=None, headers=None, timeout=10):
    data = json.dumps(body).encode() if body is not None else None
    all_headers = {"Content-Type": "application/json", **(headers or {})}
    if token:
        all_headers["Authorization"] = f"Bearer {token}"
    req = urllib.request.Request(base + path, data=data, method=method, headers=all_headers)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()
    except OSError:
        return 0, b""  # connection refused or reset: counted apart from HTTP answers


def error_code(body: bytes) -> str:
    """The API's error code in a refusal's body (`{"error": {"code": …}}`), or "?"."""
    try:
        return str(json.loads(body)["error"]["code"])
    except (ValueError, KeyError, TypeError):
        return "?"


def unavailable_shaped(path: str, body: bytes) -> bool:
    """Whether a 503 is the shop's own (nexus/unavailable.py): JSON under /api/, the site's
    page elsewhere."""
    if path.startswith("/api/"):
        try:
            return json.loads(body)["error"]["code"] == "service_unavailable"
        except (ValueError, KeyError, TypeError):
            return False
    return b"<h1>Back in a moment</h1>" in body


class Load:
    """Client threads looping over the mixed journey; results per phase.

    With `rate` unset the clients go as fast as they are answered; with a rate (requests per
    second over all clients) each request waits for the next free slot of an even schedule.
    A client that falls behind sends at once (no burst to catch up), so a server slower than
    the schedule shows as an achieved rate below the target.
    """

    def __init__(self, base, setup, clients):
        self.base, self.setup, self.clients = base, setup, clients
        self.phase = "warmup"
        self.rate: float | None = None
        self.next_slot = 0.0
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.statuses: dict[str, Counter] = {}
        self.latencies: dict[str, list[tuple[str, float]]] = {}
        self.placed: list[str] = []
        self.paid: list[str] = []
        self.successes: list[tuple[float, str]] = []
        self.errors: Counter = Counter()  # (phase, step, status) of every 5xx but 503
        self.unavailable_seconds: list[float] = []  # how long each 503 took to answer
        self.unavailable_steps: Counter = Counter()  # 503s per step
        self.refusals: Counter = Counter()  # (phase, step, status, error code) of each 4xx
        self.unavailable_misshaped: Counter = Counter()  # step of a 503 not in its shape

    def record(self, status, name, seconds):
        with self.lock:
            self.statuses.setdefault(self.phase, Counter())[status] += 1
            self.latencies.setdefault(self.phase, []).append((name, seconds))
            if status >= 500 and status != 503:
                self.errors[(self.phase, name, status)] += 1
            if 200 <= status < 400:
                self.successes.append((time.monotonic(), name))

    def call(self, name, method, path, **kwargs):
        """One request of the journey: paced when a rate is set, timed and recorded."""
        if self.rate:
            with self.lock:
                slot = max(self.next_slot, time.monotonic())
                self.next_slot = slot + 1 / self.rate
            delay = slot - time.monotonic()
            if delay > 0:
                time.sleep(delay)
        sent = time.monotonic()
        status, body = request(self.base, method, path, **kwargs)
        self.record(status, name, time.monotonic() - sent)
        if 400 <= status < 500:
            with self.lock:
                self.refusals[(self.phase, name, status, error_code(body))] += 1
        if status == 503:
            with self.lock:
                self.unavailable_seconds.append(time.monotonic() - sent)
                self.unavailable_steps[name] += 1
                if not unavailable_shaped(path, body):
                    self.unavailable_misshaped[name] += 1
        return status, body

    def journey(self, token):
        setup = self.setup
        while not self.stop.is_set():
            self.call("page", "GET", setup["product_path"])
            self.call("list", "GET", "/api/v2/pages/?type=catalog.ProductPage&limit=5")
            self.call(
                "cart",
                "POST",
                "/api/v1/cart/lines/",
                token=token,
                body={"variant": setup["variant"], "quantity": 1},
            )
            status, body = self.call(
                "checkout",
                "POST",
                "/api/v1/checkout/",
                token=token,
                body={"shipping_address": ADDRESS},
                headers={"Idempotency-Key": uuid.uuid4().hex},
            )
            if status == 201:
                number = json.loads(body)["number"]
                with self.lock:
                    self.placed.append(number)
                status, _ = self.call(
                    "pay",
                    "POST",
                    f"/api/v1/orders/{number}/payment/",
                    token=token,
                    body={"card_number": "4242424242424242"},
                )
                if status == 201:
                    with self.lock:
                        self.paid.append(number)

    def start(self):
        self.threads = [
            threading.Thread(target=self.journey, args=(token,), daemon=True)
            for token in self.setup["tokens"][: self.clients]
        ]
        for thread in self.threads:
            thread.start()

    def finish(self):
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=30)


class Backlog:
    """Reads the outbox and the payment events straight from the private PostgreSQL."""

    def __init__(self, port: int):
        self.dsn = f"host=127.0.0.1 port={port} user=postgres dbname=nexus_faults"

    def query(self, sql: str, params=()) -> list[tuple]:
        with closing(psycopg2.connect(self.dsn, connect_timeout=5)) as connection:
            connection.autocommit = True
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                return cursor.fetchall()

    def high_water(self) -> tuple[int, int]:
        """The newest outbox message and payment event ids."""
        [(message, event)] = self.query(
            "SELECT (SELECT coalesce(max(id), 0) FROM outbox_outboxmessage),"
            " (SELECT coalesce(max(id), 0) FROM payments_paymentevent)"
        )
        return message, event

    def undelivered(self, message_id: int, event_id: int) -> int:
        """Outbox messages and payment events up to these ids not handled yet."""
        [(count,)] = self.query(
            "SELECT (SELECT count(*) FROM outbox_outboxmessage"
            "        WHERE id <= %s AND status <> 'delivered')"
            " + (SELECT count(*) FROM payments_paymentevent"
            "        WHERE id <= %s AND processed_at IS NULL)",
            (message_id, event_id),
        )
        return count

    def orders_check(self, numbers: list[str], variant: int) -> dict:
        """Orders found for `numbers`, units of `variant` ordered (orders not cancelled) and
        stock taken from it, read in one statement so that they are of one moment even under
        load (an order's lines and its stock change commit together)."""
        [(found, ordered, stock, orders, half_written)] = self.query(
            "SELECT (SELECT count(*) FROM commerce_order WHERE number = ANY(%s)),"
            " (SELECT coalesce(sum(l.quantity), 0) FROM commerce_orderline l"
            "  JOIN commerce_order o ON o.id = l.order_id"
            "  WHERE l.variant_id = %s AND o.status <> 'cancelled'),"
            " (SELECT quantity FROM catalog_stock WHERE variant_id = %s),"
            " (SELECT count(*) FROM commerce_order),"
            # Half written: an order without lines, or whose totals are not its lines' sum.
            " (SELECT count(*) FROM commerce_order o WHERE o.total <> o.subtotal"
            "  + o.shipping_total OR o.subtotal <> (SELECT coalesce(sum(l.line_total), 0)"
            "  FROM commerce_orderline l WHERE l.order_id = o.id) OR NOT EXISTS"
            "  (SELECT 1 FROM commerce_orderline l WHERE l.order_id = o.id))",
            (numbers, variant, variant),
        )
        return {
            "placed": len(numbers),
            "found": found,
            "ordered": ordered,
            "taken": INITIAL_STOCK - stock,
            "orders": orders,
            "half_written": half_written,
        }

    def not_paid(self, numbers: list[str]) -> int:
        [(count,)] = self.query(
            "SELECT count(*) FROM commerce_order WHERE number = ANY(%s) AND status <> 'paid'",
            (numbers,),
        )
        return count

    def wait_delivered(self, message_id: int, event_id: int, seconds: float) -> float | None:
        """Seconds until everything up to these ids is handled; None if not within `seconds`."""
        started = time.monotonic()
        while time.monotonic() - started < seconds:
            try:
                if self.undelivered(message_id, event_id) == 0:
                    return round(time.monotonic() - started, 1)
            except psycopg2.Error:
                pass
            time.sleep(0.5)
        return None


def sent_emails(mail_dir: Path) -> Counter:
    """How many e-mails the file backend wrote per outbox key (X-Nexus-Message-Key) and
    Message-ID."""
    sent: Counter = Counter()
    for path in sorted(mail_dir.glob("*.log")):
        for chunk in path.read_text().split("-" * 79):
            if chunk.strip():
                message = email.message_from_string(chunk.strip())
                sent[(message["X-Nexus-Message-Key"], message["Message-ID"])] += 1
    return sent


def outbox_check(backlog: Backlog, paid_numbers: list[str], mail_dir: Path) -> dict:
    statuses = dict(backlog.query("SELECT status, count(*) FROM outbox_outboxmessage GROUP BY 1"))
    ledger = {key for (key,) in backlog.query("SELECT key FROM outbox_sentemail")}
    messages = {key for (key,) in backlog.query("SELECT key FROM outbox_outboxmessage")}
    not_paid = backlog.not_paid(paid_numbers)
    # Every paid order must have recorded its shopper's confirmation.
    unannounced = backlog.query(
        "SELECT count(*) FROM commerce_order o WHERE o.status = 'paid' AND NOT EXISTS ("
        " SELECT 1 FROM outbox_outboxmessage m WHERE m.key = 'order-paid:' || o.id || ':shopper')"
    )[0][0]
    sent_ids = sent_emails(mail_dir)
    sent: Counter = Counter()
    for (key, _message_id), count in sent_ids.items():
        sent[key] += count
    return {
        "paid_answers": len(paid_numbers),
        "not_paid": not_paid,
        "unannounced": unannounced,
        "messages": sum(statuses.values()),
        "statuses": statuses,
        "emails": sum(sent.values()),
        "lost": len(messages - set(sent)),
        "duplicates": sum(count - 1 for count in sent.values()),
        "sent_twice": sorted(key for key, count in sent.items() if count > 1),
        "ledger_mismatch": len(ledger ^ set(sent)),
        # A key sent under two Message-IDs, or two keys under one, could not be deduplicated.
        "message_id_mismatch": (len(sent_ids) - len(sent))
        + (len(sent) - len({message_id for _key, message_id in sent_ids})),
    }


def percentile(values: list[float], fraction: float) -> float:
    """The nearest-rank percentile of `values` (not empty)."""
    ordered = sorted(values)
    return ordered[max(math.ceil(fraction * len(ordered)) - 1, 0)]


def latency_figures(samples: list[tuple[str, float]]) -> str:
    """p50/p95/p99 in milliseconds, of all requests and per step."""
    steps = {"all": [seconds for _name, seconds in samples]}
    for name, seconds in samples:
        steps.setdefault(name, []).append(seconds)
    return "; ".join(
        f"{name} " + "/".join(f"{percentile(values, f) * 1000:.0f}" for f in (0.5, 0.95, 0.99))
        for name, values in steps.items()
        if values
    )


def sustained_report(
    load: Load,
    *,
    capacity: float,
    load_fraction: float,
    seconds: float,
    check: dict,
    backlog_left: int,
    paid: int,
    not_paid: int,
) -> bool:
    """Print the figures of the capacity and sustained phases; returns whether the sustained
    phase held: only 2xx answers, every checkout's order found, stock taken equal to units
    ordered, no half-written order, every payment's order paid."""
    measured = load.statuses.get("capacity", Counter())
    print(
        f"capacity: {capacity:.1f} requests/s with {load.clients} clients as fast as answered "
        f"({sum(measured.values())} requests); latency ms p50/p95/p99: "
        f"{latency_figures(load.latencies.get('capacity', []))}"
    )
    statuses = load.statuses.get("sustained", Counter())
    requests = sum(statuses.values())
    not_2xx = {status: n for status, n in sorted(statuses.items()) if status // 100 != 2}
    print(
        f"sustained {seconds:.0f}s: target {load_fraction * capacity:.1f} requests/s "
        f"({load_fraction:.0%}), achieved {requests / seconds:.1f}, {requests} requests; "
        f"answers {dict(sorted(statuses.items()))}; not 2xx {not_2xx}"
    )
    print(f"  latency ms p50/p95/p99: {latency_figures(load.latencies.get('sustained', []))}")
    print(
        f"  checkouts placed (201) {check['placed']}, found {check['found']}; at the phase's "
        f"end (orders since the start) units ordered {check['ordered']}, stock taken "
        f"{check['taken']}, half-written orders {check['half_written']}; outbox messages and payment events not yet handled "
        f"{backlog_left}; payments answered 201 {paid}, orders not paid after the worker "
        f"caught up {not_paid}"
    )
    return not (
        not_2xx
        or not_paid
        or check["half_written"]
        or check["placed"] != check["found"]
        or check["ordered"] != check["taken"]
    )


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=20, help="of each fault phase")
    parser.add_argument("--clients", type=int, default=6)
    parser.add_argument("--warmup", type=float, default=5)
    parser.add_argument("--capacity-seconds", type=float, default=15)
    parser.add_argument(
        "--sustained",
        type=float,
        default=180,
        help="seconds of load paced to --load-fraction of the capacity",
    )
    parser.add_argument("--load-fraction", type=float, default=0.8)
    parser.add_argument("--port", type=int, default=18800)
    parser.add_argument("--redis-port", type=int, default=18801)
    parser.add_argument("--pg-port", type=int, default=18802)
    parser.add_argument("--rabbit-port", type=int, default=18803, help="and the next one")
    parser.add_argument(
        "--settle",
        type=float,
        default=120,
        help="seconds the worker may take to catch up after the load",
    )
    return parser.parse_args()


def require_programs() -> None:
    for program in ("redis-server", "runuser" if os.geteuid() == 0 else "pg_config"):
        if not shutil.which(program):
            raise SystemExit(f"{program} is not installed")
    if not (RABBIT_BIN / "rabbitmq-server").exists():
        raise SystemExit("rabbitmq-server is not installed")


class Shop:
    """The shop on private services in a temporary directory: PostgreSQL, Redis, RabbitMQ,
    gunicorn and Celery workers, started, broken and stopped by the phases."""

    def __init__(self, args: argparse.Namespace):
        self.args = args
        self.workdir = Path(tempfile.mkdtemp(prefix="nexus-faults-"))
        self.pgdata = self.workdir / "pgdata"
        self.mail_dir = self.workdir / "mail"
        self.mail_dir.mkdir()
        os.chmod(self.workdir, 0o777)
        self.redis: subprocess.Popen | None = None
        self.server: subprocess.Popen | None = None
        self.workers: list[CeleryWorker] = []
        self.pg_ctl = [str(PG_BIN / "pg_ctl"), "-D", str(self.pgdata), "-w", "-t", "60"]
        self.pg_options = (
            f"-p {args.pg_port} -c listen_addresses=127.0.0.1 "
            f"-c unix_socket_directories={self.workdir}"
        )
        self.rabbit = RabbitNode(self.workdir, args.rabbit_port)
        self.env = self.environment()
        self.manage = [PYTHON, str(REPOSITORY / "manage.py")]
        self.base = f"http://127.0.0.1:{args.port}"
        self.setup: dict = {}

    def environment(self) -> dict:
        args = self.args
        return {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "bench.settings",
            "PYTHONPATH": str(REPOSITORY),
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:{args.pg_port}/nexus_faults",
            "REDIS_URL": f"redis://127.0.0.1:{args.redis_port}/0",
            "CELERY_BROKER_URL": self.rabbit.url,
            "EMAIL_URL": f"filemail:///{self.mail_dir}",  # django-environ drops one slash
            "OUTBOX_DRAIN_SECONDS": "2",
            "PAYMENT_EVENTS_RETRY_SECONDS": "5",
            "MEDIA_ROOT": str(self.workdir / "media"),
            "BENCH_STATIC_ROOT": str(self.workdir / "static"),
            "SECRET_KEY": "faults-" + "x" * 60,
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "false",
            "LOG_LEVEL": "ERROR",
            "CONN_MAX_AGE": "60",
            "THROTTLE_ANON_RATE": "100000000/min",
            "THROTTLE_USER_RATE": "100000000/min",
            "THROTTLE_CHECKOUT_RATE": "100000000/min",
            "THROTTLE_PAYMENT_RATE": "100000000/min",
            "JWT_ACCESS_MINUTES": "240",
        }

    def start(self) -> None:
        """Every service up, the catalog seeded (`self.setup`), gunicorn answering."""
        print("private RabbitMQ, PostgreSQL, Redis…", flush=True)
        self.rabbit.start()  # boots while the database is prepared
        self.start_postgres()
        self.start_redis()
        print("migrating, seeding, collecting static files…", flush=True)
        self.seed()
        self.start_server()
        self.start_worker()
        wait_for(lambda: request(self.base, "GET", "/healthz")[0] in (200, 503), 60, "gunicorn")

    def start_postgres(self) -> None:
        """A throw-away cluster with the empty `nexus_faults` database."""
        initdb = [str(PG_BIN / "initdb"), "-D", str(self.pgdata), "-U", "postgres"]
        run(as_postgres([*initdb, "--auth=trust", "-E", "UTF8"]))
        log = str(self.workdir / "pg.log")
        run(as_postgres([*self.pg_ctl, "-o", self.pg_options, "-l", log, "start"]))
        createdb = [str(PG_BIN / "createdb"), "-h", "127.0.0.1", "-p", str(self.args.pg_port)]
        run(as_postgres([*createdb, "-U", "postgres", "nexus_faults"]))

    def restart_postgres(self) -> None:
        log = str(self.workdir / "pg.log")
        run(as_postgres([*self.pg_ctl, "-o", self.pg_options, "-m", "fast", "-l", log, "restart"]))

    def start_redis(self) -> None:
        """A private Redis without persistence: stopped and started again mid-load."""
        self.redis = subprocess.Popen(
            ["redis-server", "--port", str(self.args.redis_port), "--bind", "127.0.0.1"]
            + ["--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            start_new_session=True,
        )

    def stop_redis(self) -> None:
        subprocess.run(
            ["redis-cli", "-p", str(self.args.redis_port), "shutdown", "nosave"],
            capture_output=True,
        )
        self.redis.wait(timeout=10)

    def seed(self) -> None:
        """Migrates, collects static files and seeds the catalog and the clients' tokens."""
        run([*self.manage, "migrate", "--no-input", "-v0"], env=self.env)
        run([*self.manage, "collectstatic", "--no-input", "-v0"], env=self.env)
        self.rabbit.await_startup()
        seeded = run(
            [
                *self.manage,
                "shell",
                "-c",
                SEED % {"stock": INITIAL_STOCK, "clients": self.args.clients},
            ],
            env=self.env,
        )
        self.setup = json.loads(re.search(r"FAULTS=(.*)", seeded).group(1))

    def start_server(self) -> None:
        server_log = open(self.workdir / "gunicorn.log", "ab")  # noqa: SIM115 - removed with workdir
        self.server = subprocess.Popen(
            [PYTHON, "-m", "gunicorn", "nexus.wsgi:application", "--workers", "2"]
            + ["--bind", f"127.0.0.1:{self.args.port}", "--log-level", "error"]
            + ["--timeout", "30"],
            cwd=REPOSITORY,
            env=self.env,
            start_new_session=True,
            stdout=server_log,
            stderr=subprocess.STDOUT,
        )

    def start_worker(self) -> CeleryWorker:
        worker = CeleryWorker(
            env=self.env, repository=REPOSITORY, workdir=self.workdir, number=len(self.workers)
        ).start()
        self.workers.append(worker)
        worker.wait_ready()
        return worker

    def stop(self) -> None:
        """Stops whatever was started and deletes the temporary directory."""
        for process in (self.server, self.redis):
            if process and process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                process.wait(timeout=30)
        for worker in self.workers:
            worker.stop()
        self.rabbit.shutdown()
        if self.pgdata.exists():
            subprocess.run(
                as_postgres([*self.pg_ctl, "-m", "immediate", "stop"]), capture_output=True
            )
        shutil.rmtree(self.workdir, ignore_errors=True)


def healthy_phases(load: Load, backlog: Backlog, args: argparse.Namespace, variant: int) -> dict:
    """Warmup, capacity, then the load paced to a fraction of the capacity; returns the
    capacity and the sustained phase's figures, checked at its end."""
    load.start()
    time.sleep(args.warmup)
    load.phase = "capacity"
    time.sleep(args.capacity_seconds)
    capacity = sum(load.statuses.get("capacity", {}).values()) / args.capacity_seconds
    load.rate = args.load_fraction * capacity
    load.phase = "sustained"
    sustained_from = (time.monotonic(), len(load.placed), len(load.paid))
    time.sleep(args.sustained)
    sustained = {
        "capacity": capacity,
        "seconds": time.monotonic() - sustained_from[0],
        "placed": load.placed[sustained_from[1] :],
        "paid": load.paid[sustained_from[2] :],
    }
    sustained["check"] = backlog.orders_check(sustained["placed"], variant)
    sustained["backlog_left"] = backlog.undelivered(*backlog.high_water())
    load.rate = None
    return sustained


def redis_outage(shop: Shop, load: Load, args: argparse.Namespace) -> None:
    load.phase = "redis"
    shop.stop_redis()
    time.sleep(args.seconds)
    shop.start_redis()


def postgres_restart(shop: Shop, load: Load, args: argparse.Namespace, report: dict) -> None:
    load.phase = "postgres"
    time.sleep(args.seconds / 3)
    restarted = time.monotonic()
    shop.restart_postgres()
    back = time.monotonic()
    time.sleep(args.seconds * 2 / 3)
    after = [t for t, name in load.successes if t > back and name in ("cart", "checkout")]
    report["postgres_restart_seconds"] = round(back - restarted, 2)
    report["recovery_seconds_after_restart"] = round(min(after) - back, 2) if after else None


def rabbitmq_outage(
    shop: Shop, load: Load, backlog: Backlog, args: argparse.Namespace, report: dict
) -> None:
    load.phase = "rabbitmq"
    stopping = time.monotonic()
    shop.rabbit.stop_app()
    report["rabbit_stop_seconds"] = round(time.monotonic() - stopping, 1)
    time.sleep(args.seconds)
    shop.rabbit.start_app()
    # Load goes on while everything recorded during the outage is delivered (timed from
    # the broker's return).
    report["rabbit_backlog_seconds"] = backlog.wait_delivered(
        *backlog.high_water(), seconds=args.settle
    )


def worker_kill(shop: Shop, load: Load, args: argparse.Namespace, report: dict) -> list[str]:
    """SIGKILLs a worker in the middle of a task and starts a new one; returns the ids of
    the tasks it was killed in."""
    load.phase = "worker"
    time.sleep(args.seconds / 3)
    # A task seen in flight may still finish before the kill lands (its log line, written
    # before its acknowledgement, shows it); then it was not killed mid-task, and the
    # replacement is killed in turn, up to three times.
    killed_tasks: list[str] = []
    for _ in range(3):
        victim = shop.workers[-1]
        deadline = time.monotonic() + args.seconds
        while not victim.in_flight() and time.monotonic() < deadline:
            time.sleep(0.01)
        seen = victim.in_flight()
        victim.kill()
        killed_at = time.monotonic()
        shop.start_worker()
        killed_tasks = [task for task in seen if task in victim.in_flight()]
        if killed_tasks:
            break
    report["worker_replaced_seconds"] = round(time.monotonic() - killed_at, 1)
    time.sleep(max(args.seconds * 2 / 3 - (time.monotonic() - killed_at), 0))
    return killed_tasks


def phase_statuses_report(load: Load, workdir: Path) -> bool:
    """Prints the answers of every phase and each error and refusal; returns whether they
    held: no 5xx but the restart's 503s, nothing unavailable or refused outside it."""
    held = True
    for phase, statuses in load.statuses.items():
        total = sum(statuses.values())
        errors = sum(n for status, n in statuses.items() if status >= 500 and status != 503)
        unavailable = statuses.get(503, 0)
        refused = statuses.get(0, 0)
        print(
            f"{phase:9} requests {total:6}  statuses {dict(sorted(statuses.items()))}  "
            f"5xx (not 503) {errors}  503 {unavailable}  refused {refused}"
        )
        if errors or (phase != "postgres" and (unavailable or refused)):
            held = False
    for (phase, step, status), count in sorted(load.errors.items()):
        print(f"  {phase}: {count} x {status} on the {step} step")
    for (phase, step, status, code), count in sorted(load.refusals.items()):
        print(f"  {phase}: {count} x {status} {code} on the {step} step")
    if load.errors:
        # The server's log holds the traceback of every 500 (bench/settings.py).
        print((workdir / "gunicorn.log").read_text(errors="replace")[-6000:])
    return held


def faults_report(
    load: Load,
    args: argparse.Namespace,
    report: dict,
    *,
    killed_tasks: list[str],
    redelivered: list[str],
    check: dict,
    outbox: dict,
    settled: float | None,
) -> bool:
    """Prints the recovery figures and the final invariants; returns whether they held."""
    print(
        f"postgres restart took {report['postgres_restart_seconds']}s; first checkout or "
        f"cart write after it: {report['recovery_seconds_after_restart']}s later; 503s "
        f"answered in p50/max "
        + (
            f"{percentile(load.unavailable_seconds, 0.5) * 1000:.0f}/"
            f"{max(load.unavailable_seconds) * 1000:.0f} ms"
            if load.unavailable_seconds
            else "- (none)"
        )
        + f", by step {dict(sorted(load.unavailable_steps.items()))}, not in the "
        f"shop's 503 shape {dict(load.unavailable_misshaped)}"
    )
    print(
        f"rabbitmq stopped for {args.seconds:.0f}s (stop took "
        f"{report['rabbit_stop_seconds']}s); everything recorded until it was back "
        f"was delivered {report['rabbit_backlog_seconds']}s after it returned"
    )
    print(
        f"worker SIGKILLed with {len(killed_tasks)} task(s) in flight "
        f"{killed_tasks}; redelivered to the new worker: {len(redelivered)}; "
        f"new worker ready {report['worker_replaced_seconds']}s later"
    )
    print(
        f"checkouts placed (201) {check['placed']}, found in the database "
        f"{check['found']}; units ordered {check['ordered']}, stock taken {check['taken']}; "
        f"half-written orders {check['half_written']}"
    )
    print(
        f"payments answered 201 {outbox['paid_answers']}, orders not paid after the "
        f"worker caught up {outbox['not_paid']}; paid orders without a confirmation "
        f"{outbox['unannounced']}"
    )
    # An e-mail is handed to the mail server before the delivering transaction commits
    # (docs/RELIABILITY.md): a task killed mid-task, or a commit lost to the PostgreSQL
    # restart, may send its e-mail again on redelivery, under the same Message-ID (checked
    # below). One such resend per task killed in flight and one for the restart are allowed.
    resends_allowed = len(killed_tasks) + 1
    print(
        f"outbox messages {outbox['messages']} {outbox['statuses']}; e-mails written "
        f"{outbox['emails']}: lost {outbox['lost']}, sent twice {outbox['duplicates']} "
        f"{outbox['sent_twice']} (same Message-ID resends allowed: {resends_allowed}), "
        f"ledger mismatches {outbox['ledger_mismatch']}, Message-ID mismatches "
        f"{outbox['message_id_mismatch']}; worker caught up: "
        f"{'yes' if settled is not None else 'NO'}"
    )
    caught_up = report["rabbit_backlog_seconds"]
    return not (
        check["placed"] != check["found"]
        or check["ordered"] != check["taken"]
        or check["half_written"]
        or load.unavailable_misshaped
        or settled is None
        or caught_up is None
        or not killed_tasks
        or len(redelivered) != len(killed_tasks)
        or outbox["not_paid"]
        or outbox["unannounced"]
        or outbox["lost"]
        or outbox["duplicates"] > resends_allowed
        or outbox["ledger_mismatch"]
        or outbox["message_id_mismatch"]
    )


def main() -> int:
    args = arguments()
    require_programs()
    shop = Shop(args)
    backlog = Backlog(args.pg_port)
    started_at = time.monotonic()
    try:
        shop.start()
        print(f"services up in {time.monotonic() - started_at:.0f}s; load…", flush=True)
        load = Load(shop.base, shop.setup, args.clients)
        variant = shop.setup["variant"]
        report = {}
        sustained = healthy_phases(load, backlog, args, variant)
        redis_outage(shop, load, args)
        postgres_restart(shop, load, args, report)
        rabbitmq_outage(shop, load, backlog, args, report)
        replacements = len(shop.workers)
        killed_tasks = worker_kill(shop, load, args, report)
        load.finish()

        # Everything, not only what was recorded by now: the worker's handling of a payment
        # event records that order's e-mails, after the load has stopped.
        everything = 2**63 - 1
        settled = backlog.wait_delivered(everything, everything, seconds=args.settle)
        received_after = set().union(
            *(worker.received_ids() for worker in shop.workers[replacements:])
        )
        redelivered = [task for task in killed_tasks if task in received_after]
        check = backlog.orders_check(load.placed, variant)
        outbox = outbox_check(backlog, load.paid, shop.mail_dir)

        held = sustained_report(
            load,
            capacity=sustained["capacity"],
            load_fraction=args.load_fraction,
            seconds=sustained["seconds"],
            check=sustained["check"],
            backlog_left=sustained["backlog_left"],
            paid=len(sustained["paid"]),
            not_paid=backlog.not_paid(sustained["paid"]),
        )
        held = phase_statuses_report(load, shop.workdir) and held
        held = (
            faults_report(
                load,
                args,
                report,
                killed_tasks=killed_tasks,
                redelivered=redelivered,
                check=check,
                outbox=outbox,
                settled=settled,
            )
            and held
        )
        if settled is None or report["rabbit_backlog_seconds"] is None:
            for worker in shop.workers:
                print(f"--- {worker.log_path.name}")
                print(worker.log_path.read_text(errors="replace")[-4000:])
        print(f"total {time.monotonic() - started_at:.0f}s")
        print("RESULT:", "OK" if held else "FAIL")
        return 0 if held else 1
    finally:
        shop.stop()


if __name__ == "__main__":
    sys.exit(main())
