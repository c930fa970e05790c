"""Profile single requests in process: SQL queries, CPU time and where it goes (cProfile).

Not a test. Run it against a seeded database (`manage.py seed_demo --products 1000`):

    .venv/bin/python bench/profile_requests.py [--as shopper|anonymous|jwt] [--top 25] [PATH ...]
    .venv/bin/python bench/profile_requests.py --checkout [--top 25]

Without paths it profiles what bench/load.py measures: a product page, the busiest category
page, a search, the API v2 product list and the DRF cart read, as the logged-in demo shopper
(with a cart) unless `--as anonymous`. For each path: status, queries, median CPU ms over
`--runs` requests, and with `--top N` the N functions with the most cumulative time
(PROFILE_SORT=tottime in the environment sorts by time spent in the function itself). The
profile counts CPU time, so waits on a busy machine do not swell the database and cache calls.

With `--checkout` it profiles what bench/load.py's checkout figure repeats instead: the demo
shopper (JWT) adds one unit of an in-stock variant to the cart through the DRF API and checks
out with a new Idempotency-Key (the variant is restocked first; the checkout throttle is lifted
for the run, as the load benchmark lifts it). The orders it places stay in the database.
"""

import argparse
import cProfile
import io
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nexus.settings.dev")


class QueryCounter:
    def __init__(self):
        self.statements: list[str] = []

    def __call__(self, execute, sql, params, many, context):
        self.statements.append(sql)
        return execute(sql, params, many, context)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="*")
    parser.add_argument(
        "--as", dest="who", choices=["shopper", "anonymous", "jwt"], default="shopper"
    )
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--top", type=int, default=0)
    parser.add_argument("--sql", action="store_true", help="print the SQL of one request")
    parser.add_argument(
        "--checkout",
        action="store_true",
        help="profile cart add + checkout (DRF, JWT) instead of paths",
    )
    args = parser.parse_args()
    if args.checkout:
        os.environ["THROTTLE_CHECKOUT_RATE"] = "100000000/min"

    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.db.models import Count
    from django.test import Client
    from rest_framework_simplejwt.tokens import AccessToken

    from accounts.models import User
    from catalog.models import CategoryPage

    settings.ALLOWED_HOSTS = ["*"]
    settings.DEBUG = False
    shopper = User.objects.get(email="shopper@nexus.localhost")
    client = Client(HTTP_HOST="localhost")
    if args.who == "shopper":
        client.force_login(shopper)
    elif args.who == "jwt":
        client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {AccessToken.for_user(shopper)}"
    paths = args.paths
    requests = [(path, lambda path=path: client.get(path).status_code) for path in paths]
    if args.checkout:
        client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {AccessToken.for_user(shopper)}"
        requests = [("cart add + checkout (DRF, JWT)", checkout_request(client, shopper))]
    elif not paths:
        category = (
            CategoryPage.objects.live().annotate(n=Count("products")).order_by("-n", "pk").first()
        )
        product = category.products.live().order_by("-pk").first()
        paths = [
            product.url,
            category.url,
            f"/search/?q={product.title.split()[1].lower()}",
            "/api/v2/pages/?type=catalog.ProductPage&limit=20&fields=*",
            "/api/v1/cart/",
        ]
        requests = [(path, lambda path=path: client.get(path).status_code) for path in paths]
    print(f"as {args.who}, database: {connection.vendor}")
    print(f"{'path':60} {'status':>6} {'queries':>8} {'CPU ms':>8} {'wall ms':>8}")
    for path, request in requests:
        request()  # warm up
        counter = QueryCounter()
        with connection.execute_wrapper(counter):
            status = request()
        cpu, wall = [], []
        for _ in range(args.runs):
            started, started_cpu = time.perf_counter(), time.process_time()
            request()
            wall.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
        print(
            f"{path[:60]:60} {status:>6} {len(counter.statements):>8} "
            f"{statistics.median(cpu):>8.1f} {statistics.median(wall):>8.1f}"
        )
        if args.sql:
            for statement in counter.statements:
                print("   ", statement[:300])
        if args.top:
            profiler = cProfile.Profile(time.process_time)
            profiler.enable()
            for _ in range(5):
                request()
            profiler.disable()
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).sort_stats(
                os.environ.get("PROFILE_SORT", "cumulative")
            ).print_stats(args.top)
            print(out.getvalue())


def checkout_request(client, shopper):
    """A callable that adds one unit of a restocked variant to `shopper`'s cart and checks out
    (through `client`, which carries the shopper's JWT); returns the checkout's status, or the
    cart add's when that failed."""
    import uuid

    from catalog import inventory
    from catalog.models import ProductVariant
    from commerce import cart as cart_services

    variant = ProductVariant.objects.filter(page__live=True, is_archived=False).order_by("pk")[0]
    inventory.stock_set(variant_id=variant.pk, quantity=1_000_000)
    cart_services.cart_clear(cart=cart_services.cart_for_user(user=shopper))
    address = {
        "full_name": "Ada Lovelace",
        "line1": "12 Analytical Row",
        "city": "London",
        "postal_code": "N1 7AA",
        "country": "GB",
    }

    def request() -> int:
        added = client.post(
            "/api/v1/cart/lines/", {"variant": variant.pk}, content_type="application/json"
        )
        if added.status_code != 201:
            return added.status_code
        return client.post(
            "/api/v1/checkout/",
            {"shipping_address": address},
            content_type="application/json",
            HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()),
        ).status_code

    return request


if __name__ == "__main__":
    main()
