"""A vendor's new product from the Wagtail admin to a shopper's door, in Debian's Chromium
(Playwright): the vendor creates it with a variant and an uploaded picture and submits it for
moderation, an editor approves it, a shopper finds it and buys it, the vendor ships the line and
the shopper sees it shipped."""

import io
from decimal import Decimal

import pytest
from django.template.defaultfilters import date as date_filter
from django.utils.timezone import localtime
from PIL import Image as PILImage
from playwright.sync_api import expect
from wagtail.models import Page, WorkflowState

from accounts.tests.factories import UserFactory
from catalog.models import ProductPage, Stock
from catalog.tests.factories import make_category
from commerce.models import Order
from nexus.tests.browser_steps import (
    add_to_cart,
    admin_log_in,
    admin_open_editor,
    admin_page_action,
    admin_wait_autosaved,
    checkout_to_new_address,
    pay_with_test_card,
    site_log_in,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PASSWORD = "correct-horse-battery"  # noqa: S105 - UserFactory's password
DESKTOP = {"width": 1280, "height": 900}


def _png() -> bytes:
    buffer = io.BytesIO()
    PILImage.new("RGB", (120, 90), (200, 40, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


def _create_product_and_submit(page, base: str, storefront: Page, camping, check_page) -> None:
    """Fill the product form and submit it for moderation.

    The editor autosaves a draft as soon as the form is valid, and the first such save creates
    the page. The price (required) is typed last, so that save already has the variant and the
    picture; the submission waits for it and then edits the page it created.
    """
    admin_open_editor(page, f"{base}/admin/pages/add/catalog/productpage/{storefront.pk}/")
    check_page(page, "vendor-new-product")
    page.click("#id_variants-ADD")
    page.fill("#id_variants-0-sku", "ALPHA-LANTERN-RED")
    page.fill("#id_variants-0-options", "colour: Red")
    # The picture is uploaded from the gallery's image chooser.
    page.click("#id_gallery_images-ADD")
    page.click("#inline_child_gallery_images-0 button.chooser__choose-button")
    page.click(".modal #tab-label-upload")
    page.set_input_files(
        "#id_image-chooser-upload-file",
        {"name": "lantern.png", "mimeType": "image/png", "buffer": _png()},
    )
    # The chooser names the picture after its file first.
    expect(page.locator("#id_image-chooser-upload-title")).to_have_value("lantern")
    page.fill("#id_image-chooser-upload-title", "Storm Lantern, lit")
    page.fill("#id_image-chooser-upload-description", "A red lantern glowing on a camp table")
    page.click(".modal #tab-upload button[type=submit]")
    page.wait_for_selector(".modal", state="detached")
    assert page.locator("#id_gallery_images-0-image-title").inner_text() == "Storm Lantern, lit"
    page.fill("#id_gallery_images-0-caption", "Lit at dusk")
    page.fill("#id_summary", "A wind-proof lantern for the campsite.")
    page.select_option("#id_categories", label=camping.title)
    page.fill("#id_title", "Storm Lantern")
    page.fill("#id_price", "36.00")
    admin_wait_autosaved(page)
    admin_page_action(page, "button[name='action-submit']")
    assert page.url == f"{base}/admin/pages/{storefront.pk}/"
    assert "Page 'Storm Lantern' has been submitted for moderation." in page.content()
    check_page(page, "vendor-submitted")


def test_a_vendors_new_product_is_approved_bought_and_shipped(
    site_tree,
    vendor_a,
    owner_a,
    editor,
    eager_celery,
    live_server,
    browser_context,
    check_page,
    settings,
):
    base = live_server.url
    camping = make_category(title="Camping")
    shopper = UserFactory(email="lantern.buyer@example.com")
    storefront = vendor_a.storefront

    # The vendor creates the product and submits it; it is not on the site yet.
    vendor = browser_context(DESKTOP)
    admin_log_in(vendor, base, owner_a.email, PASSWORD)
    _create_product_and_submit(vendor, base, storefront, camping, check_page)
    product = ProductPage.objects.child_of(storefront).get(slug="storm-lantern")
    assert (product.live, product.vendor_id, product.price) == (False, vendor_a.pk, Decimal("36"))
    assert [(v.sku, v.options) for v in product.variants.all()] == [
        ("ALPHA-LANTERN-RED", {"colour": "Red"})
    ]
    (gallery_image,) = product.gallery_images.select_related("image")
    assert (gallery_image.image.title, gallery_image.caption) == (
        "Storm Lantern, lit",
        "Lit at dusk",
    )
    assert gallery_image.image.collection_id == vendor_a.collection_id
    workflow = WorkflowState.objects.get(base_content_type__isnull=False, object_id=str(product.pk))
    assert (workflow.status, workflow.requested_by) == (WorkflowState.STATUS_IN_PROGRESS, owner_a)
    shopper_page = browser_context(DESKTOP)
    assert shopper_page.goto(f"{base}/vendors/{vendor_a.slug}/storm-lantern/").status == 404
    check_page(shopper_page, "shopper-not-found-before-approval")

    # Stock is kept off the page, on the stock screen.
    vendor.goto(f"{base}/admin/stock/?q=ALPHA-LANTERN-RED")
    vendor.fill("input[aria-label='New quantity for ALPHA-LANTERN-RED']", "7")
    vendor.click("form:has(input[aria-label='New quantity for ALPHA-LANTERN-RED']) button")
    vendor.wait_for_selector("text=ALPHA-LANTERN-RED: stock set to 7.")
    check_page(vendor, "vendor-stock")
    variant = product.variants.get()
    assert Stock.objects.get(variant=variant).quantity == 7

    # An editor approves it, which publishes it. Wagtail's approve button fills hidden fields of
    # the edit form, which its autosave takes for an edit: when the approval answers later than
    # the autosave fires, the autosave posts the approval a second time (Wagtail answers 500 and
    # saves a new draft). The editor changes nothing here, so the page opens without autosave.
    settings.WAGTAIL_AUTOSAVE_INTERVAL = 0
    editor_page = browser_context(DESKTOP)
    admin_log_in(editor_page, base, editor.email, PASSWORD)
    editor_page.goto(f"{base}/admin/pages/{product.pk}/edit/")
    check_page(editor_page, "editor-review")
    admin_page_action(
        editor_page,
        "button[data-workflow-action-name='approve']:not([data-workflow-action-modal-url])",
    )
    product = ProductPage.objects.get(pk=product.pk)
    assert (product.live, product.has_unpublished_changes) == (True, False)
    workflow.refresh_from_db()
    assert workflow.status == WorkflowState.STATUS_APPROVED
    check_page(editor_page, "editor-approved")

    # The shopper finds it in its category and buys it (the dummy provider's test card).
    site_log_in(shopper_page, base, shopper.email, PASSWORD, next_path=camping.url)
    check_page(shopper_page, "shopper-category")
    card = shopper_page.locator(".product-card", has_text="Storm Lantern")
    assert card.locator(".product-card__vendor").inner_text() == "Alpha Goods"
    card.locator("a").first.click()
    shopper_page.wait_for_url(f"{base}{product.url}")
    assert shopper_page.locator("main h1").inner_text() == "Storm Lantern"
    assert shopper_page.locator(".variants .variant__label").all_inner_texts() == ["Red"]
    assert shopper_page.locator(".variants .variant__price").all_inner_texts() == ["€36.00"]
    check_page(shopper_page, "shopper-product")
    add_to_cart(shopper_page, base, product.url)
    check_page(shopper_page, "shopper-cart")
    number = checkout_to_new_address(shopper_page, base)
    check_page(shopper_page, "shopper-order-placed")
    pay_with_test_card(shopper_page, base, number, "4242 4242 4242 4242")
    assert shopper_page.locator("[data-order-status=paid]").count() == 1
    check_page(shopper_page, "shopper-paid")
    order = Order.objects.get(number=number)
    line = order.lines.get()
    assert (order.status, order.user, order.total) == (Order.Status.PAID, shopper, Decimal("36"))
    assert (line.sku, line.vendor_id, line.quantity, line.shipped_at) == (
        "ALPHA-LANTERN-RED",
        vendor_a.pk,
        1,
        None,
    )
    assert Stock.objects.get(variant=variant).quantity == 6

    # The vendor ships the line from the vendor orders screen.
    vendor.goto(f"{base}/admin/vendors/orders/")
    check_page(vendor, "vendor-orders")
    vendor.check(f"input[aria-label='Ship line {line.pk}']")
    vendor.fill("input[name=carrier]", "DHL")
    vendor.fill("input[name=tracking_number]", "JD0146000031")
    vendor.click("button:has-text('Mark shipped')")
    vendor.wait_for_selector("text=1 line(s) marked shipped.")
    check_page(vendor, "vendor-shipped")
    line.refresh_from_db()
    order.refresh_from_db()
    assert (line.carrier, line.tracking_number) == ("DHL", "JD0146000031")
    assert line.shipped_at is not None
    assert order.status == Order.Status.FULFILLED

    # The shopper sees it shipped on the order page.
    shopper_page.goto(f"{base}/orders/{number}/")
    assert shopper_page.locator(".order-status").inner_text() == "Fulfilled"
    shipped_on = date_filter(localtime(line.shipped_at), "j M Y")
    assert shopper_page.locator(".order-lines td[data-label=Shipping]").inner_text() == (
        f"Shipped {shipped_on} with DHL, tracking JD0146000031"
    )
    # The timeline lists the shipment with the time it was recorded.
    shipped = shopper_page.locator(".order-timeline__step", has_text="Shipped by Alpha Goods")
    assert shipped.locator("time").get_attribute("datetime") == date_filter(
        localtime(line.shipped_at), "c"
    )
    assert shipped.locator(".order-timeline__detail").inner_text() == (
        "Storm Lantern (Red) with DHL, tracking JD0146000031."
    )
    assert shopper_page.locator(".order-timeline__title").all_inner_texts() == [
        "Placed",
        "Paid",
        "Shipped by Alpha Goods",
        "Every item shipped",
    ]
    check_page(shopper_page, "shopper-order-shipped")
