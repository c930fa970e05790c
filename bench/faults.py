"""Faults under load: Nexus under gunicorn while Redis is stopped and PostgreSQL restarted.

    .venv/bin/python bench/faults.py --seconds 20 --clients 6

Everything runs on loopback, on services of its own, so nothing shared is disturbed:

- a throw-away PostgreSQL cluster (initdb, as the `postgres` user when run as root) on
  --pg-port (18802), deleted at the end;
- a private redis-server on --redis-port (18801);
- gunicorn (2 sync workers, production settings: `bench/settings.py`) on --port (18800);
  Celery runs in-process (no broker: the RabbitMQ phase is not part of this script, see
  docs/RELIABILITY.md).

Each client is a shopper with a JWT that loops: product page (anonymous, page cache), API
product list, add to cart, checkout (Idempotency-Key), pay with the dummy card. Phases, each
--seconds long:

1. steady: mixed load;
2. redis: the private Redis is shut down at the start and started again at the end;
3. postgres: the private cluster is restarted (`pg_ctl restart -m fast`) after a third of the
   phase; the time to the first successful request afterwards is the recovery time.

Printed per phase: requests, answers by status, 5xx other than 503, checkouts placed, and for
PostgreSQL the 503s and the recovery time. At the end the database is checked: every checkout
that got a 201 has its order, and stock taken equals units ordered (orders not cancelled).
Exit status 1 when any 5xx other than a 503 during the PostgreSQL restart was seen or the
database is inconsistent.
"""

import argparse
import json
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
from pathlib import Path

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

