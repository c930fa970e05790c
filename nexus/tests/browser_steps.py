"""Steps that the browser journeys share: logging in on the site and in the Wagtail admin,
adding to the cart, checking out to a new address, paying, and the admin's save menu.

Each step waits for the page it leads to, so a journey never sleeps."""

import re

from playwright.sync_api import expect

# The demo editor's documented login (`seed_demo`, the `demo_shop` fixture).
DEMO_EDITOR_EMAIL = "editor@nexus.localhost"
DEMO_EDITOR_PASSWORD = "nexus-editor"  # noqa: S105 - documented in the README

ORDER_URL = re.compile(r"/orders/[A-Z0-9-]+/$")
# What a shopper types as a new shipping address at checkout.
SHIPPING_ADDRESS = {
    "#id_full_name": "Sam Shopper",
    "#id_line1": "5 Harbour Road",
    "#id_city": "Bristol",
    "#id_postal_code": "BS1 4RN",
}


def site_log_in(page, base_url: str, email: str, password: str, *, next_path: str) -> None:
    """Log in through the site's login page and land on `next_path`."""
    page.goto(f"{base_url}/account/login/?next={next_path}")
    page.fill("#id_username", email)
    page.fill("#id_password", password)
    page.click("main button:has-text('Log in')")
    page.wait_for_url(f"{base_url}{next_path}")


# Wagtail's editor watches its form for edits from a moment after it loads (what is typed before
# counts as the form's starting state, never autosaved) and then autosaves each edit.
EDITS_WATCHED = """
document.addEventListener("w-unsaved:watch-edits", () => { window.nexusEditsWatched = true; });
"""


def admin_log_in(page, base_url: str, email: str, password: str, *, check=None) -> None:
    """Log in to the Wagtail admin and land on its dashboard; `check(page)` is called on the
    login page when given."""
    page.add_init_script(EDITS_WATCHED)
    page.goto(f"{base_url}/admin/login/")
    if check is not None:
        check(page)
    page.fill("#id_username", email)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base_url}/admin/")


def admin_open_editor(page, url: str) -> None:
    """Open a page editor (add or edit) and wait until it watches the form for edits."""
    page.goto(url)
    page.wait_for_function("() => window.nexusEditsWatched === true")


def admin_wait_autosaved(page) -> None:
    """Wait until the editor has autosaved the edits just made: the form has edits, then none
    left to save. The save menu is pressed only then, because an autosave redraws the editor's
    footer and a press on the menu while it is redrawn is lost."""
    form = page.locator("form[data-controller~='w-autosave']")
    expect(form).to_have_attribute("data-w-unsaved-has-edits-value", "true")
    expect(form).to_have_attribute("data-w-unsaved-has-edits-value", "false", timeout=30_000)
    expect(page.locator("#w-autosave-indicator")).to_have_attribute(
        "data-w-autosave-state-value", "saved"
    )


def add_to_cart(page, base_url: str, product_path: str) -> None:
    """Add the product's preselected variant to the cart from its page."""
    page.goto(f"{base_url}{product_path}")
    page.click("form.add-to-cart button[type=submit]")
    page.wait_for_url(f"{base_url}/cart/")


def checkout_to_new_address(page, base_url: str, *, country: str = "GB") -> str:
    """Place the order from the checkout page to a new address; returns the order number."""
    page.goto(f"{base_url}/checkout/")
    for selector, value in SHIPPING_ADDRESS.items():
        page.fill(selector, value)
    page.select_option("#id_country", country)
    page.click("button:has-text('Place order')")
    page.wait_for_url(ORDER_URL)
    return page.url.rstrip("/").rsplit("/", 1)[-1]


def pay_with_test_card(page, base_url: str, number: str, card: str) -> None:
    """Pay an order on the dummy provider's page and land on the payment status page."""
    page.goto(f"{base_url}/orders/{number}/pay/")
    page.fill("#card_number", card)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{base_url}/orders/{number}/payment/")


def fill_stripe_card(page, card: str) -> None:
    """Type a card into localstripe's stand-in Card Element (plain inputs named by their
    placeholder) once Stripe.js has mounted it."""
    page.fill("#card-element input[placeholder=number]", card)
    page.fill("#card-element input[placeholder=exp_month]", "12")
    page.fill("#card-element input[placeholder=exp_year]", "34")
    page.fill("#card-element input[placeholder=cvc]", "123")
    page.fill("#card-element input[placeholder=postal_code]", "42424")


def admin_page_action(page, button: str) -> None:
    """Open the page editor's save menu and press one of its actions (a CSS selector of the
    button); waits until the editor has been left, as every such action redirects."""
    page.click("footer [data-w-dropdown-target='toggle']")
    page.click(button)
    page.wait_for_url(lambda url: "/edit/" not in url and "/add/" not in url)
    assert "Sorry, you do not have permission" not in page.content()
