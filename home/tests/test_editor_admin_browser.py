"""The demo editor publishes the pages editors curate, curates the home page's featured
products and approves a vendor's submission, through the Wagtail admin in Debian's Chromium
(Playwright)."""

import re

import pytest
from wagtail.models import Page, WorkflowState

from catalog.models import CategoryPage, ProductPage, ShopIndexPage
from home.models import HomePage
from nexus.tests.browser_steps import (
    DEMO_EDITOR_EMAIL,
    DEMO_EDITOR_PASSWORD,
    admin_log_in,
    admin_open_editor,
    admin_page_action,
    admin_wait_autosaved,
)
from vendors.models import Vendor

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def admin_page(chromium_browser, live_server, demo_shop, assert_accessible):
    context = chromium_browser.new_context()
    page = context.new_page()
    page.set_default_timeout(20_000)
    admin_log_in(
        page, live_server.url, DEMO_EDITOR_EMAIL, DEMO_EDITOR_PASSWORD, check=assert_accessible
    )
    yield page
    context.close()


def _publish_with_new_title(page, live_server, target: Page, title: str, check) -> None:
    admin_open_editor(page, f"{live_server.url}/admin/pages/{target.pk}/edit/")
    check(page, f"edit-{target.specific_class.__name__}")
    page.fill("#id_title", title)
    admin_wait_autosaved(page)
    admin_page_action(page, "button[name='action-publish']")


def test_editor_publishes_the_home_page_a_category_and_the_shop_index(
    admin_page, live_server, check_page
):
    home = HomePage.objects.get()
    category = CategoryPage.objects.get(slug="outdoors")
    shop = ShopIndexPage.objects.get()

    _publish_with_new_title(admin_page, live_server, home, "Nexus, curated", check_page)
    _publish_with_new_title(admin_page, live_server, category, "Outdoors and camping", check_page)
    _publish_with_new_title(admin_page, live_server, shop, "All products", check_page)

    for page_id, title in [
        (home.pk, "Nexus, curated"),
        (category.pk, "Outdoors and camping"),
        (shop.pk, "All products"),
    ]:
        published = Page.objects.get(pk=page_id)
        assert (published.title, published.live, published.has_unpublished_changes) == (
            title,
            True,
            False,
        )
        assert published.live_revision.user.email == DEMO_EDITOR_EMAIL


def _featured_titles(home: HomePage) -> tuple[str, list[str]]:
    (block,) = [block for block in home.body if block.block_type == "featured_products"]
    return block.value["heading"], [product.title for product in block.value["products"]]


@pytest.mark.search  # the page chooser finds the tent through the search index
def test_editor_curates_the_home_pages_featured_products(admin_page, live_server, check_page):
    base = live_server.url
    home = HomePage.objects.get()
    assert _featured_titles(home) == (
        "Featured products",
        [
            "Rain Jacket",
            "Merino Jumper",
            "Linen Shirt",
            "Wool Beanie",
            "Canvas Tote",
            "Enamel Mug",
            "Stoneware Teapot",
            "Linen Tea Towels",
        ],
    )
    curated = [
        "Two-Person Tent",
        "Rain Jacket",
        "Merino Jumper",
        "Linen Shirt",
        "Wool Beanie",
        "Enamel Mug",
        "Stoneware Teapot",
        "Linen Tea Towels",
    ]

    admin_open_editor(admin_page, f"{base}/admin/pages/{home.pk}/edit/")
    check_page(admin_page, "edit-home")
    products = admin_page.locator("[data-contentpath=products]")
    # The sold-out tote goes; the tent comes first, chosen by searching the product chooser.
    products.locator(
        "[data-streamfield-child]",
        has=admin_page.locator(".c-sf-block__title", has_text=re.compile("^Canvas Tote$")),
    ).locator("[data-streamfield-action=DELETE]").click()
    products.locator("[data-streamfield-list-add]").first.click()
    products.locator("[data-streamfield-child]").first.locator(
        "button.chooser__choose-button"
    ).click()
    admin_page.fill(".modal #id_q", "Tent")
    choice = admin_page.locator(".modal a.choose-page", has_text="Two-Person Tent")
    choice.wait_for()
    choice.click()
    admin_page.wait_for_selector(".modal", state="detached")
    admin_page.fill("#body-1-value-heading", "Editors' picks")
    admin_wait_autosaved(admin_page)
    admin_page_action(admin_page, "button[name='action-publish']")

    home = HomePage.objects.get()
    assert (home.live, home.has_unpublished_changes) == (True, False)
    assert home.live_revision.user.email == DEMO_EDITOR_EMAIL
    assert _featured_titles(home) == ("Editors' picks", curated)

    admin_page.goto(f"{base}/")
    featured = admin_page.locator(".featured--products")
    assert featured.locator("h2").inner_text() == "Editors' picks"
    assert featured.locator(".product-card__title").all_inner_texts() == curated
    check_page(admin_page, "home-page")


def test_editor_approves_a_vendors_submission(admin_page, live_server, check_page):
    vendor = Vendor.objects.get(slug="summit-camp-supply")
    assert vendor.is_trusted is False
    owner = vendor.memberships.get(role="owner").user
    product = ProductPage.objects.child_of(vendor.storefront).get(slug="camp-stove")
    product.title = "Camp Stove Pro"
    product.save_revision(user=owner)
    product.get_workflow().start(product, owner)
    assert Page.objects.get(pk=product.pk).title == "Camp Stove"

    admin_page.goto(f"{live_server.url}/admin/pages/{product.pk}/edit/")
    check_page(admin_page, "edit-in-moderation")
    # "Approve and Publish" (the one without a comment modal) submits the edit form.
    admin_page_action(
        admin_page,
        "button[data-workflow-action-name='approve']:not([data-workflow-action-modal-url])",
    )

    approved = ProductPage.objects.get(pk=product.pk)
    assert (approved.title, approved.live, approved.has_unpublished_changes) == (
        "Camp Stove Pro",
        True,
        False,
    )
    state = WorkflowState.objects.get(base_content_type__isnull=False, object_id=str(product.pk))
    assert state.status == WorkflowState.STATUS_APPROVED
