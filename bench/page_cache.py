"""Benchmark: the anonymous page cache against the ceiling of a bare Django view.

Builds a throw-away database (SQLite in a temporary directory, or DATABASE_URL if set) with a
product page, starts gunicorn (2 sync workers) on loopback, and loads it with wrk from a second
process, each URL for the same bounded time, in one run:

- bare:     a view returning a fixed string through the full middleware stack (the ceiling)
- cached:   an anonymous GET of the product page, served from the page cache
- uncached: the same page with a query string, which the cache never serves (full render)

Prints requests/s and each as a ratio to the bare view. Uses Redis for the cache when
REDIS_URL is set (what production runs), the local-memory cache otherwise.

    .venv/bin/python bench/page_cache.py [--seconds 10] [--connections 8]

Needs wrk (Debian: apt-get install -y wrk).
"""

import argparse
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parent.parent
PYTHON = sys.executable

SETUP = """
from decimal import Decimal
from home.services import site_tree_ensure
from accounts.tests.factories import UserFactory
from vendors.services import vendor_onboard
from catalog.tests.factories import make_category, make_product
site_tree_ensure(hostname="127.0.0.1", port=80)
owner = UserFactory(email="owner@bench.example.com")
vendor = vendor_onboard(name="Bench Goods", contact_email="shop@bench.example.com", owner=owner)
category = make_category(title="Bench Category")
product = make_product(
    vendor=vendor, title="Bench Mug", price="12.50", categories=[category],
    variants=[{"sku": f"BENCH-{size}", "options": {"size": size}} for size in "SML"],
    stock=[10, 3, 0],
)
print("PRODUCT_URL=" + product.url)
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wrk(url: str, *, seconds: int, connections: int) -> float:
    output = subprocess.run(
        ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", url],
        capture_output=True,
        text=True,
        check=True,
        timeout=seconds + 30,
    ).stdout
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if errors:
        raise SystemExit(f"{url}: {errors.group(1)} error responses\n{output}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=8)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed (Debian: apt-get install -y wrk)")

    workdir = Path(tempfile.mkdtemp(prefix="nexus-bench-"))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.page_cache_site",
        "PYTHONPATH": str(REPOSITORY),
        "MEDIA_ROOT": str(workdir / "media"),
        "CONN_MAX_AGE": "60",
        "PAGE_CACHE_SECONDS": "600",
        "CACHE_KEY_PREFIX": f"nexus-bench-{os.getpid()}",
        "LOG_LEVEL": "WARNING",
    }
    env.setdefault("DATABASE_URL", f"sqlite:///{workdir / 'bench.sqlite3'}")
    env.pop("CELERY_BROKER_URL", None)  # side effects of the setup run in-process
    manage = [PYTHON, str(REPOSITORY / "manage.py")]
    subprocess.run([*manage, "migrate", "--no-input", "-v0"], env=env, check=True)
    setup = subprocess.run(
        [*manage, "shell", "-c", SETUP], env=env, check=True, capture_output=True, text=True
    ).stdout
    product_path = re.search(r"PRODUCT_URL=(\S+)", setup).group(1)

    port = free_port()
    server = subprocess.Popen(
        [
            PYTHON,
            "-m",
            "gunicorn",
            "nexus.wsgi:application",
            "--workers",
            "2",
            "--worker-class",
            "sync",
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        cwd=REPOSITORY,
        env={**env, "DJANGO_SETTINGS_MODULE": "bench.page_cache_site"},
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/bench/bare/", timeout=1).read()
                break
            except OSError:
                time.sleep(0.2)
        cached_url = base + product_path
        uncached_url = cached_url + "?uncached=1"
        # Warm both workers' caches and connections; check what the cache does.
        for _ in range(4):
            with urllib.request.urlopen(cached_url, timeout=10) as response:
                state = response.headers.get("X-Page-Cache")
        if state != "hit":
            raise SystemExit(f"expected a cache hit for {cached_url}, got {state!r}")
        with urllib.request.urlopen(uncached_url, timeout=10) as response:
            if response.headers.get("X-Page-Cache") is not None:
                raise SystemExit("the uncached URL went through the cache")

        results = {}
        for name, url in [
            ("bare", base + "/bench/bare/"),
            ("cached", cached_url),
            ("uncached", uncached_url),
        ]:
            results[name] = wrk(url, seconds=args.seconds, connections=args.connections)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        shutil.rmtree(workdir, ignore_errors=True)

    cache = "Redis" if env.get("REDIS_URL") else "local memory"
    database = env["DATABASE_URL"].split(":", 1)[0]
    print(
        f"gunicorn 2 sync workers, wrk 1 thread {args.connections} connections "
        f"{args.seconds}s per URL, cache: {cache}, database: {database}"
    )
    print(f"{'':<26}{'requests/s':>12}{'vs bare':>10}")
    for name, label in [
        ("bare", "bare Django view"),
        ("cached", "product page, cached"),
        ("uncached", "product page, uncached"),
    ]:
        print(f"{label:<26}{results[name]:>12.0f}{results[name] / results['bare']:>10.1%}")
    target = results["cached"] / results["bare"]
    print(f"target: cached >= 50% of bare -> {'met' if target >= 0.5 else 'NOT met'}")


if __name__ == "__main__":
    main()
