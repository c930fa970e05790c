"""Scale benchmark: list, filter and search latency (p50) as the catalog grows, measured in one
run, with the seeding time of each size and PostgreSQL's plan of each figure's slowest query.

    .venv/bin/python bench/scale.py --sizes 1000 100000

What it does, in order:

1. creates a throw-away PostgreSQL database next to the one DATABASE_URL names (its name plus
   `_scale`), migrates it and seeds the demo shop with `seed_demo --products N` for the first
   size (the bulk service `catalog.services.products`), timing the seeding, then vacuums and
   analyses it (`VACUUM ANALYZE`), as autovacuum does on a server after a bulk load: the
   seeding's updates leave dead rows that every scan would otherwise step over;
2. in one process with production settings (`bench/settings.py`) and the page cache off (so
   every request reads the database: the figures are those of the queries, not of the cache),
   requests each figure `--runs` times through Django's test client and takes the median:
   the busiest category page (list, second page), the same page filtered (in stock, a price
   ceiling, price ordering), a search for a word of the generated titles, and the API v2
   product list and the GraphQL products connection filtered the same way; `EXPLAIN ANALYZE`
   of each figure's slowest query is kept, and any sequential scan on a table of the catalog
   is reported;
3. grows the catalog to the next size with the same command (generated products are added,
   the same categories fill up), times it, and measures again;
4. prints each figure's p50 per size, the ratio of the largest to the smallest (the target is
   within 2x), the seeding times and the plans, and writes the same report to
   `bench/results/<date>-scale.md` (`--output` to choose another file, `--no-write` for none).

Needs PostgreSQL (DATABASE_URL) and Redis (REDIS_URL).
"""

import argparse
import datetime
import json
import os
import re
import sys
import tempfile
import time
from pathlib import Path

from load import (
    PYTHON,
    REPOSITORY,
    RESULTS,
    bench_database_url,
    clean_up,
    machine,
    recreate_database,
    run,
)

# Run inside the seeded database (manage.py shell) with FIGURES set: times each figure and
# prints the medians, query counts and the plan of each figure's slowest query as one JSON line.
MEASURE = r"""
import json, statistics, time
from urllib.parse import urlencode
from django.conf import settings
from django.db import connection
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext
from catalog.models import CategoryPage, ProductPage

settings.PAGE_CACHE_SECONDS = 0
settings.ALLOWED_HOSTS = ["*"]
category = CategoryPage.objects.get(pk=CATEGORY_ID) if CATEGORY_ID else (
    CategoryPage.objects.live().annotate(n=Count("products")).order_by("-n", "pk").first()
)
figures = {
    "list: category page 2 (24 a page)": f"{category.url}?page=2",
    "filter: category, in stock, price <= 60, by price": (
        f"{category.url}?in_stock=on&price_max=60&ordering=price_asc"
    ),
    "API v2 list, filtered": (
        f"/api/v2/pages/?type=catalog.ProductPage&limit=20&in_stock=true&price_max=60"
        f"&ordering=price_asc&category={category.pk}"
    ),
    # The same through GraphQL (a query sent with GET, as a headless frontend may).
    "GraphQL products, filtered": "/graphql/?" + urlencode({"query": (
        "{ products(filter: {category: %d, inStock: true, priceMax: \"60\", ordering: PRICE_ASC}, "
        "first: 20) { totalCount edges { node { title fromPrice availability } } } }" % category.pk
    )}),
}
# The noun of generated product 1 ("Adjective Noun 1"): about one title in twenty has it.
word = WORD or ProductPage.objects.live().filter(title__endswith=" 1").first().title.split()[1]
figures["search: one word of the titles"] = f"/search/?q={word.lower()}"
client = Client(HTTP_HOST="127.0.0.1")
result = {"category_id": category.pk, "word": word, "category_products": category.products.live().count(),
          "live_products": ProductPage.objects.live().count(), "figures": {}}
for name, url in figures.items():
    for _ in range(2):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        assert b'"errors"' not in response.content, (url, response.content)
    timings = []
    for _ in range(RUNS):
        started = time.perf_counter()
        client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    slowest = max(queries.captured_queries, key=lambda query: float(query["time"]))
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN ANALYZE " + slowest["sql"])
        plan = "\n".join(row[0] for row in cursor.fetchall())
    result["figures"][name] = {
        "url": url, "p50": statistics.median(timings), "queries": len(queries.captured_queries),
        "slowest_ms": float(slowest["time"]) * 1000, "plan": plan,
    }
print("SCALE=" + json.dumps(result))
"""

# Outside any transaction (the connection is in autocommit), as VACUUM must be.
VACUUM = "from django.db import connection\nconnection.cursor().execute('VACUUM ANALYZE')"

CATALOG_TABLES = ("catalog_", "wagtailcore_page", "wagtailsearch_", "vendors_")


def sequential_scans(plan: str) -> list[str]:
    """The catalog tables a plan reads with a sequential scan."""
    tables = re.findall(r"Seq Scan on (\w+)", plan)
    return sorted({table for table in tables if table.startswith(CATALOG_TABLES)})


