"""Vendor member A against vendor B's objects through the Wagtail admin: every attempt is
refused and B's objects are unchanged. A's own work is allowed, so the refusals are not an
accident of a broken view."""

import pytest
from django.urls import reverse
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import Page

from catalog.models import ProductPage
from vendors.tests.admin_forms import page_edit_data


def _state(page):
    page = Page.objects.get(pk=page.pk).specific
    return (
        page.title,
        page.path,
        page.live,
        page.latest_revision_id,
        page.live_revision_id,
        page.has_unpublished_changes,
        getattr(page, "vendor_id", None),
    )


def _denied(response):
    """Wagtail answers a permission failure with 403 or a redirect to the dashboard."""
    if response.status_code == 302:
        return response.url.rstrip("/").endswith("/admin") or "login" in response.url
    return response.status_code in (403, 404)


def test_explorer_lists_own_products_and_never_another_vendors(world):
    client = world.client

    own = client.get(reverse("wagtailadmin_explore", args=[world.a.storefront.pk]))
    other = client.get(reverse("wagtailadmin_explore", args=[world.b.storefront.pk]))
    index = client.get(reverse("wagtailadmin_explore", args=[world.a.storefront.get_parent().pk]))

    assert own.status_code == 200
    assert "Alpha Mug" in own.content.decode()
    assert _denied(other) or "Beta Bowl" not in other.content.decode()
    assert "Beta Bowl" not in index.content.decode()
    assert "Beta Wares" not in index.content.decode()


@pytest.mark.search
def test_page_search_finds_only_own_products(world):
    response = world.client.get(reverse("wagtailadmin_pages:search"), {"q": "Bowl"})
    mine = world.client.get(reverse("wagtailadmin_pages:search"), {"q": "Mug"})

    assert response.status_code == 200
    assert "Beta Bowl" not in response.content.decode()
    assert "Alpha Mug" in mine.content.decode()


def test_edit_and_publish_of_another_vendors_product_refused(world):
    before = _state(world.product_b)
    url = reverse("wagtailadmin_pages:edit", args=[world.product_b.pk])

    get = world.client.get(url)
    post = world.client.post(url, {"title": "Hijacked", "slug": "hijacked", "action-publish": "1"})

    assert _denied(get)
    assert _denied(post)
    assert _state(world.product_b) == before


