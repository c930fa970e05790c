import pytest
from wagtail.actions.copy_page import CopyPageAction

from catalog.models import ProductPage, ProductVariant, Stock
from catalog.tests.factories import make_product
from vendors.tests.factories import make_vendor

pytestmark = pytest.mark.django_db


def test_copying_a_product_gives_the_copy_its_own_default_variant(site_tree):
    vendor = make_vendor(name="Copy Outfitters")
    original = make_product(
        vendor=vendor,
        title="Trail Shoe",
        variants=[
            {"sku": "TS-41", "options": {"size": "41"}},
            {"sku": "TS-42", "options": {"size": "42"}},
        ],
        stock=[4, 6],
    )

    copy = CopyPageAction(
        original, update_attrs={"title": "Trail Shoe (copy)", "slug": "trail-shoe-copy"}
    ).execute(skip_permission_checks=True)
    copy.get_latest_revision().publish()

    copy = ProductPage.objects.get(pk=copy.pk)
    copy_skus = list(copy.variants.values_list("sku", flat=True))
    assert len(copy_skus) == 1
    assert copy_skus[0].startswith("TRAIL-SHOE-")
    assert copy.variants.get().options == {}
    assert copy.vendor == vendor
    # The original keeps its variants and stock.
    assert sorted(original.variants.values_list("sku", flat=True)) == ["TS-41", "TS-42"]
    assert dict(
        Stock.objects.filter(variant__page=original).values_list("variant__sku", "quantity")
    ) == {"TS-41": 4, "TS-42": 6}
    assert ProductVariant.objects.filter(sku__in=["TS-41", "TS-42"]).count() == 2


def test_copy_in_the_admin_does_not_fail_on_skus(client, site_tree, django_user_model):
    vendor = make_vendor(name="Admin Copy Co")
    original = make_product(
        vendor=vendor, title="Canvas Tote", variants=[{"sku": "TOTE-1", "options": {}}]
    )
    admin = django_user_model.objects.create_superuser(
        email="root@example.com", password="pw-x-12345"
    )
    client.force_login(admin)

    response = client.post(
        f"/admin/pages/{original.pk}/copy/",
        {
            "new_title": "Canvas Tote 2",
            "new_slug": "canvas-tote-copy",
            "new_parent_page": vendor.storefront.pk,
            "publish_copies": "on",
        },
    )

    assert response.status_code == 302, response.context["form"].errors
    copy = ProductPage.objects.get(slug="canvas-tote-copy")
    assert copy.live
    assert copy.variants.count() == 1
    assert copy.variants.get().sku != "TOTE-1"
    assert list(original.variants.values_list("sku", flat=True)) == ["TOTE-1"]
