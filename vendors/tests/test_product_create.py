"""Vendors' rights when products are created (`catalog.services.products.products_create`):
a trusted vendor publishes, an untrusted one creates drafts that go to moderation, and nobody
creates products under another vendor's storefront."""

from decimal import Decimal

import pytest
from django.urls import reverse
from wagtail.models import Page, PageLogEntry, WorkflowState

from catalog.exceptions import ProductCreateDenied
from catalog.models import ProductPage, ProductVariant, Stock
from catalog.services.products import ProductSpec, VariantSpec, products_create
from catalog.tests.factories import product_row_counts
from vendors.tests.admin_forms import page_edit_data

pytestmark = pytest.mark.django_db


def mug(sku: str = "MUG-1") -> ProductSpec:
    return ProductSpec(
        title="Enamel Mug", price=Decimal("12.00"), variants=[VariantSpec(sku=sku, stock=5)]
    )


def snapshot(vendor) -> dict[str, int]:
    storefront = Page.objects.get(pk=vendor.storefront.pk)
    return {**product_row_counts(), "storefront children": storefront.numchild}


def test_a_trusted_vendor_publishes_its_new_products(vendor_b, owner_b):
    [product] = products_create(storefront=vendor_b.storefront, specs=[mug()], user=owner_b)

    page = ProductPage.objects.get(pk=product.pk)
    assert page.live and page.live_revision_id == page.latest_revision_id
    assert page.vendor == vendor_b and page.owner == owner_b
    assert Stock.objects.get(variant__sku="MUG-1").quantity == 5


def test_an_untrusted_vendor_creates_drafts_it_submits_for_moderation(vendor_a, owner_a, client):
    [product] = products_create(
        storefront=vendor_a.storefront, specs=[mug()], user=owner_a, publish=True
    )

    page = ProductPage.objects.get(pk=product.pk)
    assert (page.live, page.has_unpublished_changes, page.live_revision_id) == (False, True, None)
    assert page.latest_revision_id is not None and page.owner == owner_a
    assert list(PageLogEntry.objects.filter(page=page).values_list("action", flat=True)) == [
        "wagtail.create"
    ]
    assert Stock.objects.get(variant__sku="MUG-1").quantity == 5
    assert not WorkflowState.objects.exists()

    client.force_login(owner_a)
    data = page_edit_data(client, page, **{"action-submit": "1"})
    response = client.post(reverse("wagtailadmin_pages:edit", args=[page.pk]), data)

    assert response.status_code == 302
    workflow_state = WorkflowState.objects.get(object_id=str(page.pk))
    assert workflow_state.status == WorkflowState.STATUS_IN_PROGRESS
    assert workflow_state.requested_by == owner_a
    assert not Page.objects.get(pk=page.pk).live


def test_an_editor_publishes_under_any_storefront(vendor_a, editor):
    [product] = products_create(storefront=vendor_a.storefront, specs=[mug()], user=editor)

    assert ProductPage.objects.get(pk=product.pk).live


def test_a_vendor_cannot_create_products_under_another_vendors_storefront(
    vendor_a, vendor_b, owner_a
):
    before = snapshot(vendor_b)

    with pytest.raises(ProductCreateDenied, match='You cannot add products to "Beta Wares"'):
        products_create(storefront=vendor_b.storefront, specs=[mug()], user=owner_a)

    assert snapshot(vendor_b) == before
    assert not ProductVariant.all_objects.filter(sku="MUG-1").exists()


def test_a_suspended_vendors_owner_cannot_create_products(vendor_b, owner_b):
    vendor_b.status = vendor_b.Status.SUSPENDED
    vendor_b.save()

    before = snapshot(vendor_b)

    with pytest.raises(ProductCreateDenied):
        products_create(storefront=vendor_b.storefront, specs=[mug()], user=owner_b)

    assert snapshot(vendor_b) == before