def test_own_product_edit_is_allowed(world):
    # A forged `vendor` field is ignored: the field is not editable, it follows the tree.
    data = page_edit_data(world.client, world.product_a, title="Alpha Mug XL", vendor=world.b.pk)

    response = world.client.post(
        reverse("wagtailadmin_pages:edit", args=[world.product_a.pk]), data
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    page = ProductPage.objects.get(pk=world.product_a.pk)
    assert page.get_latest_revision_as_object().title == "Alpha Mug XL"
    assert page.title == "Alpha Mug"  # a draft: vendor A is not trusted
    assert page.vendor_id == world.a.pk
    assert page.get_latest_revision_as_object().vendor_id == world.a.pk


def test_delete_of_another_vendors_product_refused(world):
    before = _state(world.product_b)
    url = reverse("wagtailadmin_pages:delete", args=[world.product_b.pk])

    assert _denied(world.client.get(url))
    assert _denied(world.client.post(url))
    assert _state(world.product_b) == before


def test_delete_of_own_storefront_refused(site_tree, client):
    # A trusted vendor (publish permission) with an empty storefront: the case where
    # Wagtail's permissions alone would allow the delete.
    from accounts.tests.factories import UserFactory
    from vendors.services import vendor_onboard

    owner = UserFactory()
    vendor = vendor_onboard(
        name="Gamma Things", contact_email="g@example.com", owner=owner, is_trusted=True
    )
    client.force_login(owner)
    before = _state(vendor.storefront)

    response = client.post(reverse("wagtailadmin_pages:delete", args=[vendor.storefront.pk]))

    assert _denied(response)
    assert _state(vendor.storefront) == before


def test_move_own_product_into_another_storefront_refused(world):
    before = _state(world.product_a)
    url = reverse(
        "wagtailadmin_pages:move_confirm", args=[world.product_a.pk, world.b.storefront.pk]
    )

    assert _denied(world.client.get(url))
    assert _denied(world.client.post(url))
    assert _state(world.product_a) == before
    assert ProductPage.objects.get(pk=world.product_a.pk).vendor_id == world.a.pk


def test_move_another_vendors_product_refused(world):
    before = _state(world.product_b)
    url = reverse(
        "wagtailadmin_pages:move_confirm", args=[world.product_b.pk, world.a.storefront.pk]
    )

    assert _denied(world.client.post(url))
    assert _state(world.product_b) == before


def test_copy_another_vendors_product_refused(world):
    before_count = ProductPage.objects.count()
    url = reverse("wagtailadmin_pages:copy", args=[world.product_b.pk])

    get = world.client.get(url)
    post = world.client.post(
        url,
        {
            "new_title": "Copied",
            "new_slug": "copied",
            "new_parent_page": world.a.storefront.pk,
            "copy_subpages": "",
            "publish_copies": "",
        },
    )

    assert _denied(get)
    assert _denied(post)
    assert ProductPage.objects.count() == before_count


def test_copy_own_product_into_another_storefront_refused(world):
    before_count = ProductPage.objects.count()
    url = reverse("wagtailadmin_pages:copy", args=[world.product_a.pk])

    response = world.client.post(
        url,
        {
            "new_title": "Copied",
            "new_slug": "copied",
            "new_parent_page": world.b.storefront.pk,
        },
    )

    assert _denied(response) or response.status_code == 200
    assert ProductPage.objects.count() == before_count
    assert not ProductPage.objects.filter(slug="copied").exists()


def test_page_chooser_hides_other_vendors_pages(world):
    client = world.client

    browse_b = client.get(reverse("wagtailadmin_choose_page_child", args=[world.b.storefront.pk]))
    browse_index = client.get(
        reverse("wagtailadmin_choose_page_child", args=[world.a.storefront.get_parent().pk])
    )
    search = client.get(reverse("wagtailadmin_choose_page_search"), {"q": "Bowl"})

    assert "Beta Bowl" not in browse_b.content.decode()
    assert "Beta Wares" not in browse_index.content.decode()
    assert "Alpha Goods" in browse_index.content.decode()
    assert "Beta Bowl" not in search.content.decode()


def test_image_library_and_chooser_show_only_own_images(world):
    client = world.client

    library = client.get(reverse("wagtailimages:index"))
    chooser = client.get(reverse("wagtailimages_chooser:choose"))

    assert "alpha-image" in library.content.decode()
    assert "beta-image" not in library.content.decode()
    assert "alpha-image" in chooser.content.decode()
    assert "beta-image" not in chooser.content.decode()


def test_editing_or_deleting_another_vendors_image_refused(world):
    image = world.image_b
    edit = world.client.post(
        reverse("wagtailimages:edit", args=[image.pk]),
        {"title": "stolen", "collection": world.a.collection_id},
    )
    delete = world.client.post(reverse("wagtailimages:delete", args=[image.pk]))

    assert _denied(edit)
    assert _denied(delete)
    image.refresh_from_db()
    assert (image.title, image.collection_id) == ("beta-image", world.b.collection_id)


def test_document_chooser_shows_only_own_documents(world):
    response = world.client.get(reverse("wagtaildocs_chooser:choose"))

    assert "alpha-doc" in response.content.decode()
    assert "beta-doc" not in response.content.decode()


def test_bulk_delete_including_another_vendors_product_refused(world):
    before_a = _state(world.product_a)
    before_b = _state(world.product_b)
    url = reverse("wagtail_bulk_action", args=["wagtailcore", "page", "delete"])
    query = f"?id={world.product_a.pk}&id={world.product_b.pk}"

    world.client.post(url + query)

    assert _state(world.product_a) == before_a
    assert _state(world.product_b) == before_b


def test_bulk_delete_acts_on_own_products_only(world, owner_b, client):
    # B is trusted, so Wagtail lets its owner delete B's live products: a bulk delete naming
    # both vendors' products deletes B's and leaves A's untouched.
    client.force_login(owner_b)
    url = reverse("wagtail_bulk_action", args=["wagtailcore", "page", "delete"])
    before_a = _state(world.product_a)

    client.post(url + f"?id={world.product_a.pk}&id={world.product_b.pk}")

    assert _state(world.product_a) == before_a
    assert not Page.objects.filter(pk=world.product_b.pk).exists()


def test_editor_sees_everything(world, editor, client):
    client.force_login(editor)

    index = client.get(reverse("wagtailadmin_explore", args=[world.a.storefront.get_parent().pk]))
    images = client.get(reverse("wagtailimages_chooser:choose"))

    assert "Alpha Goods" in index.content.decode()
    assert "Beta Wares" in index.content.decode()
    assert "alpha-image" in images.content.decode()
    assert "beta-image" in images.content.decode()


def test_editor_cannot_move_a_product_to_another_vendor_either(world, editor, client):
    client.force_login(editor)
    before = _state(world.product_a)
    url = reverse(
        "wagtailadmin_pages:move_confirm", args=[world.product_a.pk, world.b.storefront.pk]
    )

    response = client.post(url)

    assert _denied(response)
    assert _state(world.product_a) == before


def test_programmatic_move_keeps_vendor_derived_from_the_tree(world):
    world.product_a.move(world.b.storefront, pos="last-child")

    assert ProductPage.objects.get(pk=world.product_a.pk).vendor_id == world.b.pk


def test_trusted_owner_cannot_move_own_storefront(world, vendor_b, owner_b, client):
    client.force_login(owner_b)
    storefront = vendor_b.storefront
    before = _state(storefront)

    response = client.post(
        reverse("wagtailadmin_pages:move_confirm", args=[storefront.pk, storefront.get_parent().pk])
    )

    assert _denied(response)
    assert _state(storefront) == before


def test_uploading_into_another_vendors_collection_refused(world):
    before = get_image_model().objects.count()

    response = world.client.post(
        reverse("wagtailimages:add"),
        {
            "title": "sneaky",
            "file": get_test_image_file(filename="sneaky.png"),
            "collection": world.b.collection_id,
        },
    )

    assert response.status_code in (200, 302, 403)
    assert get_image_model().objects.count() == before
    assert (
        not get_image_model().objects.filter(collection=world.b.collection, title="sneaky").exists()
    )
