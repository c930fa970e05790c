"""Load benchmark: Nexus under gunicorn on PostgreSQL and Redis, every figure as a ratio to a
bare Django view measured in the same run.

    .venv/bin/python bench/load.py --products 1000

What it does, in order:

1. creates a throw-away PostgreSQL database next to the one DATABASE_URL names (its name plus
   `_bench`), migrates it, seeds the demo shop with `seed_demo --products N`, collects static
   files, and makes a logged-in shopper with a cart (a session cookie and a JWT);
2. starts gunicorn (2 sync workers, as deployed, unless `--workers`/`--threads` say otherwise:
   one server for the ceiling and every figure alike) on loopback with production settings
   (`bench/settings.py`: production plus the bench URLconf holding the bare view), Redis from
   REDIS_URL under a key prefix of its own, persistent database connections as production
   configures them;
3. checks every URL answers 200 (and that the cached ones are served from the page cache);
4. drives each URL with wrk for `--seconds`, the ceiling first, `--repetitions` times
   (interleaved, so drift hits every figure alike; between figures it waits until the server
   has answered what wrk left queued), and reads the peak RSS of each worker;
5. runs the checkout figure after each repetition's figures: 32 shoppers (a thread and a JWT
   each, as after one login) loop "add one unit of one of 10 hot variants to the cart, check
   out with a new Idempotency-Key" through the DRF API for `--seconds`; then every shopper puts
   one of the last 20 units of another variant in the cart and all check out at once; finally
   the database is checked: one order per checkout answered 201, units taken from stock equal
   to units ordered, nothing below zero (the checkout throttle is lifted for the run);
6. prints each figure as a ratio to the ceiling (median and spread over the repetitions), its
   requests/s and p50 latency, the machine and the settings, and writes the same report to
   `bench/results/<date>.md` (`--output` to choose another file, `--no-write` for none).

Needs PostgreSQL (DATABASE_URL), Redis (REDIS_URL) and wrk (Debian: apt-get install -y wrk).
A tiny run (`--products 24 --seconds 2 --repetitions 1 --no-write`) is part of CI.
"""

import argparse
import datetime
import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
RESULTS = REPOSITORY / "bench" / "results"

# The checkout figure: shoppers, hot variants (each far more in stock than a run can sell) and
# the units of the variant whose last units every shopper tries to buy at once.
CHECKOUT_SHOPPERS = 32
HOT_VARIANTS = 10
HOT_STOCK = 1_000_000
LAST_UNITS = 20

# Run inside the seeded database (manage.py shell): picks what the figures load and prints it
# as one JSON line.
SETUP = r"""
import json
from django.db.models import Count
from django.test import Client
from rest_framework_simplejwt.tokens import AccessToken
from accounts.models import User
from catalog.models import CategoryPage, ProductPage
from commerce import cart as cart_services

category = (
    CategoryPage.objects.live().annotate(n=Count("products")).filter(n__gt=0).order_by("-n", "pk")
    .first()
)
products = list(category.products.live().order_by("-pk")[:3])
product = products[0]
shopper = User.objects.get(email="shopper@nexus.localhost")
cart = cart_services.cart_for_user(user=shopper)
cart_services.cart_clear(cart=cart)
for item in products:
    variant = next(
        (v for v in item.variants.all() if getattr(getattr(v, "stock", None), "quantity", 0) > 0),
        None,
    )
    if variant is not None:
        cart_services.cart_line_add(cart=cart, variant_id=variant.pk, quantity=1)
client = Client()
client.force_login(shopper)
# The checkout figure: shoppers of their own (a token each, as after one login), the hot
# variants restocked far beyond what a run can sell, and one variant with the last units.
buyers = [
    User.objects.get_or_create(email=f"bench-buyer-{number}@nexus.localhost")[0]
    for number in range(CHECKOUT_SHOPPERS)
]
purchasable = list(
    ProductVariant.objects.filter(
        page__live=True, page__vendor__status="active", is_archived=False
    ).order_by("pk").values_list("pk", flat=True)[: HOT_VARIANTS + 1]
)
for variant_id in purchasable[:HOT_VARIANTS]:
    inventory.stock_set(variant_id=variant_id, quantity=HOT_STOCK)
inventory.stock_set(variant_id=purchasable[HOT_VARIANTS], quantity=LAST_UNITS)
print("BENCH=" + json.dumps({
    "product_path": product.url,
    "category_path": category.url,
    "category_products": category.n,
    "search_word": product.title.split()[1].lower(),
    "session_cookie": f"sessionid={client.cookies['sessionid'].value}",
    "access_token": str(AccessToken.for_user(shopper)),
    "cart_lines": cart.lines.count(),
    "live_products": ProductPage.objects.live().count(),
    "buyer_tokens": [str(AccessToken.for_user(buyer)) for buyer in buyers],
    "hot_variants": purchasable[:HOT_VARIANTS],
    "last_units_variant": purchasable[HOT_VARIANTS],
}))
"""
SETUP = (
    f"CHECKOUT_SHOPPERS, HOT_VARIANTS = {CHECKOUT_SHOPPERS}, {HOT_VARIANTS}\n"
    f"HOT_STOCK, LAST_UNITS = {HOT_STOCK}, {LAST_UNITS}\n"
    "from catalog import inventory\nfrom catalog.models import ProductVariant\n"
) + SETUP

