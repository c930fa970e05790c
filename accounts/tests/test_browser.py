"""Register, log out and log in through the site in Debian's Chromium (Playwright); each page,
its error states included, passes axe-core and is kept as screenshots."""

import pytest
from django.contrib.auth import get_user_model

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PASSWORD = "a-long-browser-pass-phrase-9"


@pytest.fixture
def page(chromium_browser):
    context = chromium_browser.new_context()
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def test_register_log_out_and_log_in(site_tree, live_server, page, check_page):
    page.goto(f"{live_server.url}/account/register/")
    check_page(page, "register")
    page.click("button:has-text('Create account')")
    assert page.url == f"{live_server.url}/account/register/"  # the browser asks for the fields
    page.fill("#id_email", "Browser.Shopper@Example.com")
    page.fill("#id_first_name", "Grace")
    page.fill("#id_last_name", "Hopper")
    page.fill("#id_password1", PASSWORD)
    page.fill("#id_password2", PASSWORD)
    page.click("button:has-text('Create account')")

    page.wait_for_url(f"{live_server.url}/account/")
    check_page(page, "account")
    assert "Welcome! Your account is ready." in page.content()
    assert page.locator("main strong").first.inner_text() == "browser.shopper@example.com"
    assert get_user_model().objects.filter(email="browser.shopper@example.com").exists()

    page.click("main button:has-text('Log out')")
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/account/")
    page.wait_for_url(f"{live_server.url}/account/login/?next=/account/")

    page.fill("#id_username", "browser.shopper@example.com")
    page.fill("#id_password", "not-the-password")
    page.click("main button:has-text('Log in')")
    assert page.locator(".errorlist").first.is_visible()
    check_page(page, "login-error")
    assert "Please enter a correct e-mail address and password" in page.content()

    page.fill("#id_password", PASSWORD)
    page.click("main button:has-text('Log in')")
    page.wait_for_url(f"{live_server.url}/account/")
    assert page.locator("main strong").first.inner_text() == "browser.shopper@example.com"
    assert page.locator("header .site-nav a").first.inner_text() == "Grace Hopper"
