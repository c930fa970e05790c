"""Content-Security-Policy (django-csp, nexus/csp.py): the header's directives, and pages of the
shop, the Wagtail admin, the API docs and GraphiQL that work under it in Chromium, with no
violation reported."""

import re

import pytest

from catalog.models import ProductPage
from home.models import HomePage
from nexus.tests.browser_steps import DEMO_EDITOR_EMAIL, DEMO_EDITOR_PASSWORD

CSP = "Content-Security-Policy"
STRIPE = {
    "script-src": "https://js.stripe.com",
    "frame-src": "https://js.stripe.com https://hooks.stripe.com",
    "connect-src": "https://api.stripe.com",
}


def _directives(header: str) -> dict[str, str]:
    return dict(
        (part.strip().split(" ", 1) + [""])[:2] for part in header.split(";") if part.strip()
    )


@pytest.fixture
def no_stripe_stand_in(settings):
    settings.STRIPE_API_BASE = ""
    settings.STRIPE_JS_URL = ""


@pytest.mark.django_db
def test_the_shops_pages_get_the_strict_policy_with_stripe(client, site_tree, no_stripe_stand_in):
    response = client.get("/")

    assert response.status_code == 200
    assert _directives(response[CSP]) == {
        "default-src": "'self'",
        "script-src": f"'self' {STRIPE['script-src']}",
        "style-src": "'self'",
        "img-src": "'self' data: blob:",
        "font-src": "'self' data:",
        "connect-src": f"'self' {STRIPE['connect-src']}",
        "frame-src": f"'self' {STRIPE['frame-src']}",
        "worker-src": "'self'",
        "object-src": "'none'",
        "base-uri": "'self'",
        "form-action": "'self'",
        "frame-ancestors": "'self'",
    }


@pytest.mark.django_db
def test_a_stripe_stand_in_is_allowed_where_stripe_is(client, site_tree, settings):
    settings.STRIPE_API_BASE = "http://127.0.0.1:8420"
    settings.STRIPE_JS_URL = ""

    directives = _directives(client.get("/")[CSP])

    assert directives["script-src"] == f"'self' {STRIPE['script-src']} http://127.0.0.1:8420"
    assert directives["connect-src"] == f"'self' {STRIPE['connect-src']} http://127.0.0.1:8420"
    assert directives["frame-src"] == f"'self' {STRIPE['frame-src']} http://127.0.0.1:8420"


@pytest.mark.django_db
def test_the_admin_allows_inline_scripts_and_styles_and_nothing_else_more(
    client, no_stripe_stand_in
):
    directives = _directives(client.get("/admin/login/")[CSP])

    assert directives["script-src"] == f"'self' {STRIPE['script-src']} 'unsafe-inline'"
    assert directives["style-src"] == "'self' 'unsafe-inline'"
    assert (directives["default-src"], directives["object-src"]) == ("'self'", "'none'")


@pytest.mark.django_db
def test_swagger_ui_and_graphiql_carry_the_nonce_their_inline_code_uses(
    client, no_stripe_stand_in, settings
):
    settings.GRAPHQL_INTROSPECTION = True
    for path in ("/api/v1/docs/", "/graphql/"):
        response = client.get(path, HTTP_ACCEPT="text/html")

        assert response.status_code == 200
        directives = _directives(response[CSP])
        nonce = re.search(r"'nonce-([^']+)'", directives["style-src"]).group(1)
        assert directives["style-src"] == f"'self' 'nonce-{nonce}'"
        assert directives["script-src"] == f"'self' {STRIPE['script-src']} 'nonce-{nonce}'"
        assert f'<style nonce="{nonce}">' in response.text
        assert "<style>" not in response.text and "<script>" not in response.text


@pytest.mark.django_db
def test_redoc_may_insert_styles_and_start_workers_but_no_inline_script(client, no_stripe_stand_in):
    response = client.get("/api/v1/docs/redoc/")

    directives = _directives(response[CSP])
    assert directives["style-src"] == "'self' 'unsafe-inline'"
    assert directives["worker-src"] == "'self' blob:"
    assert directives["img-src"] == "'self' data: blob: https://cdn.redoc.ly"
    assert directives["script-src"] == f"'self' {STRIPE['script-src']}"
    assert "<script>" not in response.text


