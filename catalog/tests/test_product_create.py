"""The one product creation service: pages, variants, stock, revisions, history and slugs,
for one product or many. Vendors' rights are tested in vendors/tests/test_product_create.py."""

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from wagtail.models import Page, PageLogEntry, Revision

from catalog.exceptions import InvalidProduct, InvalidStockChange
from catalog.models import ProductPage, ProductVariant, ShopIndexPage, Stock
from catalog.services.products import ProductSpec, VariantSpec, products_create
from catalog.tests.conftest import make_image
from catalog.tests.factories import make_product, product_row_counts
from vendors.tests.factories import make_vendor

pytestmark = pytest.mark.django_db


def jacket(**fields) -> ProductSpec:
    return ProductSpec(
        **{
            "title": "Rain Jacket",
            "price": Decimal("80.00"),
            "summary": "Packs into its own pocket.",
            "variants": [
                VariantSpec(sku="RJ-S", options={"size": "S"}, stock=4),
                VariantSpec(sku="RJ-M", options={"size": "M"}, price_override=Decimal("70.00")),
            ],
            **fields,
        }
    )


def test_a_published_product_has_its_page_variants_stock_revision_and_history(vendor, categories):
    image = make_image()
    [product] = products_create(
        storefront=vendor.storefront,
        specs=[jacket(category_ids=[categories.jackets.pk], image_ids=[image.pk])],
    )

    page = ProductPage.objects.get(pk=product.pk)
    assert (page.title, page.slug, page.price, page.summary) == (
        "Rain Jacket",
        "rain-jacket",
        Decimal("80.00"),
        "Packs into its own pocket.",
    )
    assert page.get_parent().pk == vendor.storefront.pk and page.vendor == vendor
    assert page.url_path == f"{vendor.storefront.url_path}rain-jacket/"
    assert (page.live, page.has_unpublished_changes) == (True, False)
    assert page.first_published_at is not None
    assert list(
        page.variants.order_by("sort_order").values_list("sku", "options", "price_override")
    ) == [("RJ-S", {"size": "S"}, None), ("RJ-M", {"size": "M"}, Decimal("70.00"))]
    assert dict(Stock.objects.values_list("variant__sku", "quantity")) == {"RJ-S": 4, "RJ-M": 0}
    assert list(page.categories.values_list("pk", flat=True)) == [categories.jackets.pk]
    assert list(page.gallery_images.values_list("image_id", flat=True)) == [image.pk]
    [revision] = Revision.objects.filter(object_id=str(page.pk))
    assert page.latest_revision_id == page.live_revision_id == revision.pk
    assert [variant["sku"] for variant in revision.content["variants"]] == ["RJ-S", "RJ-M"]
    assert revision.content["categories"] == [categories.jackets.pk]
    assert sorted(PageLogEntry.objects.filter(page=page).values_list("action", flat=True)) == [
        "wagtail.create",
        "wagtail.publish",
    ]
    assert Page.find_problems() == ([], [], [], [], [])
    assert (
        vendor.storefront.numchild == 1 and Page.objects.get(pk=vendor.storefront.pk).numchild == 1
    )


def test_publish_false_creates_a_draft_with_its_revision(vendor):
    [product] = products_create(storefront=vendor.storefront, specs=[jacket()], publish=False)

    page = ProductPage.objects.get(pk=product.pk)
    assert (page.live, page.has_unpublished_changes) == (False, True)
    assert page.first_published_at is None and page.live_revision_id is None
    assert page.latest_revision_id == Revision.objects.get(object_id=str(page.pk)).pk
    assert list(PageLogEntry.objects.filter(page=page).values_list("action", flat=True)) == [
        "wagtail.create"
    ]
    assert dict(Stock.objects.values_list("variant__sku", "quantity")) == {"RJ-S": 4, "RJ-M": 0}
    assert not ProductPage.objects.live().exists()


