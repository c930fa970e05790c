"""Catalog read paths: SQL queries and time per request, on the configured database.

Not a test. Run it against a seeded database, e.g.

    .venv/bin/python manage.py seed_demo --products 2000
    .venv/bin/python bench/catalog_queries.py [--runs 20]

For each page it prints the number of SQL queries of one request and the median time over
`--runs` requests (rendered each time: the anonymous page cache is switched off here), and
the ratio to /healthz measured in the same run. The query counts do not grow with the number
of products, variants or images (see catalog/tests/test_site_pages.py and test_api.py).
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nexus.settings.dev")


class QueryCounter:
    """Counts the SQL statements run while installed with `connection.execute_wrapper`."""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client

    from catalog.models import CategoryPage, ProductPage

    settings.PAGE_CACHE_SECONDS = 0  # measure rendering, not the page cache
    settings.ALLOWED_HOSTS = ["*"]
    busiest = max(
        CategoryPage.objects.live(), key=lambda category: category.products.count(), default=None
    )
    product = (
        ProductPage.objects.live().order_by("-pk").first()
        if busiest is None
        else busiest.products.live().order_by("-pk").first()
    )
    if product is None or busiest is None:
        sys.exit("No products: run `manage.py seed_demo --products 2000` first.")
    top = busiest.get_parent().specific
    targets = [
        ("healthz (baseline)", "/healthz"),
        ("product page", product.url),
        (f"category page ({top.title}, with sub-categories)", top.url),
        ("category page, filtered", f"{top.url}?in_stock=on&ordering=price_asc&price_max=100"),
        ("search page", "/search/?q=classic"),
        ("search page, no query", "/search/?ordering=price_desc"),
        ("API product list (20)", "/api/v2/pages/?type=catalog.ProductPage&limit=20&fields=*"),
        ("API search + filters", "/api/v2/pages/?search=classic&in_stock=true&price_max=100"),
        ("API product detail", f"/api/v2/pages/{product.pk}/"),
    ]
    client = Client(HTTP_HOST="localhost")
    print(f"{ProductPage.objects.live().count()} live products, database: {connection.vendor}")
    print(f"{'page':52} {'status':>6} {'queries':>8} {'median ms':>10} {'x healthz':>10}")
    baseline = None
    for label, url in targets:
        client.get(url)  # warm up: renditions, template loading
        counter = QueryCounter()
        with connection.execute_wrapper(counter):
            status = client.get(url).status_code
        timings = []
        for _ in range(args.runs):
            started = time.perf_counter()
            client.get(url)
            timings.append((time.perf_counter() - started) * 1000)
        median = statistics.median(timings)
        baseline = baseline or median
        print(
            f"{label:52} {status:>6} {counter.count:>8} {median:>10.1f} {median / baseline:>10.1f}"
        )


if __name__ == "__main__":
    main()
