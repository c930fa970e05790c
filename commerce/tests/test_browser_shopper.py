"""The demo shopper's journey in Debian's Chromium (Playwright): find orders, a confirmation
page that leads somewhere, an address remembered for the next checkout, nothing a shopper
should not see, and a phone layout (390 px) where nothing is clipped or runs off the screen.
Every page on the way passes axe-core with no serious or critical violation, and is kept as
desktop and phone screenshots under artifacts/screenshots/."""

import re

import pytest
from django.template.defaultfilters import date as date_filter
from django.utils.timezone import localtime

from accounts.models import Address
from catalog.models import ProductPage
from commerce.models import Order
from nexus.money import money_format
from nexus.tests.browser_steps import add_to_cart, site_log_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SHOPPER_EMAIL = "shopper@nexus.localhost"
SHOPPER_PASSWORD = "nexus-shopper"  # noqa: S105 - the demo shopper's documented login
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


def _fits(page, selector) -> None:
    """Every element matching `selector` lies within the viewport's width."""
    width = page.viewport_size["width"]
    boxes = [element.bounding_box() for element in page.query_selector_all(selector)]
    assert boxes, f"nothing matches {selector} on {page.url}"
    for box in boxes:
        assert box["x"] >= 0 and box["x"] + box["width"] <= width, (selector, page.url, box)


def _no_sideways_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]


def test_shopper_pays_finds_the_order_and_checks_out_again(
    demo_shop, eager_celery, live_server, browser_context, check_page
):
    base = live_server.url
    failed: list[str] = []
    page = browser_context(DESKTOP, failed=failed)
    page.goto(f"{base}/")
    check_page(page, "home")
    page.click(".hero a.button")
    page.wait_for_url(f"{base}/shop/")
    check_page(page, "shop")
    page.goto(f"{base}/account/login/?next=/account/")
    check_page(page, "login")
    site_log_in(page, base, SHOPPER_EMAIL, SHOPPER_PASSWORD, next_path="/account/")
    check_page(page, "account")

    # The variant picker names the option; the SKU is secondary small print.
    page.goto(f"{base}/vendors/northwind-outfitters/rain-jacket/")
    check_page(page, "product")
    labels = page.locator(".variants .variant__label").all_inner_texts()
    assert labels and not any(re.fullmatch(r"[A-Z0-9-]{6,}", label) for label in labels)
    assert page.locator(".variants .variant__sku").first.inner_text().startswith("SKU ")
    # Thumbnails switch the main picture instead of linking to raw image files.
    assert page.locator(".product__gallery a[href*='/media/']").count() == 0
    thumbnails = page.locator(".product__thumbnail")
    assert thumbnails.count() == 2
    thumbnails.nth(1).click()
    main_src = page.locator(".product__main-image img").get_attribute("src")
    assert main_src == thumbnails.nth(1).get_attribute("data-gallery-src")

    add_to_cart(page, base, "/vendors/summit-camp-supply/camp-stove/")
    check_page(page, "cart")
    page.goto(f"{base}/checkout/")
    check_page(page, "checkout")
    # Before paying, each vendor's shipping is shown: the figure the order will be charged.
    stove = ProductPage.objects.get(slug="camp-stove")
    seller = stove.vendor
    assert page.locator(".checkout__vendor h3").all_inner_texts() == [f"Sold by {seller.name}"]
    assert page.locator(".checkout__vendor-shipping dt").all_inner_texts() == [
        f"Shipping from {seller.name}"
    ]
    shown_shipping = page.locator(f"[data-vendor-shipping='{seller.pk}']").inner_text()
    shown_total = page.locator("[data-total=total]").inner_text()
    assert page.is_checked("input[name=address][value=new]")
    assert page.is_checked("input[name=save_address]")
    page.fill("#id_full_name", "Sam Shopper")
    page.fill("#id_line1", "5 Harbour Road")
    page.fill("#id_city", "Bristol")
    page.fill("#id_postal_code", "BS1 4RN")
    page.select_option("#id_country", "GB")
    page.click("button:has-text('Place order')")
    page.wait_for_url(re.compile(r"/orders/[A-Z0-9-]+/$"))
    check_page(page, "order-placed")
    order = Order.objects.get(user__email=SHOPPER_EMAIL)
    assert order.shipping_total == seller.shipping_flat_rate
    assert shown_shipping == money_format(order.shipping_total, order.currency)
    assert shown_total == money_format(order.total, order.currency)
    assert order.total == order.subtotal + order.shipping_total

    page.click(".order__payment a.button")
    check_page(page, "pay")
    page.fill("#card_number", "4242 4242 4242 4242")
    page.click("main button[type=submit]")
    page.wait_for_url(f"{base}/orders/{order.number}/payment/")
    assert page.locator("[data-order-status=paid]").count() == 1
    check_page(page, "payment-confirmed")
    confirmation = page.locator("section.payment")
    assert "Camp Stove" in confirmation.locator(".order-lines").inner_text()
    assert "5 Harbour Road" in confirmation.locator("address").inner_text()
    assert "What happens next" in confirmation.inner_text()
    links = dict(
        zip(
            page.locator(".payment__links a").all_inner_texts(),
            [
                link.get_attribute("href")
                for link in page.locator(".payment__links a").element_handles()
            ],
            strict=True,
        )
    )
    assert links == {
        f"See order {order.number}": f"/orders/{order.number}/",
        "All your orders": "/orders/",
        "Continue shopping": "/shop/",
    }

    page.click(".payment__links a:has-text('All your orders')")
    page.wait_for_url(f"{base}/orders/")
    check_page(page, "orders")
    assert page.locator(f"tr[data-order='{order.number}']").inner_text().count("Paid") == 1
    page.goto(f"{base}/orders/{order.number}/")
    check_page(page, "order-paid")
    assert "pi_dummy" not in page.content() and "(dummy)" not in page.content()
    # The order's timeline: placed and paid at the times recorded, the shipment still to come.
    steps = page.locator(".order-timeline__step")
    assert page.locator(".order-timeline__title").all_inner_texts() == [
        "Placed",
        "Paid",
        f"Shipped by {seller.name}",
    ]
    recorded = [
        date_filter(localtime(change.created_at), "c")
        for change in order.status_changes.order_by("created_at", "pk")
    ]
    assert [steps.nth(i).locator("time").get_attribute("datetime") for i in (0, 1)] == recorded
    assert steps.nth(1).locator(".order-timeline__detail").inner_text() == "Payment received."
    assert steps.nth(2).locator("time").count() == 0
    assert steps.nth(2).locator(".order-timeline__when").inner_text() == "Not yet"

    # The account page and its menu list the orders.
    page.goto(f"{base}/account/")
    assert page.locator(".account-nav a:has-text('Orders')").get_attribute("href") == "/orders/"
    assert page.locator("header .site-nav a:has-text('Orders')").get_attribute("href") == (
        "/orders/"
    )
    assert f"Order {order.number}" in page.locator(".recent-orders").inner_text()

    # The next checkout offers the saved address, preselected.
    saved = Address.objects.get(user__email=SHOPPER_EMAIL)
    assert (saved.line1, saved.is_default) == ("5 Harbour Road", True)
    add_to_cart(page, base, "/vendors/summit-camp-supply/camp-stove/")
    page.goto(f"{base}/checkout/")
    check_page(page, "checkout-saved-address")
    assert page.is_checked(f"input[name=address][value='{saved.pk}']")
    assert not page.is_checked("input[name=address][value=new]")

    # No page asked for something missing, the favicon included (the test server does not
    # serve uploaded media, so product pictures are left out).
    page.goto(f"{base}/favicon.ico")
    assert page.url == f"{base}/static/favicon.svg"
    assert [url for url in failed if "/media/" not in url] == []


