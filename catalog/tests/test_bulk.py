"""Bulk-created products are the same as admin-made ones: routable, searchable, editable."""

from decimal import Decimal

import pytest
from django.db import IntegrityError
from wagtail.models import Page
from wagtail.search.backends import get_search_backends
from wagtail.search.models import IndexEntry

from accounts.tests.factories import UserFactory
from catalog.models import ProductPage, ProductVariant, Stock
from catalog.services.products import ProductSpec, VariantSpec, products_create
from catalog.tests.factories import make_product

pytestmark = pytest.mark.django_db


def spec(number: int, categories=()) -> ProductSpec:
    return ProductSpec(
        title=f"Bulk Lantern {number}",
        slug=f"bulk-lantern-{number}",
        price=Decimal("15.00"),
        variants=[
            VariantSpec(sku=f"BL-{number}-S", options={"size": "S"}, stock=4),
            VariantSpec(
                sku=f"BL-{number}-L", options={"size": "L"}, price_override=Decimal("18.00")
            ),
        ],
        category_ids=[category.pk for category in categories],
    )


@pytest.mark.search
def test_bulk_products_are_live_routable_searchable_and_in_their_categories(
    client, vendor, categories
):
    make_product(vendor=vendor, title="Existing")  # the tree paths continue after it
    ids = [
        product.pk
        for product in products_create(
            storefront=vendor.storefront, specs=[spec(1, [categories.kitchen]), spec(2)]
        )
    ]

    assert Page.find_problems() == ([], [], [], [], [])
    first = ProductPage.objects.get(pk=ids[0])
    assert first.live and first.vendor == vendor and first.get_parent().pk == vendor.storefront.pk
    assert dict(
        Stock.objects.filter(variant__page=first).values_list("variant__sku", "quantity")
    ) == {
        "BL-1-S": 4,
        "BL-1-L": 0,
    }
    assert client.get(first.url).status_code == 200
    assert "Bulk Lantern 1" in client.get(categories.kitchen.url).content.decode()
    assert "Bulk Lantern 2" in client.get("/search/?q=lantern").content.decode()


def test_bulk_products_can_be_edited_and_republished_in_the_admin(client, vendor):
    [product] = products_create(storefront=vendor.storefront, specs=[spec(3)])
    product_id = product.pk
    client.force_login(UserFactory(is_superuser=True, is_staff=True))

    assert client.get(f"/admin/pages/{product_id}/edit/").status_code == 200
    product = ProductPage.objects.get(pk=product_id)
    product.get_latest_revision().publish()
    product.refresh_from_db()
    assert list(product.variants.values_list("sku", flat=True)) == ["BL-3-S", "BL-3-L"]
    assert Stock.objects.get(variant__sku="BL-3-S").quantity == 4


def test_a_duplicate_sku_creates_nothing(vendor):
    make_product(vendor=vendor, variants=[{"sku": "BL-5-S", "options": {}}])
    before = Page.objects.count()

    with pytest.raises(IntegrityError):
        products_create(storefront=vendor.storefront, specs=[spec(4), spec(5)])

    assert Page.objects.count() == before
    assert not ProductVariant.objects.filter(sku="BL-4-S").exists()


@pytest.mark.search
def test_bulk_index_entries_are_those_the_search_backend_writes(vendor, categories):
    specs = [
        spec(6, [categories.kitchen, categories.jackets]),
        spec(7),
        ProductSpec(
            title="Plain Mug",
            price=Decimal("9.00"),
            summary="Stoneware.",
            body=[("heading", "Care"), ("paragraph", "<p>Dishwasher <b>safe</b>.</p>")],
        ),
        ProductSpec(title="Bare", price=Decimal("1.00")),
    ]
    ids = [p.pk for p in products_create(storefront=vendor.storefront, specs=specs)]
    written = index_entries(ids)

    IndexEntry.objects.filter(object_id__in=[str(pk) for pk in ids]).delete()
    for product in ProductPage.objects.filter(pk__in=ids):
        for backend in get_search_backends(with_auto_update=True):
            backend.add(product)

    assert len(written) == 4
    assert index_entries(ids) == written


def index_entries(ids) -> dict:
    """The entries of `ids`, their vectors as text; title_norm left out (the backend refreshes
    it from the average title length at the time)."""
    fields = [
        f.name
        for f in IndexEntry._meta.concrete_fields
        if f.name not in ("id", "title_norm", "content_type", "object_id")
    ]
    return {
        entry["object_id"]: {name: str(entry[name]) for name in fields}
        for entry in IndexEntry.objects.filter(object_id__in=[str(pk) for pk in ids]).values(
            "object_id", *fields
        )
    }
