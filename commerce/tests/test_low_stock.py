"""One "low stock" rule, the catalog's `VariantQuerySet.running_low`: the vendor's low-stock
screen, the daily digest and the catalog's availability count the same variants of the same
data (per variant, sold out included, archived variants and drafts left out)."""

import pytest
from django.core import mail
from django.urls import reverse

from accounts.tests.factories import UserFactory
from catalog.models import ProductVariant, Stock
from catalog.selectors import stock_rows
from catalog.tests.factories import make_product
from commerce import notifications
from vendors import selectors as vendor_selectors
from vendors.services import vendor_onboard

pytestmark = pytest.mark.django_db

# SKU -> quantity of the jacket's variants; None: no stock row yet.
JACKET = {"J-S": 0, "J-M": 3, "J-L": 5, "J-XL": 6, "J-XS": None}
# What a vendor restocks first: lowest first, then by product and SKU.
RUNNING_LOW = [("J-S", 0), ("J-XS", 0), ("J-M", 3), ("J-L", 5)]


@pytest.fixture
def stock_world(site_tree, settings):
    settings.LOW_STOCK_THRESHOLD = 5
    owner = UserFactory(email="owner@alpha.example.com")
    alpha = vendor_onboard(name="Alpha Goods", contact_email="alpha@example.com", owner=owner)
    beta = vendor_onboard(name="Beta Wares", contact_email="beta@example.com", owner=UserFactory())
    jacket = make_product(
        vendor=alpha,
        title="Rain Jacket",
        variants=[
            {"sku": sku, "options": {"size": sku.split("-")[1]}} for sku in [*JACKET, "J-OLD"]
        ],
        stock=[quantity or 0 for quantity in JACKET.values()] + [1],
    )
    Stock.objects.filter(variant__sku="J-XS").delete()
    # Dropped from the product by a revision: kept for its orders, no longer sold.
    ProductVariant.all_objects.filter(sku="J-OLD").update(is_archived=True)
    make_product(vendor=alpha, title="Draft Mug", stock=2, publish=False)
    make_product(vendor=beta, title="Beta Bowl", variants=[{"sku": "B-1", "options": {}}], stock=1)
    return alpha, beta, owner, jacket


def test_the_low_stock_screen_the_digest_and_the_catalog_count_the_same_variants(
    stock_world, client
):
    alpha, beta, owner, jacket = stock_world

    client.force_login(owner)
    screen = client.get(reverse("vendors_cms:low_stock"))
    assert screen.status_code == 200
    assert [(v.sku, v.quantity) for v in screen.context["variants"]] == RUNNING_LOW
    assert [
        (v.sku, v.quantity) for v in vendor_selectors.vendor_low_stock(user=owner)
    ] == RUNNING_LOW

    digest = notifications.low_stock_variants(vendor_id=alpha.pk)
    assert [(v.sku, v.quantity) for v in digest] == RUNNING_LOW
    assert notifications.low_stock_digest_send(vendor_id=alpha.pk, day="2026-11-26") is True
    [email] = mail.outbox
    assert email.subject == "Low stock at Alpha Goods: 4 item(s)"
    assert [line for line in email.body.splitlines() if line.startswith("- ")] == [
        f"- Rain Jacket ({sku.split('-')[1]}), SKU {sku}: {quantity} left"
        for sku, quantity in RUNNING_LOW
    ]

    api = client.get(f"/api/v2/pages/{jacket.pk}/").json()
    assert {v["sku"]: v["availability"] for v in api["variants"]} == {
        "J-S": "sold_out",
        "J-M": "low_stock",
        "J-L": "low_stock",
        "J-XL": "in_stock",
        "J-XS": "sold_out",
    }
    # Per variant: the product's own availability is that of its summed stock (14).
    assert api["availability"] == "in_stock"
    catalog_low = {
        variant.sku
        for availability in ("low_stock", "sold_out")
        for variant in stock_rows(vendor_id=alpha.pk, availability=availability)
        if variant.page.live
    }
    assert catalog_low == {sku for sku, _ in RUNNING_LOW}


def test_the_digest_goes_to_each_active_vendor_running_low(stock_world, settings):
    alpha, beta, owner, jacket = stock_world

    assert notifications.low_stock_digests_enqueue(day="2026-11-26") == 2
    assert [(v.sku, v.quantity) for v in notifications.low_stock_variants(vendor_id=beta.pk)] == [
        ("B-1", 1)
    ]

    settings.LOW_STOCK_THRESHOLD = 0  # only what is sold out is left
    assert [(v.sku, v.quantity) for v in notifications.low_stock_variants(vendor_id=alpha.pk)] == [
        ("J-S", 0),
        ("J-XS", 0),
    ]
    assert notifications.low_stock_variants(vendor_id=beta.pk) == []
    assert notifications.low_stock_digests_enqueue(day="2026-11-27") == 1
