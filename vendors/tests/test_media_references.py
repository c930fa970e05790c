"""A vendor cannot put another vendor's images or documents in their pages by sending ids the
choosers never offered: the gallery image field, image blocks in the body, rich-text image
embeds and document links are all checked against the vendor policy. Every refused attempt
leaves the page and its revisions unchanged; A's own media work; editors may use any."""

import json
import uuid

import pytest
from django.urls import reverse
from wagtail.models import Page

from catalog.models import ProductPage
from vendors.models import VendorPage
from vendors.tests.admin_forms import page_edit_data

REFUSED = "that is not in your library"


def _state(page):
    page = Page.objects.get(pk=page.pk)
    return (page.latest_revision_id, page.live_revision_id, page.has_unpublished_changes)


def _post_edit(client, page, data):
    return client.post(reverse("wagtailadmin_pages:edit", args=[page.pk]), data)


def _gallery(data, image_id):
    data.update(
        {
            "gallery_images-TOTAL_FORMS": "1",
            "gallery_images-INITIAL_FORMS": "0",
            "gallery_images-0-image": str(image_id),
            "gallery_images-0-caption": "On the table",
            "gallery_images-0-id": "",
            "gallery_images-0-ORDER": "1",
            "gallery_images-0-DELETE": "",
        }
    )
    return data


def _image_block(data, image_id):
    data.update(
        {
            "body-count": "1",
            "body-0-type": "image",
            "body-0-deleted": "",
            "body-0-order": "0",
            "body-0-id": str(uuid.uuid4()),
            "body-0-value-image": str(image_id),
            "body-0-value-decorative": "",
            "body-0-value-alt_text": "A bowl",
        }
    )
    return data


def _contentstate(entity: dict, *, atomic: bool) -> str:
    text = " " if atomic else "our manual"
    return json.dumps(
        {
            "blocks": [
                {
                    "key": "a1b2c",
                    "text": text,
                    "type": "atomic" if atomic else "unstyled",
                    "depth": 0,
                    "inlineStyleRanges": [],
                    "entityRanges": [{"offset": 0, "length": len(text), "key": 0}],
                    "data": {},
                }
            ],
            "entityMap": {"0": entity},
        }
    )


def _image_embed(image_id) -> str:
    return _contentstate(
        {
            "type": "IMAGE",
            "mutability": "IMMUTABLE",
            "data": {"id": image_id, "format": "fullwidth", "alt": "A bowl"},
        },
        atomic=True,
    )


def _document_link(document_id) -> str:
    return _contentstate(
        {"type": "DOCUMENT", "mutability": "MUTABLE", "data": {"id": document_id}}, atomic=False
    )


def _rich_text_block(data, contentstate: str):
    data.update(
        {
            "body-count": "1",
            "body-0-type": "paragraph",
            "body-0-deleted": "",
            "body-0-order": "0",
            "body-0-id": str(uuid.uuid4()),
            "body-0-value": contentstate,
        }
    )
    return data


PATHS = {
    "gallery image": lambda data, world, own: _gallery(
        data, (world.image_a if own else world.image_b).pk
    ),
    "image block": lambda data, world, own: _image_block(
        data, (world.image_a if own else world.image_b).pk
    ),
    "rich-text image embed": lambda data, world, own: _rich_text_block(
        data, _image_embed((world.image_a if own else world.image_b).pk)
    ),
    "rich-text document link": lambda data, world, own: _rich_text_block(
        data, _document_link((world.document_a if own else world.document_b).pk)
    ),
}


@pytest.mark.parametrize("path", list(PATHS))
def test_vendor_cannot_save_another_vendors_media_in_a_product(world, path):
    before = _state(world.product_a)
    revisions = world.product_a.revisions.count()
    data = PATHS[path](page_edit_data(world.client, world.product_a), world, False)
    data["action-submit"] = "1"

    response = _post_edit(world.client, world.product_a, data)

    assert response.status_code == 200
    assert REFUSED in response.content.decode()
    assert _state(world.product_a) == before
    assert world.product_a.revisions.count() == revisions
    page = ProductPage.objects.get(pk=world.product_a.pk)
    assert page.gallery_images.count() == 0
    assert not page.body


@pytest.mark.parametrize("path", list(PATHS))
def test_vendor_can_save_own_media_in_a_product(world, path):
    data = PATHS[path](page_edit_data(world.client, world.product_a), world, True)

    response = _post_edit(world.client, world.product_a, data)

    assert response.status_code == 302, response.content.decode()[:3000]
    latest = ProductPage.objects.get(pk=world.product_a.pk).get_latest_revision_as_object()
    if path == "gallery image":
        assert [item.image_id for item in latest.gallery_images.all()] == [world.image_a.pk]
    else:
        assert len(latest.body) == 1


@pytest.mark.parametrize("path", list(PATHS))
def test_editor_can_use_any_vendors_media(world, editor, client, path):
    client.force_login(editor)
    data = PATHS[path](page_edit_data(client, world.product_a), world, False)
    data["action-publish"] = "1"

    response = _post_edit(client, world.product_a, data)

    assert response.status_code == 302, response.content.decode()[:3000]
    page = ProductPage.objects.get(pk=world.product_a.pk)
    if path == "gallery image":
        assert [item.image_id for item in page.gallery_images.all()] == [world.image_b.pk]
    else:
        assert len(page.body) == 1


def test_vendor_cannot_put_another_vendors_media_on_their_storefront(world):
    storefront = VendorPage.objects.get(pk=world.a.storefront.pk)
    before = _state(storefront)

    logo = page_edit_data(world.client, storefront, logo=str(world.image_b.pk))
    intro = page_edit_data(world.client, storefront, intro=_document_link(world.document_b.pk))
    responses = [_post_edit(world.client, storefront, data) for data in (logo, intro)]

    for response in responses:
        assert response.status_code == 200
        assert REFUSED in response.content.decode()
    assert _state(storefront) == before
    storefront.refresh_from_db()
    assert storefront.logo_id is None
    assert world.document_b.title not in storefront.intro

    own = page_edit_data(world.client, storefront, logo=str(world.image_a.pk))
    assert _post_edit(world.client, storefront, own).status_code == 302
