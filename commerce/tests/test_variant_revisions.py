"""Variants are identified by SKU across revisions: whatever restores a product's content from
a revision (revert, publish, moderation approval, scheduled publish, unpublish/republish, copy)
keeps a dropped variant's row (archived, not purchasable) with its stock, its cart lines and
its order lines, and re-adding the SKU revives that same row."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from wagtail.actions.copy_page import CopyPageAction
from wagtail.models import Page, Revision

from catalog import inventory
from catalog.models import ProductPage, ProductVariant, Stock
from catalog.tests.factories import make_product
from commerce import cart as cart_services
from commerce.exceptions import ProductUnavailable, VariantNotFound
from commerce.models import CartLine, Order, OrderLine
from commerce.orders import order_cancel
from vendors.tests.admin_forms import admin_form_data, page_edit_data
from vendors.tests.factories import make_vendor


def _publish_with_xl(product: ProductPage) -> Revision:
    """Publish a revision of `product` that adds the XL variant; returns it."""
    page = product.get_latest_revision_as_object()
    page.variants.add(ProductVariant(sku="TEE-XL", options={"size": "XL"}, sort_order=2))
    revision = page.save_revision()
    revision.publish()
    return revision


@pytest.fixture
def tee(site_tree, shopper, other_shopper, place_order):
    """A tee with S and M (revision `before_xl`), then a published revision adding XL with 8 in
    stock; one XL reserved by `shopper`'s open order and two in `other_shopper`'s cart."""
    vendor = make_vendor(name="Tee Makers")
    product = make_product(
        vendor=vendor,
        title="Tee",
        price="15.00",
        variants=[
            {"sku": "TEE-S", "options": {"size": "S"}, "sort_order": 0},
            {"sku": "TEE-M", "options": {"size": "M"}, "sort_order": 1},
        ],
        stock=[5, 5],
    )
    before_xl = product.live_revision
    with_xl = _publish_with_xl(product)
    xl = ProductVariant.objects.get(sku="TEE-XL")
    inventory.stock_set(variant_id=xl.pk, quantity=8)
    order = place_order(shopper, {xl: 1})
    cart = cart_services.cart_for_user(user=other_shopper)
    cart_line = cart_services.cart_line_add(cart=cart, variant_id=xl.pk, quantity=2)
    return type(
        "Tee",
        (),
        {
            "vendor": vendor,
            "product": product,
            "before_xl": before_xl,
            "with_xl": with_xl,
            "xl_pk": xl.pk,
            "order": order,
            "order_line_pk": order.lines.get().pk,
            "cart": cart,
            "cart_line_pk": cart_line.pk,
        },
    )


def _assert_xl_kept(tee, *, stock: int = 7, archived: bool = True) -> None:
    """XL is the same row with its stock, its cart line and its order line."""
    xl = ProductVariant.all_objects.get(sku="TEE-XL")
    assert xl.pk == tee.xl_pk
    assert xl.page_id == tee.product.pk
    assert xl.is_archived is archived
    assert Stock.objects.get(variant_id=tee.xl_pk).quantity == stock
    assert CartLine.objects.get(pk=tee.cart_line_pk).variant_id == tee.xl_pk
    assert CartLine.objects.get(pk=tee.cart_line_pk).quantity == 2
    assert OrderLine.objects.get(pk=tee.order_line_pk).variant_id == tee.xl_pk
    assert Order.objects.get(pk=tee.order.pk).status == Order.Status.PENDING_PAYMENT
    # The other variants are untouched.
    assert dict(
        ProductVariant.objects.filter(page=tee.product).values_list("sku", "is_archived")
    ) == {"TEE-S": False, "TEE-M": False, **({} if archived else {"TEE-XL": False})}


def _live_skus(product) -> list[str]:
    return sorted(ProductPage.objects.get(pk=product.pk).variants.values_list("sku", flat=True))


def test_reverting_to_a_revision_without_the_variant_archives_it_and_keeps_everything(tee):
    tee.before_xl.publish()

    _assert_xl_kept(tee)
    assert _live_skus(tee.product) == ["TEE-M", "TEE-S"]
    # Cancelling the open order puts its unit back on the same row.
    order_cancel(order=Order.objects.get(pk=tee.order.pk), actor=tee.order.user)
    assert Stock.objects.get(variant_id=tee.xl_pk).quantity == 8


def test_republishing_the_revision_with_the_variant_revives_the_same_row(tee):
    tee.before_xl.publish()
    Revision.objects.get(pk=tee.with_xl.pk).publish()

    _assert_xl_kept(tee, archived=False)
    assert _live_skus(tee.product) == ["TEE-M", "TEE-S", "TEE-XL"]


def _admin_client(django_user_model):
    from django.test import Client

    admin = django_user_model.objects.create_superuser(email="root@example.com", password="x-12345")
    client = Client()
    client.force_login(admin)
    return client


def test_revert_in_the_admin_keeps_the_variant(tee, django_user_model):
    # Wagtail's revert form edits the inlines of the old revision on top of the latest content,
    # so XL (absent from the old revision's forms) stays; the point is that nothing is lost.
    client = _admin_client(django_user_model)
    revert_url = reverse(
        "wagtailadmin_pages:revisions_revert", args=[tee.product.pk, tee.before_xl.pk]
    )
    revert_form = client.get(revert_url)
    assert revert_form.status_code == 200
    data = admin_form_data(revert_form.content.decode())
    data.update({"action-publish": "1", "revision": str(tee.before_xl.pk)})
    data.setdefault("body-count", "0")  # an empty StreamField renders no inputs without JS

    response = client.post(reverse("wagtailadmin_pages:edit", args=[tee.product.pk]), data)

    assert response.status_code == 302, response.content.decode()[:3000]
    assert ProductPage.objects.get(pk=tee.product.pk).live_revision_id != tee.with_xl.pk
    _assert_xl_kept(tee, archived=False)


def test_removing_the_variant_in_the_admin_archives_it_and_re_adding_the_sku_revives_it(
    tee, django_user_model
):
    client = _admin_client(django_user_model)
    edit_url = reverse("wagtailadmin_pages:edit", args=[tee.product.pk])
    data = page_edit_data(client, tee.product)
    index = next(
        key.split("-")[1]
        for key, value in data.items()
        if key.startswith("variants-") and key.endswith("-id") and value == str(tee.xl_pk)
    )
    data[f"variants-{index}-DELETE"] = "1"
    data["action-publish"] = "1"

    response = client.post(edit_url, data)

    assert response.status_code == 302, response.content.decode()[:3000]
    _assert_xl_kept(tee)
    assert _live_skus(tee.product) == ["TEE-M", "TEE-S"]

    # The vendor types the SKU again in a new inline form: the archived row comes back.
    data = page_edit_data(client, tee.product)
    total = int(data["variants-TOTAL_FORMS"])
    assert str(tee.xl_pk) not in [
        value for key, value in data.items() if key.startswith("variants-") and key.endswith("-id")
    ]
    data.update(
        {
            "variants-TOTAL_FORMS": str(total + 1),
            f"variants-{total}-sku": "TEE-XL",
            f"variants-{total}-options": "size: XL",
            f"variants-{total}-price_override": "",
            f"variants-{total}-id": "",
            f"variants-{total}-ORDER": str(total + 1),
            f"variants-{total}-DELETE": "",
            "action-publish": "1",
        }
    )
    response = client.post(edit_url, data)

    assert response.status_code == 302, response.content.decode()[:3000]
    _assert_xl_kept(tee, archived=False)


def test_unpublish_and_republish_keep_the_variant(tee):
    from wagtail.actions.unpublish_page import UnpublishPageAction

    # A revision made while XL existed only in the database (e.g. stock import) is the case
    # that matters; here the live revision has XL, so XL must survive untouched.
    UnpublishPageAction(Page.objects.get(pk=tee.product.pk).specific).execute(
        skip_permission_checks=True
    )
    ProductPage.objects.get(pk=tee.product.pk).get_latest_revision().publish()

    _assert_xl_kept(tee, archived=False)
    # Republishing the older revision after an unpublish archives XL, never deletes it.
    UnpublishPageAction(Page.objects.get(pk=tee.product.pk).specific).execute(
        skip_permission_checks=True
    )
    Revision.objects.get(pk=tee.before_xl.pk).publish()
    _assert_xl_kept(tee)


def test_moderation_approval_of_a_revision_without_the_variant_keeps_it(tee, django_user_model):
    from wagtail.models import Workflow

    workflow = Workflow.objects.filter(active=True).first()
    if workflow is None:
        pytest.fail("The shop's moderation workflow is missing (vendors migrations)")
    moderator = django_user_model.objects.create_superuser(
        email="moderator@example.com", password="x-12345"
    )
    page = ProductPage.objects.get(pk=tee.product.pk)
    draft = Revision.objects.get(pk=tee.before_xl.pk).as_object()
    draft.save_revision(user=moderator)
    page = ProductPage.objects.get(pk=tee.product.pk)
    state = workflow.start(page, moderator)
    while state.status == state.STATUS_IN_PROGRESS:
        task_state = state.current_task_state
        task_state.task.specific.on_action(task_state, moderator, "approve")
        state.refresh_from_db()

    assert state.status == state.STATUS_APPROVED
    _assert_xl_kept(tee)
    assert _live_skus(tee.product) == ["TEE-M", "TEE-S"]


def test_scheduled_publish_of_a_revision_without_the_variant_keeps_it(tee):
    draft = Revision.objects.get(pk=tee.before_xl.pk).as_object()
    go_live = timezone.now() - timedelta(minutes=1)
    draft.go_live_at = go_live
    revision = draft.save_revision(approved_go_live_at=go_live)
    assert revision.approved_go_live_at == go_live

    call_command("publish_scheduled")

    assert ProductPage.objects.get(pk=tee.product.pk).live_revision_id == revision.pk
    _assert_xl_kept(tee)


def test_copying_the_product_leaves_the_originals_variants_alone(tee):
    copy = CopyPageAction(
        Page.objects.get(pk=tee.product.pk).specific,
        update_attrs={"title": "Tee (copy)", "slug": "tee-copy"},
    ).execute(skip_permission_checks=True)
    copy.get_latest_revision().publish()

    _assert_xl_kept(tee, archived=False)
    copy_variants = ProductVariant.all_objects.filter(page_id=copy.pk)
    assert copy_variants.count() == 1
    assert copy_variants.get().pk not in {tee.xl_pk}


def test_archived_variant_cannot_be_bought(tee, shopper, other_shopper, address_data):
    from commerce.checkout import checkout_complete
    from commerce.selectors import cart_summary

    tee.before_xl.publish()

    fresh = cart_services.cart_create()
    with pytest.raises(VariantNotFound):
        cart_services.cart_line_add(cart=fresh, variant_id=tee.xl_pk, quantity=1)
    summary = cart_summary(cart=tee.cart)
    (line,) = summary.lines
    assert line.unavailable_reason == "Tee (XL) is no longer available."
    assert summary.subtotal == Decimal("0.00")
    with pytest.raises(ProductUnavailable):
        checkout_complete(
            user=other_shopper, cart=tee.cart, idempotency_key=None, address=address_data
        )
    assert not CartLine.objects.filter(cart=fresh).exists()
    _assert_xl_kept(tee)


def test_archived_variant_is_invisible_on_the_product_page_and_the_api(tee, client):
    tee.before_xl.publish()
    product = ProductPage.objects.get(pk=tee.product.pk)

    page = client.get(product.url)
    api = client.get("/api/v2/pages/", {"type": "catalog.ProductPage", "fields": "variants"})

    assert page.status_code == 200
    assert "TEE-XL" not in page.content.decode()
    assert "TEE-M" in page.content.decode() or "M" in page.content.decode()
    (item,) = [item for item in api.json()["items"] if item["id"] == product.pk]
    assert sorted(variant["sku"] for variant in item["variants"]) == ["TEE-M", "TEE-S"]


def test_archived_stock_does_not_count_in_availability(site_tree):
    from catalog.selectors import product_listing

    vendor = make_vendor(name="Solo Co")
    product = make_product(
        vendor=vendor,
        title="Solo Cap",
        variants=[
            {"sku": "CAP-A", "options": {"size": "A"}},
            {"sku": "CAP-B", "options": {"size": "B"}},
        ],
        stock=[0, 4],
    )
    page = product.get_latest_revision_as_object()
    page.variants = [variant for variant in page.variants.all() if variant.sku == "CAP-A"]
    page.save_revision().publish()

    from catalog.selectors import ProductFilters

    listing = product_listing(
        category=None, filters=ProductFilters(in_stock=True), page_number=None, per_page=24
    )
    assert product.pk not in [item.pk for item in listing.products]
    assert Stock.objects.get(variant__sku="CAP-B").quantity == 4


def test_another_product_cannot_take_an_archived_sku(tee, django_user_model):
    tee.before_xl.publish()
    other = make_product(vendor=tee.vendor, title="Other Tee")
    client = _admin_client(django_user_model)
    before = ProductPage.objects.get(pk=other.pk).latest_revision_id
    data = page_edit_data(client, other)
    index = next(
        key.split("-")[1] for key in data if key.startswith("variants-") and key.endswith("-sku")
    )
    data[f"variants-{index}-sku"] = "TEE-XL"
    data["action-publish"] = "1"

    response = client.post(reverse("wagtailadmin_pages:edit", args=[other.pk]), data)

    assert response.status_code == 200
    assert "belongs to a variant another product no longer offers" in response.content.decode()
    assert ProductPage.objects.get(pk=other.pk).latest_revision_id == before
    _assert_xl_kept(tee)