# Run inside the seeded database after the run: what the checkouts did to stock and orders.
CHECK = r"""
import json
from django.db.models import Sum
from catalog.models import Stock
from commerce.models import Order, OrderLine
variants = HOT + [LAST]
buyers = Order.objects.filter(user__email__startswith="bench-buyer-")
units = dict(
    OrderLine.objects.filter(order__in=buyers, variant_id__in=variants)
    .values_list("variant_id").annotate(Sum("quantity"))
)
stock = dict(Stock.objects.filter(variant_id__in=variants).values_list("variant_id", "quantity"))
print("CHECK=" + json.dumps({
    "orders": buyers.count(),
    "hot_units_ordered": sum(units.get(v, 0) for v in HOT),
    "hot_units_taken": sum(HOT_STOCK - stock[v] for v in HOT),
    "last_units_ordered": units.get(LAST, 0),
    "last_units_left": stock[LAST],
    "negative_stock_rows": Stock.objects.filter(quantity__lt=0).count(),
}))
"""
ADDRESS = {
    "full_name": "Load Tester",
    "line1": "1 Loopback Lane",
    "city": "Lyon",
    "postal_code": "69001",
    "country": "FR",
}


@dataclass
class Figure:
    key: str
    label: str
    path: str
    headers: dict[str, str] = field(default_factory=dict)
    expect_cache: str | None = None  # "hit": must be served from the page cache
    target: float | None = None  # ratio to the ceiling the issue asks for
    rates: list[float] = field(default_factory=list)
    p50s: list[float] = field(default_factory=list)
    ratios: list[float] = field(default_factory=list)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def run(command, **kwargs) -> str:
    return subprocess.run(command, check=True, capture_output=True, text=True, **kwargs).stdout


def wrk(url: str, headers: dict[str, str], *, seconds: int, connections: int):
    """(requests/s, p50 latency in ms) of `url`; fails on any non-2xx/3xx response or error."""
    command = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--timeout", "30s", "--latency"]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    output = run([*command, url], timeout=seconds + 60)
    for pattern in (r"Non-2xx or 3xx responses: (\d+)", r"Socket errors: (.*)"):
        problem = re.search(pattern, output)
        if problem:
            raise SystemExit(f"{url}: {problem.group(0)}\n{output}")
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    value, unit = re.search(r"50%\s+([\d.]+)(us|ms|s)", output).groups()
    p50 = float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]
    return rate, p50