def report(results, seeding, *, args, info, started) -> str:
    names = list(results[0]["figures"])
    lines = [
        f"# Scale benchmark, {started:%Y-%m-%d %H:%M} UTC",
        "",
        f"Command: `.venv/bin/python bench/scale.py {' '.join(sys.argv[1:])}`",
        "",
        f"- machine: {info['cpu']}, {os.getloadavg()[0]:.1f} at the end); {info['system']}",
        f"- software: {info['software']}",
        "- each size vacuumed and analysed after its seeding (`VACUUM ANALYZE`, as autovacuum "
        "would do after a bulk load)",
        "- in process (Django test client), production settings (`bench/settings.py`), "
        "PostgreSQL and Redis on loopback, the page cache off; "
        f"p50 of {args.runs} requests per figure and size",
        "- catalog sizes (live products): "
        + ", ".join(
            f"{result['live_products']} (seeded in {seconds:.0f}s; the category lists "
            f"{result['category_products']})"
            for result, seconds in zip(results, seeding, strict=True)
        ),
        "",
        "| figure | "
        + " | ".join(f"p50 ms at {result['live_products']}" for result in results)
        + " | largest / smallest | target |",
        "| --- | " + " | ".join("---" for _ in results) + " | --- | --- |",
    ]
    for name in names:
        p50s = [result["figures"][name]["p50"] for result in results]
        ratio = p50s[-1] / p50s[0]
        lines.append(
            f"| {name} | "
            + " | ".join(f"{p50:.1f}" for p50 in p50s)
            + f" | {ratio:.2f} | within 2x {'met' if ratio <= 2 else 'NOT met'} |"
        )
    lines += ["", "Queries per request and each figure's slowest query at the largest size:", ""]
    for name in names:
        figure = results[-1]["figures"][name]
        scans = sequential_scans(figure["plan"])
        lines += [
            f"- {name} (`{figure['url']}`): {figure['queries']} queries, the slowest "
            f"{figure['slowest_ms']:.1f} ms; sequential scans on catalog tables: "
            f"{', '.join(scans) if scans else 'none'}",
            "",
            "  ```",
            *("  " + line for line in figure["plan"].splitlines()[:25]),
            "  ```",
        ]
    if args.note:
        lines += ["", args.note]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 100000])
    parser.add_argument("--runs", type=int, default=15, help="requests per figure and size")
    parser.add_argument("--output", type=Path, help="report file")
    parser.add_argument("--no-write", action="store_true", help="print the report only")
    parser.add_argument("--note", default="", help="a line added to the report")
    parser.add_argument(
        "--keep-database",
        action="store_true",
        help="leave the largest catalog's database (name printed) for EXPLAIN and profiles",
    )
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL") or not os.environ.get("REDIS_URL"):
        raise SystemExit("Set DATABASE_URL (PostgreSQL) and REDIS_URL: the bench runs on both.")
    started = datetime.datetime.now(datetime.UTC)
    info = machine()
    database_url, _name, maintenance_url = bench_database_url(os.environ["DATABASE_URL"])
    database_name = _name.removesuffix("_bench") + "_scale"
    database_url = database_url.rsplit("/", 1)[0] + "/" + database_name
    workdir = Path(tempfile.mkdtemp(prefix="nexus-scale-"))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "PYTHONPATH": str(REPOSITORY),
        "DATABASE_URL": database_url,
        "CACHE_KEY_PREFIX": f"nexus-scale-{os.getpid()}",
        "MEDIA_ROOT": str(workdir / "media"),
        "BENCH_STATIC_ROOT": str(workdir / "static"),
        "SECRET_KEY": "bench-" + "x" * 60,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "LOG_LEVEL": "WARNING",
    }
    env.pop("CELERY_BROKER_URL", None)
    manage = [PYTHON, str(REPOSITORY / "manage.py")]
    results, seeding = [], []
    category_id, word = 0, ""
    try:
        recreate_database(maintenance_url, database_name)
        run([*manage, "migrate", "--no-input", "-v0"], env=env)
        run([*manage, "collectstatic", "--no-input", "-v0"], env=env)
        for size in sorted(args.sizes):
            print(f"seeding {size} products…", end=" ", flush=True)
            step_started = time.monotonic()
            run([*manage, "seed_demo", "--products", str(size)], env=env)
            seeding.append(time.monotonic() - step_started)
            print(f"{seeding[-1]:.0f}s; vacuuming…", end=" ", flush=True)
            run([*manage, "shell", "-c", VACUUM], env=env)
            print("measuring…", end=" ", flush=True)
            code = f"CATEGORY_ID, WORD, RUNS = {category_id}, {word!r}, {args.runs}\n" + MEASURE
            output = run([*manage, "shell", "-c", code], env=env)
            result = json.loads(re.search(r"SCALE=(.*)", output).group(1))
            category_id, word = result["category_id"], result["word"]
            results.append(result)
            print("done", flush=True)
    finally:
        if args.keep_database:
            print(f"kept the database {database_name}", flush=True)
        else:
            clean_up(manage, env, workdir, maintenance_url, database_name)
    text = report(results, seeding, args=args, info=info, started=started)
    print()
    print(text)
    if not args.no_write:
        output = args.output or RESULTS / f"{started:%Y-%m-%d}-scale.md"
        output.write_text(text)
        print(f"written to {output}")


if __name__ == "__main__":
    main()