@pytest.mark.django_db
def test_a_changed_policy_or_stripe_address_shows_on_the_next_response(
    client, site_tree, settings, no_stripe_stand_in
):
    assert _directives(client.get("/api/v1/cart/")[CSP])["img-src"] == "'self' data: blob:"
    assert client.get("/api/v1/cart/")[CSP] == client.get("/api/v1/cart/")[CSP]

    directives = dict(settings.CONTENT_SECURITY_POLICY["DIRECTIVES"], **{"img-src": ["'self'"]})
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": directives}
    assert _directives(client.get("/api/v1/cart/")[CSP])["img-src"] == "'self'"

    settings.STRIPE_API_BASE = "http://127.0.0.1:8420"
    assert _directives(client.get("/api/v1/cart/")[CSP])["connect-src"] == (
        f"'self' {STRIPE['connect-src']} http://127.0.0.1:8420"
    )


@pytest.mark.django_db
def test_each_response_that_uses_a_nonce_gets_its_own(client, no_stripe_stand_in):
    nonces = [
        re.search(r"'nonce-([^']+)'", client.get("/api/v1/docs/")[CSP]).group(1) for _ in range(2)
    ]

    assert nonces[0] != nonces[1]
    # The policy without a nonce, built once for the area, still names none.
    assert "nonce-" not in client.get("/api/v1/docs/schema-missing/")[CSP]


# --- In the browser ---------------------------------------------------------------------------


@pytest.fixture
def watched_page(chromium_browser):
    """A page whose Content-Security-Policy violations are collected: the browser's console
    reports and the `securitypolicyviolation` events of every document it loads."""
    context = chromium_browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_init_script(
        """document.addEventListener("securitypolicyviolation", (event) => {
            console.error(`CSP violation: ${event.violatedDirective} blocked ${event.blockedURI}`
                + ` (${event.sourceFile}:${event.lineNumber})`);
        });"""
    )
    page = context.new_page()
    page.set_default_timeout(20_000)
    page.violations = []
    page.on(
        "console",
        lambda message: (
            page.violations.append(f"{page.url}: {message.text}")
            if "Content Security Policy" in message.text or "CSP violation" in message.text
            else None
        ),
    )
    yield page
    context.close()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_shop_admin_docs_and_graphiql_work_with_no_violation(
    demo_shop, live_server, watched_page, settings
):
    settings.GRAPHQL_INTROSPECTION = True
    page = watched_page
    base = live_server.url

    for path in (
        "/",
        "/shop/",
        "/vendors/northwind-outfitters/rain-jacket/",
        "/vendors/northwind-outfitters/",
        "/account/login/",
    ):
        page.goto(f"{base}{path}")
        page.wait_for_load_state("networkidle")
    # The product page's script runs: the gallery's thumbnails switch the picture.
    page.goto(f"{base}/vendors/northwind-outfitters/rain-jacket/")
    thumbnails = page.locator(".product__thumbnail")
    thumbnails.nth(1).click()
    assert page.locator(".product__main-image img").get_attribute("src") == (
        thumbnails.nth(1).get_attribute("data-gallery-src")
    )

    page.goto(f"{base}/api/v1/docs/")
    page.wait_for_selector(".swagger-ui .info .title")
    page.goto(f"{base}/api/v1/docs/redoc/")
    page.wait_for_selector("redoc .api-info h1, [class*=api-info] h1")
    page.goto(f"{base}/graphql/")
    page.wait_for_selector(".graphiql-container")

    page.goto(f"{base}/admin/login/")
    page.fill("#id_username", DEMO_EDITOR_EMAIL)
    page.fill("#id_password", DEMO_EDITOR_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/admin/")
    for edited in (HomePage.objects.get(), ProductPage.objects.get(slug="rain-jacket")):
        page.goto(f"{base}/admin/pages/{edited.pk}/edit/")
        page.wait_for_selector("#id_title")
        page.wait_for_load_state("networkidle")
        # The editor's scripts run: the settings tab's date picker and the title field.
        page.fill("#id_title", "A title typed under the policy")
        assert page.input_value("#id_title") == "A title typed under the policy"
    # The site as an editor sees it, with Wagtail's user bar.
    page.goto(f"{base}/")
    page.wait_for_load_state("networkidle")

    assert page.violations == []