CHECK = r"""
import json
from django.db.models import Sum
from catalog.models import Stock
from commerce.models import Order, OrderLine
numbers = json.loads(open(%(numbers)r).read())
found = set(Order.objects.filter(number__in=numbers).values_list("number", flat=True))
ordered = OrderLine.objects.filter(variant_id=%(variant)d).exclude(
    order__status="cancelled").aggregate(n=Sum("quantity"))["n"] or 0
stock = Stock.objects.get(variant_id=%(variant)d).quantity
print("CHECK=" + json.dumps({"placed": len(numbers), "found": len(found), "ordered": ordered,
      "taken": %(stock)d - stock, "orders": Order.objects.count()}))
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


class Load:
    """Client threads looping over the mixed journey; results per phase."""

    def __init__(self, base, setup, clients):
        self.base, self.setup, self.clients = base, setup, clients
        self.phase = "steady"
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.statuses: dict[str, Counter] = {}
        self.placed: list[str] = []
        self.successes: list[tuple[float, str]] = []
        self.errors: Counter = Counter()  # (phase, step, status) of every 5xx but 503

    def record(self, status, name=""):
        with self.lock:
            self.statuses.setdefault(self.phase, Counter())[status] += 1
            if status >= 500 and status != 503:
                self.errors[(self.phase, name, status)] += 1
            if 200 <= status < 400:
                self.successes.append((time.monotonic(), name))

    def journey(self, token):
        base, setup = self.base, self.setup
        while not self.stop.is_set():
            status, _ = request(base, "GET", setup["product_path"])
            self.record(status, "page")
            status, _ = request(base, "GET", "/api/v2/pages/?type=catalog.ProductPage&limit=5")
            self.record(status, "list")
            status, _ = request(base, "POST", "/api/v1/cart/lines/", token=token,
                                body={"variant": setup["variant"], "quantity": 1})
            self.record(status, "cart")
            status, body = request(base, "POST", "/api/v1/checkout/", token=token,
                                   body={"shipping_address": ADDRESS},
                                   headers={"Idempotency-Key": uuid.uuid4().hex})
            self.record(status, "checkout")
            if status == 201:
                number = json.loads(body)["number"]
                with self.lock:
                    self.placed.append(number)
                status, _ = request(base, "POST", f"/api/v1/orders/{number}/payment/",
                                    token=token, body={"card_number": "4242424242424242"})
                self.record(status, "pay")

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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--clients", type=int, default=6)
    parser.add_argument("--port", type=int, default=18800)
    parser.add_argument("--redis-port", type=int, default=18801)
    parser.add_argument("--pg-port", type=int, default=18802)
    args = parser.parse_args()
    for program in ("redis-server", "runuser" if os.geteuid() == 0 else "pg_config"):
        if not shutil.which(program):
            raise SystemExit(f"{program} is not installed")

    workdir = Path(tempfile.mkdtemp(prefix="nexus-faults-"))
    pgdata = workdir / "pgdata"
    os.chmod(workdir, 0o777)
    redis = server = None
    pg_ctl = [str(PG_BIN / "pg_ctl"), "-D", str(pgdata), "-w", "-t", "60"]
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "PYTHONPATH": str(REPOSITORY),
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:{args.pg_port}/nexus_faults",
        "REDIS_URL": f"redis://127.0.0.1:{args.redis_port}/0",
        "MEDIA_ROOT": str(workdir / "media"),
        "BENCH_STATIC_ROOT": str(workdir / "static"),
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
    env.pop("CELERY_BROKER_URL", None)
    manage = [PYTHON, str(REPOSITORY / "manage.py")]
    pg_options = f"-p {args.pg_port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={workdir}"
    try:
        print("private PostgreSQL, Redis…", flush=True)
        run(as_postgres([str(PG_BIN / "initdb"), "-D", str(pgdata), "-U", "postgres",
                         "--auth=trust", "-E", "UTF8"]))
        run(as_postgres([*pg_ctl, "-o", pg_options, "-l", str(workdir / "pg.log"), "start"]))
        run(as_postgres([str(PG_BIN / "createdb"), "-h", "127.0.0.1", "-p", str(args.pg_port),
                         "-U", "postgres", "nexus_faults"]))
        redis = subprocess.Popen(
            ["redis-server", "--port", str(args.redis_port), "--bind", "127.0.0.1",
             "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL, start_new_session=True,
        )
        print("migrating, seeding, collecting static files…", flush=True)
        run([*manage, "migrate", "--no-input", "-v0"], env=env)
        run([*manage, "collectstatic", "--no-input", "-v0"], env=env)
        seeded = run([*manage, "shell", "-c",
                      SEED % {"stock": INITIAL_STOCK, "clients": args.clients}], env=env)
        setup = json.loads(re.search(r"FAULTS=(.*)", seeded).group(1))

        server = subprocess.Popen(
            [PYTHON, "-m", "gunicorn", "nexus.wsgi:application", "--workers", "2",
             "--bind", f"127.0.0.1:{args.port}", "--log-level", "error", "--timeout", "30"],
            cwd=REPOSITORY, env=env, start_new_session=True,
            stdout=subprocess.DEVNULL,  # e-mails go to the console backend
        )
        base = f"http://127.0.0.1:{args.port}"
        wait_for(lambda: request(base, "GET", "/healthz")[0] in (200, 503), 60, "gunicorn")

        load = Load(base, setup, args.clients)
        report = {}
        load.start()
        time.sleep(args.seconds)

        load.phase = "redis"
        subprocess.run(["redis-cli", "-p", str(args.redis_port), "shutdown", "nosave"],
                       capture_output=True)
        redis.wait(timeout=10)
        time.sleep(args.seconds)
        redis = subprocess.Popen(
            ["redis-server", "--port", str(args.redis_port), "--bind", "127.0.0.1",
             "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL, start_new_session=True,
        )

        load.phase = "postgres"
        time.sleep(args.seconds / 3)
        restarted = time.monotonic()
        run(as_postgres([*pg_ctl, "-o", pg_options, "-m", "fast", "-l",
                         str(workdir / "pg.log"), "restart"]))
        back = time.monotonic()
        time.sleep(args.seconds * 2 / 3)
        load.finish()
        after = [t for t, name in load.successes if t > back and name in ("cart", "checkout")]
        report["postgres_restart_seconds"] = round(back - restarted, 2)
        report["recovery_seconds_after_restart"] = (
            round(min(after) - back, 2) if after else None
        )

        numbers_file = workdir / "numbers.json"
        numbers_file.write_text(json.dumps(load.placed))
        checked = run([*manage, "shell", "-c", CHECK % {
            "numbers": str(numbers_file), "variant": setup["variant"], "stock": INITIAL_STOCK,
        }], env=env)
        check = json.loads(re.search(r"CHECK=(.*)", checked).group(1))

        failed = False
        for phase, statuses in load.statuses.items():
            total = sum(statuses.values())
            errors = sum(n for status, n in statuses.items() if status >= 500 and status != 503)
            unavailable = statuses.get(503, 0)
            refused = statuses.get(0, 0)
            print(f"{phase:9} requests {total:6}  statuses {dict(sorted(statuses.items()))}  "
                  f"5xx (not 503) {errors}  503 {unavailable}  refused {refused}")
            if errors or (phase != "postgres" and (unavailable or refused)):
                failed = True
        for (phase, step, status), count in sorted(load.errors.items()):
            print(f"  {phase}: {count} x {status} on the {step} step")
        print(f"postgres restart took {report['postgres_restart_seconds']}s; first checkout or "
              f"cart write after it: {report['recovery_seconds_after_restart']}s later")
        print(f"checkouts placed (201) {check['placed']}, found in the database "
              f"{check['found']}; units ordered {check['ordered']}, stock taken {check['taken']}")
        if check["placed"] != check["found"] or check["ordered"] != check["taken"]:
            failed = True
        print("RESULT:", "FAIL" if failed else "OK")
        return 1 if failed else 0
    finally:
        for process in (server, redis):
            if process and process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                process.wait(timeout=30)
        if pgdata.exists():
            subprocess.run(as_postgres([*pg_ctl, "-m", "immediate", "stop"]), capture_output=True)
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
