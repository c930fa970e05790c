"""Vendor member A cannot read vendor B's titles (drafts included) by putting B's ids in admin
URLs that Wagtail answers before checking permissions: bulk action confirmations, the page
chooser opened at B's page, the chooser's chosen-multiple answer and the page types usage
report. Refused POSTs change nothing. A's own objects and editors are served as before."""

import pytest
from django.urls import reverse
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Page

from catalog.tests.factories import make_product


@pytest.fixture
def draft_b(world):
    """B's newest product, never published: the last edited product page of the site."""
    return make_product(vendor=world.b, title="Beta Secret Vase", publish=False)


def _bulk_url(app, model, action, *ids):
    query = "&".join(f"id={pk}" for pk in ids)
    return reverse("wagtail_bulk_action", args=[app, model, action]) + "?" + query


def _page_state(page):
    page = Page.objects.get(pk=page.pk)
    return (page.title, page.live, page.path, page.latest_revision_id, page.live_revision_id)


@pytest.mark.parametrize("action", ["delete", "publish", "unpublish"])
def test_page_bulk_action_hides_another_vendors_titles(world, draft_b, action):
    live_before = _page_state(world.product_b)
    draft_before = _page_state(draft_b)
    url = _bulk_url("wagtailcore", "page", action, world.product_b.pk, draft_b.pk)

    get = world.client.get(url)
    post = world.client.post(url)

    for response in (get, post):
        assert response.status_code == 404
        assert "Beta Bowl" not in response.content.decode()
        assert "Beta Secret Vase" not in response.content.decode()
    assert _page_state(world.product_b) == live_before
    assert _page_state(draft_b) == draft_before


def test_page_bulk_action_mixing_own_and_foreign_ids_lists_only_own(world, draft_b):
    before = _page_state(draft_b)
    url = _bulk_url("wagtailcore", "page", "publish", world.product_a.pk, draft_b.pk)

    response = world.client.get(url)
    world.client.post(url)

    assert response.status_code == 200
    assert "Alpha Mug" in response.content.decode()
    assert "Beta Secret Vase" not in response.content.decode()
    assert _page_state(draft_b) == before


@pytest.mark.parametrize(
    ("app", "model", "attribute", "title", "manager"),
    [
        ("wagtailimages", "image", "image_b", "beta-image", get_image_model),
        ("wagtaildocs", "document", "document_b", "beta-doc", get_document_model),
    ],
)
def test_media_bulk_delete_hides_another_vendors_titles(
    world, app, model, attribute, title, manager
):
    item = getattr(world, attribute)
    url = _bulk_url(app, model, "delete", item.pk)

    get = world.client.get(url)
    post = world.client.post(url)

    for response in (get, post):
        assert response.status_code == 404
        assert title not in response.content.decode()
    assert manager().objects.filter(pk=item.pk, title=title).exists()


def test_own_image_bulk_delete_confirmation_is_shown(world):
    response = world.client.get(_bulk_url("wagtailimages", "image", "delete", world.image_a.pk))

    assert response.status_code == 200
    assert "alpha-image" in response.content.decode()


def test_page_chooser_at_another_vendors_page_is_not_found(world, draft_b):
    responses = [
        world.client.get(reverse("wagtailadmin_choose_page_child", args=[page.pk]))
        for page in (world.b.storefront, world.product_b, draft_b)
    ]
    own = world.client.get(reverse("wagtailadmin_choose_page_child", args=[world.a.storefront.pk]))

    for response in responses:
        assert response.status_code == 404
        body = response.content.decode()
        assert "Beta Wares" not in body
        assert "Beta Bowl" not in body
        assert "Beta Secret Vase" not in body
    assert own.status_code == 200
    assert "Alpha Mug" in own.content.decode()


def test_page_chooser_chosen_multiple_answers_only_choosable_pages(world, draft_b):
    response = world.client.get(
        reverse("wagtailadmin_choose_page_chosen_multiple"),
        {"id": [world.product_b.pk, draft_b.pk, world.product_a.pk]},
    )

    body = response.content.decode()
    assert response.status_code == 200
    assert "Alpha Mug" in body
    assert "Beta Bowl" not in body
    assert "Beta Secret Vase" not in body


def test_page_types_usage_report_is_refused_to_vendors(world, draft_b):
    responses = [
        world.client.get(reverse("wagtailadmin_reports:page_types_usage")),
        world.client.get(reverse("wagtailadmin_reports:page_types_usage_results")),
    ]
    menu = world.client.get(reverse("wagtailadmin_home"))

    for response in responses:
        assert response.status_code in (302, 403)
        assert "Beta Secret Vase" not in response.content.decode()
        assert "Beta Bowl" not in response.content.decode()
    assert menu.status_code == 200
    assert reverse("wagtailadmin_reports:page_types_usage") not in menu.content.decode()


def test_editor_still_sees_every_title(world, draft_b, editor, client):
    client.force_login(editor)

    bulk = client.get(_bulk_url("wagtailcore", "page", "publish", draft_b.pk))
    report = client.get(reverse("wagtailadmin_reports:page_types_usage"))
    chooser = client.get(reverse("wagtailadmin_choose_page_child", args=[world.b.storefront.pk]))

    assert bulk.status_code == 200
    assert "Beta Secret Vase" in bulk.content.decode()
    assert report.status_code == 200
    assert "Beta Secret Vase" in report.content.decode()
    assert chooser.status_code == 200
    assert "Beta Bowl" in chooser.content.decode()