def test_a_published_draft_goes_live_with_its_content_and_keeps_its_stock(vendor):
    [product] = products_create(storefront=vendor.storefront, specs=[jacket()], publish=False)

    ProductPage.objects.get(pk=product.pk).get_latest_revision().publish()

    page = ProductPage.objects.get(pk=product.pk)
    assert page.live and page.live_revision_id == page.latest_revision_id
    assert list(page.variants.values_list("sku", flat=True)) == ["RJ-S", "RJ-M"]
    assert dict(Stock.objects.values_list("variant__sku", "quantity")) == {"RJ-S": 4, "RJ-M": 0}


def test_slugs_are_unique_among_the_storefront_pages_and_within_the_batch(vendor):
    vendor.storefront.add_child(
        instance=ProductPage(title="Rain Jacket", slug="rain-jacket", price=Decimal("1.00"))
    )
    other = make_vendor(name="Other Shop")

    created = products_create(
        storefront=vendor.storefront,
        specs=[
            jacket(),
            jacket(variants=[VariantSpec(sku="RJ-2")]),
            jacket(slug="spring-coat", variants=[VariantSpec(sku="SC-1")]),
        ],
    )
    [elsewhere] = products_create(
        storefront=other.storefront, specs=[jacket(variants=[VariantSpec(sku="RJ-9")])]
    )

    assert [product.slug for product in created] == [
        "rain-jacket-2",
        "rain-jacket-3",
        "spring-coat",
    ]
    assert elsewhere.slug == "rain-jacket"
    assert Page.find_problems() == ([], [], [], [], [])


def test_a_product_without_variants_gets_one_default_variant_with_a_stock_row(vendor):
    [product] = products_create(
        storefront=vendor.storefront,
        specs=[ProductSpec(title="Plain Mug", price=Decimal("9.00"))],
    )

    [variant] = ProductVariant.objects.filter(page_id=product.pk)
    assert variant.options == {} and variant.sku.startswith("PLAIN-MUG-")
    assert Stock.objects.get(variant=variant).quantity == 0


def test_many_products_in_one_call_continue_the_tree_after_existing_children(vendor):
    make_product(vendor=vendor, title="Existing")
    specs = [
        ProductSpec(
            title=f"Lantern {number}",
            price=Decimal("15.00"),
            variants=[VariantSpec(sku=f"L-{number}", stock=number)],
        )
        for number in range(40)
    ]

    created = products_create(storefront=vendor.storefront, specs=specs)

    assert [product.title for product in created] == [spec.title for spec in specs]
    assert list(
        ProductPage.objects.child_of(vendor.storefront)
        .order_by("path")
        .values_list("title", flat=True)
    ) == ["Existing"] + [spec.title for spec in specs]
    assert dict(
        Stock.objects.filter(variant__sku__startswith="L-").values_list("variant__sku", "quantity")
    ) == {f"L-{number}": number for number in range(40)}
    assert Revision.objects.filter(object_id__in=[str(p.pk) for p in created]).count() == 40
    assert Page.find_problems() == ([], [], [], [], [])


def test_the_revision_and_history_name_the_user(vendor):
    admin = get_user_model().objects.create_superuser(email="admin@example.com", password="x")

    [product] = products_create(storefront=vendor.storefront, specs=[jacket()], user=admin)

    page = ProductPage.objects.get(pk=product.pk)
    assert page.owner == admin and page.get_latest_revision().user == admin
    assert set(PageLogEntry.objects.filter(page=page).values_list("user", flat=True)) == {admin.pk}
    assert page.live


@pytest.mark.parametrize(
    "bad",
    [
        {"category_ids": [999_999]},
        {"variants": [VariantSpec(sku="RJ-S", stock=-1)]},
    ],
    ids=["unknown category", "negative stock"],
)
def test_bad_data_creates_nothing(vendor, bad):
    before = product_row_counts()

    with pytest.raises((InvalidProduct, InvalidStockChange)):
        products_create(
            storefront=vendor.storefront,
            specs=[jacket(title="Coat", variants=[VariantSpec(sku="C-1")]), jacket(**bad)],
        )

    assert product_row_counts() == before


def test_products_live_only_under_a_storefront(site_tree, vendor):
    before = product_row_counts()

    with pytest.raises(InvalidProduct, match="Products live under a vendor's storefront"):
        products_create(storefront=ShopIndexPage.objects.get(), specs=[jacket()])

    assert product_row_counts() == before
