"""Fixtures of the page cache, personal page and API fuzz tests."""

import pytest
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from rest_framework_simplejwt.tokens import RefreshToken

from accounts.services import address_create
from accounts.tests.factories import UserFactory
from catalog.tests.factories import make_category, make_product
from commerce.cart import cart_for_user, cart_line_add
from commerce.tests.factories import make_order
from commerce.wishlist import wishlist_item_add
from vendors.services import vendor_onboard
from vendors.tests.factories import make_vendor


@pytest.fixture
def page_cache(settings):
    settings.PAGE_CACHE_SECONDS = 600
    return settings


@pytest.fixture
def catalog(site_tree):
    vendor = make_vendor(name="Alpha Goods")
    other_vendor = make_vendor(name="Beta Wares")
    parent_category = make_category(title="Kitchen")
    category = make_category(title="Mugs", parent=parent_category)
    other_category = make_category(title="Lamps")
    mug = make_product(
        vendor=vendor, title="Blue Mug", price="12.50", stock=10, categories=[category]
    )
    plate = make_product(vendor=vendor, title="Plate", price="8.00", stock=10)
    lamp = make_product(
        vendor=other_vendor, title="Desk Lamp", price="40.00", stock=3, categories=[other_category]
    )
    return type(
        "Catalog",
        (),
        {
            "home": site_tree.home,
            "vendor": vendor,
            "parent_category": parent_category,
            "category": category,
            "other_category": other_category,
            "mug": mug,
            "plate": plate,
            "lamp": lamp,
        },
    )


@pytest.fixture
def fuzz_shop(site_tree):
    """The API fuzz runs' shop: a vendor with a product in stock, a shopper with an address, a
    cart line, a wishlist item and two orders; JWTs of the shopper and the vendor's owner."""
    owner = UserFactory(email="fuzz-owner@example.com")
    vendor = vendor_onboard(
        name="Fuzz Goods", contact_email="fuzz@example.com", owner=owner, is_trusted=True
    )
    product = make_product(vendor=vendor, title="Fuzz Mug", price="10.00", stock=50)
    variant = product.variants.get()
    shopper = UserFactory(email="fuzz-shopper@example.com")
    address = address_create(
        user=shopper,
        full_name="Fuzz",
        line1="1 Fuzz Road",
        city="Lyon",
        postal_code="69001",
        country="FR",
    )
    line = cart_line_add(cart=cart_for_user(user=shopper), variant_id=variant.pk, quantity=1)
    item, _ = wishlist_item_add(user=shopper, product_id=product.pk)
    order = make_order(user=shopper, items=[(product, 1)], status="pending_payment")
    make_order(user=shopper, items=[(product, 1)])
    tokens = {
        "anonymous": None,
        "shopper": str(RefreshToken.for_user(shopper).access_token),
        "vendor": str(RefreshToken.for_user(owner).access_token),
    }
    return type(
        "FuzzShop",
        (),
        {
            # The request headers of each role: none, or a JWT of the shopper or the owner.
            "headers": {
                role: {"Authorization": f"Bearer {token}"} if token else {}
                for role, token in tokens.items()
            },
            "path_values": {
                "address_id": address.pk,
                "line_id": line.pk,
                "item_id": item.pk,
                "number": order.number,
                "sku": variant.sku,
            },
        },
    )


def fuzz_settings(**options) -> hypothesis_settings:
    """Hypothesis' settings of the fuzz runs, with `options` (how many examples, which phases):
    the same examples on every run (derandomized, no example database), and no deadline or
    health check, as a slow answer or a slow generator is not what the runs look for."""
    return hypothesis_settings(
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
        **options,
    )


@pytest.fixture
def _keep_test_connection():
    """The WSGI handler closes database connections after each request, which would close the
    test's transaction; Django's own test client disconnects that too."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)