def test_phone_layout_fits_390_pixels(demo_shop, live_server, browser_context):
    base = live_server.url
    page = browser_context(PHONE)

    page.goto(f"{base}/")
    hero = page.locator(".hero").bounding_box()
    for selector in (".hero h1", ".hero a.button"):
        element = page.locator(selector)
        assert element.is_visible()
        box = element.bounding_box()
        # Inside the hero (which clips what overflows it) and inside the screen's width.
        assert box["y"] >= hero["y"] and box["y"] + box["height"] <= hero["y"] + hero["height"]
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    assert page.locator(".hero a.button").inner_text() == "Browse the shop"
    _fits(page, "header .search button")
    _no_sideways_scroll(page)

    site_log_in(page, base, SHOPPER_EMAIL, SHOPPER_PASSWORD, next_path="/account/")
    add_to_cart(page, base, "/vendors/northwind-outfitters/rain-jacket/")
    _fits(page, "table.cart-lines")
    _fits(page, "table.cart-lines button")
    _fits(page, "header .search button")
    _no_sideways_scroll(page)

    page.goto(f"{base}/checkout/")
    page.fill("#id_full_name", "Sam Shopper")
    page.fill("#id_line1", "5 Harbour Road")
    page.fill("#id_city", "Bristol")
    page.fill("#id_postal_code", "BS1 4RN")
    page.select_option("#id_country", "GB")
    page.click("button:has-text('Place order')")
    page.wait_for_url(re.compile(r"/orders/[A-Z0-9-]+/$"))
    _fits(page, "table.order-lines")
    _fits(page, "header .search button")
    _no_sideways_scroll(page)

    page.goto(f"{base}/orders/")
    _fits(page, "table.order-list")
    _no_sideways_scroll(page)
