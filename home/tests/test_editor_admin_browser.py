"""The demo editor publishes the pages editors curate and approves a vendor's submission,
through the Wagtail admin in Debian's Chromium (Playwright)."""

from io import StringIO

import pytest
from django.core.management import call_command
from wagtail.models import Page, WorkflowState

from catalog.models import CategoryPage, ProductPage, ShopIndexPage
from home.models import HomePage
from vendors.models import Vendor

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

EDITOR_EMAIL = "editor@nexus.localhost"
EDITOR_PASSWORD = "nexus-editor"  # noqa: S105 - the demo editor's documented login


@pytest.fixture
def demo_shop(db):
    call_command("seed_demo", stdout=StringIO(), stderr=StringIO())


@pytest.fixture
def admin_page(chromium_browser, live_server, demo_shop, assert_accessible):
    context = chromium_browser.new_context()
    page = context.new_page()
    page.set_default_timeout(20_000)
    page.goto(f"{live_server.url}/admin/login/")
    assert_accessible(page)
    page.fill("#id_username", EDITOR_EMAIL)
    page.fill("#id_password", EDITOR_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/")
    yield page
    context.close()


def _publish_with_new_title(page, live_server, target: Page, title: str, check) -> None:
    page.goto(f"{live_server.url}/admin/pages/{target.pk}/edit/")
    check(page, f"edit-{target.specific_class.__name__}")
    page.fill("#id_title", title)
    page.click("footer [data-w-dropdown-target='toggle']")
    page.click("button[name='action-publish']")
    page.wait_for_url(lambda url: "/edit/" not in url)
    assert "Sorry, you do not have permission" not in page.content()


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
        assert published.live_revision.user.email == EDITOR_EMAIL


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
    admin_page.click("footer [data-w-dropdown-target='toggle']")
    # "Approve and Publish" (the one without a comment modal) submits the edit form.
    admin_page.click(
        "button[data-workflow-action-name='approve']:not([data-workflow-action-modal-url])"
    )
    admin_page.wait_for_url(lambda url: "/edit/" not in url)
    assert "Sorry, you do not have permission" not in admin_page.content()

    approved = ProductPage.objects.get(pk=product.pk)
    assert (approved.title, approved.live, approved.has_unpublished_changes) == (
        "Camp Stove Pro",
        True,
        False,
    )
    state = WorkflowState.objects.get(base_content_type__isnull=False, object_id=str(product.pk))
    assert state.status == WorkflowState.STATUS_APPROVED