def fetch(url: str, headers: dict[str, str], *, method: str = "GET", body=None):
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        headers = {**headers, "Content-Type": "application/json"}
    request = urllib.request.Request(url, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def drain(base: str) -> None:
    """Wait until the requests wrk left queued at the server are answered, so they do not eat
    into the next figure's time: a request to the bare view waits behind them."""
    for _ in range(3):
        fetch(base + "/bench/bare/", {})


class Checkouts:
    """Shoppers (one thread and one JWT each) that loop "add one unit of a hot variant to the
    cart, check out with a new Idempotency-Key" as fast as they are answered; counts answers
    by status and the checkouts placed (201)."""

    def __init__(self, base: str, tokens: list[str], variants: list[int]):
        self.base, self.tokens, self.variants = base, tokens, variants
        self.lock = threading.Lock()
        self.statuses: Counter = Counter()
        self.placed = 0

    def _post(self, token: str, path: str, body: dict, headers=None) -> int:
        try:
            status, _headers, _body = fetch(
                self.base + path,
                {"Authorization": f"Bearer {token}", **(headers or {})},
                method="POST",
                body=body,
            )
        except OSError:
            status = 0  # no answer (connection refused or reset): counted, never a checkout
        with self.lock:
            self.statuses[status] += 1
        return status

    def checkout(self, token: str, variant: int) -> int:
        """Cart add then checkout; the checkout's status (or the cart add's if it failed)."""
        status = self._post(token, "/api/v1/cart/lines/", {"variant": variant, "quantity": 1})
        if status != 201:
            return status
        status = self._post(
            token,
            "/api/v1/checkout/",
            {"shipping_address": ADDRESS},
            {"Idempotency-Key": uuid.uuid4().hex},
        )
        if status == 201:
            with self.lock:
                self.placed += 1
        return status

    def run(self, seconds: float) -> float:
        """Checkouts placed per second over `seconds` of load."""
        stop = threading.Event()

        def shopper(number: int) -> None:
            turn = number
            while not stop.is_set():
                self.checkout(self.tokens[number], self.variants[turn % len(self.variants)])
                turn += 1

        threads = [
            threading.Thread(target=shopper, args=(number,), daemon=True)
            for number in range(len(self.tokens))
        ]
        placed_before, started = self.placed, time.monotonic()
        for thread in threads:
            thread.start()
        time.sleep(seconds)
        stop.set()
        for thread in threads:
            thread.join(timeout=60)
        return (self.placed - placed_before) / (time.monotonic() - started)

    def last_units(self, variant: int) -> Counter:
        """Every shopper puts one of the last units in an emptied cart, then all check out at
        once: the checkouts' statuses."""
        for token in self.tokens:
            fetch(
                self.base + "/api/v1/cart/", {"Authorization": f"Bearer {token}"}, method="DELETE"
            )
            if self._post(token, "/api/v1/cart/lines/", {"variant": variant}) != 201:
                raise SystemExit("a shopper could not put one of the last units in the cart")
        barrier = threading.Barrier(len(self.tokens))
        outcomes: Counter = Counter()

        def shopper(token: str) -> None:
            barrier.wait()
            status = self._post(
                token,
                "/api/v1/checkout/",
                {"shipping_address": ADDRESS},
                {"Idempotency-Key": uuid.uuid4().hex},
            )
            with self.lock:
                outcomes[status] += 1

        threads = [threading.Thread(target=shopper, args=(token,)) for token in self.tokens]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        return outcomes


def bench_database_url(url: str) -> tuple[str, str, str]:
    """(bench database URL, its name, URL of the server's maintenance database)."""
    parts = urllib.parse.urlsplit(url)
    if not parts.scheme.startswith("postgres"):
        raise SystemExit("DATABASE_URL must name a PostgreSQL database (postgres://…)")
    name = parts.path.lstrip("/") + "_bench"
    return (
        urllib.parse.urlunsplit(parts._replace(path="/" + name)),
        name,
        urllib.parse.urlunsplit(parts._replace(path="/postgres")),
    )


def clean_up(manage: list, env: dict, workdir: Path, maintenance_url: str, name: str) -> None:
    """Empties the bench's cache keys, removes its files and drops its database; a failure to
    drop is printed, never raised, so that it cannot hide the run's own outcome."""
    subprocess.run(
        [*manage, "shell", "-c", "from django.core.cache import cache; cache.delete_pattern('*')"],
        env=env,
        capture_output=True,
    )
    shutil.rmtree(workdir, ignore_errors=True)
    try:
        recreate_database(maintenance_url, name, create=False)
    except Exception as error:  # noqa: BLE001 - cleanup must not hide the real outcome
        print(f"could not drop the bench database: {error}", file=sys.stderr)


def recreate_database(maintenance_url: str, name: str, *, create: bool = True) -> None:
    import psycopg2

    connection = psycopg2.connect(maintenance_url)
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if create:
            cursor.execute(f'CREATE DATABASE "{name}"')
    connection.close()


def worker_peak_rss_mb(master_pid: int) -> list[float]:
    """Peak resident memory (VmHWM) of each gunicorn worker, in MB."""
    children = Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split()
    peaks = []
    for pid in children:
        status = Path(f"/proc/{pid}/status").read_text()
        peaks.append(int(re.search(r"VmHWM:\s+(\d+) kB", status).group(1)) / 1024)
    return peaks


def machine() -> dict[str, str]:
    cpuinfo = Path("/proc/cpuinfo").read_text() if Path("/proc/cpuinfo").exists() else ""
    model = re.search(r"model name\s*:\s*(.*)", cpuinfo)
    versions = run(
        [
            PYTHON,
            "-c",
            "import django, wagtail, gunicorn; "
            "print(django.__version__, wagtail.__version__, gunicorn.__version__)",
        ]
    ).split()
    wrk_version = subprocess.run(["wrk", "-v"], capture_output=True, text=True)
    return {
        "cpu": f"{model.group(1) if model else platform.processor()} ({os.cpu_count()} cores "
        f"visible, load average {os.getloadavg()[0]:.1f} at the start",
        "system": f"{platform.system()} {platform.release()}, Python {platform.python_version()}",
        "software": f"Django {versions[0]}, Wagtail {versions[1]}, gunicorn {versions[2]}, "
        + (wrk_version.stdout or wrk_version.stderr).split("[")[0].strip(),
    }


def spread(values: list[float]) -> str:
    return f"{min(values):.3f}–{max(values):.3f}" if len(values) > 1 else "–"


def checkout_lines(checkouts: dict, ceiling_rates: list[float]) -> list[str]:
    rates = checkouts["rates"]
    rate = statistics.median(rates)
    ratios = [r / c for r, c in zip(rates, ceiling_rates, strict=True)]
    check, last = checkouts["check"], checkouts["last_units"]
    server_errors = sum(n for status, n in checkouts["statuses"].items() if int(status) >= 500)
    oversold = (
        check["orders"] != checkouts["placed"] + last.get(201, 0)
        or check["negative_stock_rows"] != 0
        or check["hot_units_taken"] != check["hot_units_ordered"]
        or check["last_units_ordered"] + check["last_units_left"] != LAST_UNITS
        or check["last_units_ordered"] > LAST_UNITS
    )
    return [
        "",
        f"Checkouts: {CHECKOUT_SHOPPERS} shoppers (a thread and a JWT each) on {HOT_VARIANTS} hot "
        "variants, each looping cart add + checkout (Idempotency-Key) through the DRF API, "
        f"{len(rates)} runs as long as a figure's, one per repetition after its figures:",
        "",
        "| figure | median | spread | target | ratio to ceiling (requests/s), median |",
        "| --- | --- | --- | --- | --- |",
        f"| checkouts/s | {rate:.1f} | "
        f"{min(rates):.1f}–{max(rates):.1f} | >= 100 {'met' if rate >= 100 else 'NOT met'} "
        f"| {statistics.median(ratios):.3f} |",
        "",
        "- answers by status (cart adds and checkouts): "
        + ", ".join(f"{status}: {n}" for status, n in sorted(checkouts["statuses"].items()))
        + f"; 5xx: {server_errors} ({'none' if not server_errors else 'NOT zero'})",
        f"- orders in the database {check['orders']}, checkouts answered 201 "
        f"{checkouts['placed'] + last.get(201, 0)} (warm-up and last units included); hot "
        "variants: units taken from stock "
        f"{check['hot_units_taken']}, units ordered {check['hot_units_ordered']}",
        f"- last units: {LAST_UNITS} in stock, {CHECKOUT_SHOPPERS} shoppers checking out at once: "
        + ", ".join(f"{status}: {n}" for status, n in sorted(last.items()))
        + f"; ordered {check['last_units_ordered']}, left {check['last_units_left']}; "
        f"rows below zero {check['negative_stock_rows']}",
        f"- oversell: {'NONE' if not oversold else 'FOUND'}",
    ]


def report(figures, *, args, info, setup, rss, started, checkouts) -> str:
    ceiling = figures[0]
    lines = [
        f"# Load benchmark, {started:%Y-%m-%d %H:%M} UTC",
        "",
        f"Command: `.venv/bin/python bench/load.py {' '.join(sys.argv[1:])}`".replace("  ", " "),
        "",
        f"- machine: {info['cpu']}, {os.getloadavg()[0]:.1f} at the end); {info['system']}",
        f"- software: {info['software']}",
        f"- server: gunicorn, {server_config(args)}, production settings (`bench/settings.py`), "
        f"PostgreSQL and Redis on loopback, CONN_MAX_AGE={os.environ.get('CONN_MAX_AGE', '60')}",
        f"- load: wrk, 1 thread, {args.connections} connections, {args.seconds}s per figure, "
        f"{args.repetitions} repetitions (interleaved)",
        f"- catalog: {setup['live_products']} live products; category page lists "
        f"{setup['category_products']} products (24 per page); the shopper's cart has "
        f"{setup['cart_lines']} lines",
        f"- ceiling (bare view): median {statistics.median(ceiling.rates):.0f} requests/s",
        "",
        "| figure | ratio to ceiling, median | spread | target | requests/s | p50 ms |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for figure in figures[1:]:
        ratio = statistics.median(figure.ratios)
        target = (
            "–"
            if figure.target is None
            else (f">= {figure.target} {'met' if ratio >= figure.target else 'NOT met'}")
        )
        lines.append(
            f"| {figure.label} | {ratio:.3f} | {spread(figure.ratios)} | {target} "
            f"| {statistics.median(figure.rates):.0f} | {statistics.median(figure.p50s):.1f} |"
        )
    lines += [
        "",
        "Peak RSS per web worker (VmHWM): "
        + ", ".join(f"{value:.0f} MB" for value in rss)
        + f" (target < 250 MB: {'met' if rss and max(rss) < 250 else 'NOT met'})",
    ]
    lines += checkout_lines(checkouts, ceiling.rates)
    if args.note:
        lines += ["", args.note]
    return "\n".join(lines) + "\n"


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--products", type=int, default=1000, help="generated products to seed")
    parser.add_argument("--seconds", type=int, default=10, help="wrk duration per figure")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--repetitions", type=int, default=3)
    parser.add_argument("--output", type=Path, help="report file (default bench/results/<date>.md)")
    parser.add_argument("--no-write", action="store_true", help="print the report only")
    parser.add_argument("--note", default="", help="a line added to the report")
    parser.add_argument(
        "--workers", type=int, default=2, help="gunicorn workers (the deployment runs 2)"
    )
    parser.add_argument(
        "--threads",
        type=int,
        default=1,
        help="threads per worker: more than 1 runs gthread workers instead of sync ones",
    )
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed (Debian: apt-get install -y wrk)")
    if not os.environ.get("DATABASE_URL") or not os.environ.get("REDIS_URL"):
        raise SystemExit("Set DATABASE_URL (PostgreSQL) and REDIS_URL: the bench runs on both.")
    return args


def bench_environment(database_url: str, workdir: Path) -> dict:
    """The server's and management commands' environment: production settings on the bench
    database, a cache key prefix of the run's own, throttles that never answer 429."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "PYTHONPATH": str(REPOSITORY),
        "DATABASE_URL": database_url,
        "CACHE_KEY_PREFIX": f"nexus-bench-{os.getpid()}",
        "MEDIA_ROOT": str(workdir / "media"),
        "BENCH_STATIC_ROOT": str(workdir / "static"),
        "SECRET_KEY": "bench-" + "x" * 60,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "LOG_LEVEL": "WARNING",
        # Throttles stay on (their cost is part of each request) but never answer 429 here.
        "THROTTLE_ANON_RATE": "100000000/min",
        "THROTTLE_USER_RATE": "100000000/min",
        # 32 shoppers checking out several times a second each: the production 20/min per
        # shopper would cap the figure at about 10/s.
        "THROTTLE_CHECKOUT_RATE": "100000000/min",
        "JWT_ACCESS_MINUTES": "240",
    }
    env.pop("CELERY_BROKER_URL", None)  # side effects of seeding run in-process
    return env


def prepare_database(manage: list, env: dict, args: argparse.Namespace, name: str) -> dict:
    """Migrates and seeds the (new, empty) bench database and collects static files; returns
    the shop's setup: paths, the shopper's session and tokens, the checkout variants."""
    for step, command in [
        (f"migrating {name}", ["migrate", "--no-input", "-v0"]),
        (f"seeding {args.products} products", ["seed_demo", "--products", str(args.products)]),
        ("collecting static files", ["collectstatic", "--no-input", "-v0"]),
    ]:
        step_started = time.monotonic()
        print(f"{step}…", end=" ", flush=True)
        run([*manage, *command], env=env)
        print(f"{time.monotonic() - step_started:.0f}s", flush=True)
    setup_output = run([*manage, "shell", "-c", SETUP], env=env)
    return json.loads(re.search(r"BENCH=(.*)", setup_output).group(1))


def server_config(args: argparse.Namespace) -> str:
    kind = f"gthread workers of {args.threads} threads" if args.threads > 1 else "sync workers"
    return f"{args.workers} {kind}"


def start_server(env: dict, args: argparse.Namespace) -> tuple[subprocess.Popen, str]:
    """gunicorn on a free loopback port, answering; returns it and its base URL."""
    port = free_port()
    worker_class = ["gthread", "--threads", str(args.threads)] if args.threads > 1 else ["sync"]
    server = subprocess.Popen(
        [PYTHON, "-m", "gunicorn", "nexus.wsgi:application", "--workers", str(args.workers)]
        + ["--worker-class", *worker_class]
        + ["--bind", f"127.0.0.1:{port}", "--log-level", "warning"],
        cwd=REPOSITORY,
        env=env,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(150):
        try:
            urllib.request.urlopen(base + "/bench/bare/", timeout=1).read()
            return server, base
        except OSError:
            time.sleep(0.2)
    os.killpg(server.pid, signal.SIGTERM)
    server.wait(timeout=30)
    raise SystemExit("gunicorn did not answer")


def bench_figures(setup: dict, session: dict, jwt: dict) -> list[Figure]:
    """The figures, the ceiling first."""
    api_list = "/api/v2/pages/?type=catalog.ProductPage&limit=20&fields=*"
    return [
        Figure("bare", "ceiling: bare view", "/bench/bare/"),
        Figure(
            "product_cached",
            "product page, anonymous (page cache)",
            setup["product_path"],
            expect_cache="hit",
        ),
        Figure(
            "product_session",
            "product page, shopper with a session and a cart",
            setup["product_path"],
            session,
            target=0.15,
        ),
        Figure(
            "category",
            "category page, 24 products, uncached (session)",
            setup["category_path"],
            session,
            target=0.12,
        ),
        Figure(
            "search",
            "search page with a query",
            f"/search/?q={setup['search_word']}",
            target=0.10,
        ),
        Figure(
            "api_uncached",
            "API v2 product list, uncached (session)",
            api_list,
            session,
            target=0.2,
        ),
        Figure(
            "api_cached",
            "API v2 product list, cached",
            api_list,
            expect_cache="hit",
            target=0.5,
        ),
        Figure("cart_jwt", "DRF cart read, logged-in (JWT)", "/api/v1/cart/", jwt, target=0.25),
    ]


def warm_up(base: str, figures: list[Figure], setup: dict, jwt: dict) -> Checkouts:
    """Warms both workers on every figure and checks each answers as it should (200, the page
    cache hit or bypassed, the cart not empty, a checkout per buyer placed); returns the
    checkout figure's shoppers."""
    for figure in figures:
        for _ in range(4):  # warm both workers (connections, templates, renditions)
            status, headers, body = fetch(base + figure.path, figure.headers)
        if status != 200:
            raise SystemExit(f"{figure.path}: HTTP {status}\n{body[:2000]!r}")
        cache_state = headers.get("X-Page-Cache")
        if figure.expect_cache and cache_state != figure.expect_cache:
            raise SystemExit(f"{figure.path}: expected a page cache hit, got {cache_state!r}")
        if figure.headers.get("Cookie") and cache_state is not None:
            raise SystemExit(f"{figure.path}: a personal request went through the page cache")
    if setup["cart_lines"] and b'"lines": []' in fetch(base + "/api/v1/cart/", jwt)[2]:
        raise SystemExit("the shopper's cart read came back empty")
    checkouts = Checkouts(base, setup["buyer_tokens"], setup["hot_variants"])
    for number, token in enumerate(setup["buyer_tokens"]):  # warm up, and check it works
        status = checkouts.checkout(token, setup["hot_variants"][number % HOT_VARIANTS])
        if status != 201:
            raise SystemExit(f"a warm-up checkout answered {status}")
    return checkouts


def measure(
    base: str, figures: list[Figure], checkouts: Checkouts, args: argparse.Namespace
) -> list[float]:
    """Every figure then the checkouts, `args.repetitions` times interleaved; fills each
    figure's rates, p50s and ratios and returns the checkout rates."""
    checkout_rates = []
    for repetition in range(args.repetitions):
        print(f"repetition {repetition + 1}/{args.repetitions}", flush=True)
        for figure in figures:
            rate, p50 = wrk(
                base + figure.path,
                figure.headers,
                seconds=args.seconds,
                connections=args.connections,
            )
            figure.rates.append(rate)
            figure.p50s.append(p50)
            drain(base)
        checkout_rates.append(checkouts.run(args.seconds))
        drain(base)
        if not figures[0].rates[-1]:
            raise SystemExit("the ceiling answered no request: is the machine overloaded?")
        for figure in figures:
            figure.ratios.append(figure.rates[-1] / figures[0].rates[-1])
    return checkout_rates


def stock_check(manage: list, env: dict, setup: dict) -> dict:
    """Orders and stock read back from the database after the checkouts."""
    check_code = (
        f"HOT, LAST, HOT_STOCK = {setup['hot_variants']}, "
        f"{setup['last_units_variant']}, {HOT_STOCK}\n" + CHECK
    )
    output = run([*manage, "shell", "-c", check_code], env=env)
    return json.loads(re.search(r"CHECK=(.*)", output).group(1))


def write_report(text: str, args: argparse.Namespace, started: datetime.datetime) -> None:
    output = args.output or RESULTS / f"{started:%Y-%m-%d}.md"
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text)
    print(
        f"written to {output.relative_to(REPOSITORY) if output.is_relative_to(REPOSITORY) else output}"
    )


def main() -> None:
    args = arguments()
    started = datetime.datetime.now(datetime.UTC)
    info = machine()
    database_url, database_name, maintenance_url = bench_database_url(os.environ["DATABASE_URL"])
    workdir = Path(tempfile.mkdtemp(prefix="nexus-bench-"))
    env = bench_environment(database_url, workdir)
    manage = [PYTHON, str(REPOSITORY / "manage.py")]
    server = None
    try:
        recreate_database(maintenance_url, database_name)
        setup = prepare_database(manage, env, args, database_name)
        server, base = start_server(env, args)
        session = {"Cookie": setup["session_cookie"]}
        jwt = {"Authorization": f"Bearer {setup['access_token']}"}
        figures = bench_figures(setup, session, jwt)
        checkouts = warm_up(base, figures, setup, jwt)
        checkout_rates = measure(base, figures, checkouts, args)
        rss = worker_peak_rss_mb(server.pid)
        last_units = checkouts.last_units(setup["last_units_variant"])
        checkout_report = {
            "rates": checkout_rates,
            "statuses": dict(checkouts.statuses),
            "placed": checkouts.placed,
            "last_units": dict(last_units),
            "check": stock_check(manage, env, setup),
        }
    finally:
        if server is not None:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
        clean_up(manage, env, workdir, maintenance_url, database_name)

    text = report(
        figures,
        args=args,
        info=info,
        setup=setup,
        rss=rss,
        started=started,
        checkouts=checkout_report,
    )
    print()
    print(text)
    if not args.no_write:
        write_report(text, args, started)


if __name__ == "__main__":
    main()
