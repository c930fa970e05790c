"""Fixtures for commerce tests: a shop with two vendors, products with stock, shoppers."""

from decimal import Decimal

import pytest

from accounts.tests.factories import UserFactory
from catalog.models import ProductPage
from catalog.tests.factories import make_product
from commerce import cart as cart_services
from commerce.checkout import checkout_complete
from conftest import shared_layer
from vendors.models import Vendor
from vendors.tests.factories import make_vendor

ADDRESS = {
    "full_name": "Ada Lovelace",
    "line1": "12 Analytical Row",
    "line2": "",
    "city": "London",
    "postal_code": "N1 7AA",
    "country": "GB",
    "phone": "+44 20 7946 0000",
}


@pytest.fixture
def address_data():
    return dict(ADDRESS)


@shared_layer(after=("site_tree_rows",))
def commerce_shop_rows(rows) -> dict[str, int]:
    vendor_a = make_vendor(name="Acme Goods", shipping_flat_rate=Decimal("4.50"))
    vendor_b = make_vendor(name="Bright Lights", shipping_flat_rate=Decimal("0.00"))
    mug = make_product(vendor=vendor_a, title="Mug", price="12.00", stock=10)
    shirt = make_product(
        vendor=vendor_a,
        title="Shirt",
        price="20.00",
        stock=[5, 3],
        variants=[
            {"sku": "SHIRT-S", "options": {"size": "S"}},
            {"sku": "SHIRT-M", "options": {"size": "M"}, "price_override": Decimal("22.50")},
        ],
    )
    lamp = make_product(vendor=vendor_b, title="Lamp", price="30.00", stock=2)
    return {
        "vendor_a": vendor_a.pk,
        "vendor_b": vendor_b.pk,
        "mug": mug.pk,
        "shirt": shirt.pk,
        "lamp": lamp.pk,
    }


@pytest.fixture
def shop(site_tree, commerce_shop_rows):
    """Two vendors (shipping 4.50 and 0.00) and three products.

    - mug: one variant, 12.00, stock 10 (vendor A)
    - shirt: two variants S (20.00) and M (22.50 override), stock 5 and 3 (vendor A)
    - lamp: one variant, 30.00, stock 2 (vendor B)
    """
    mug, shirt, lamp = (
        ProductPage.objects.get(pk=commerce_shop_rows[name]) for name in ("mug", "shirt", "lamp")
    )
    variants = {
        "mug": mug.variants.get(),
        "shirt_s": shirt.variants.get(sku="SHIRT-S"),
        "shirt_m": shirt.variants.get(sku="SHIRT-M"),
        "lamp": lamp.variants.get(),
    }
    return type(
        "Shop",
        (),
        {
            "site": site_tree.site,
            "vendor_a": Vendor.objects.get(pk=commerce_shop_rows["vendor_a"]),
            "vendor_b": Vendor.objects.get(pk=commerce_shop_rows["vendor_b"]),
            "mug": mug,
            "shirt": shirt,
            "lamp": lamp,
            "variants": variants,
        },
    )


@pytest.fixture
def shopper(db):
    return UserFactory(email="shopper@example.com")


@pytest.fixture
def other_shopper(db):
    return UserFactory(email="other@example.com")


@pytest.fixture
def place_order(address_data):
    """Place an order for `user` with `lines` ({variant: quantity}) through the real checkout."""

    def place(user, lines, *, key=None):
        cart = cart_services.cart_for_user(user=user)
        for variant, quantity in lines.items():
            cart_services.cart_line_add(cart=cart, variant_id=variant.pk, quantity=quantity)
        return checkout_complete(user=user, cart=cart, idempotency_key=key, address=address_data)

    return place


def stock_of(variant) -> int:
    from catalog.models import Stock

    return Stock.objects.get(variant=variant).quantity
