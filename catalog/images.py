"""Renditions of new images made in the background, so uploading and publishing stay fast.

A new image (vendors upload product photos into their collection) gets the renditions the
catalog's templates and API use made by a worker after the upload commits, instead of by the
first shopper who views the product. Losing one of these tasks costs nothing but that first
view's time: Wagtail makes a missing rendition on demand, so no outbox is needed here.
"""

import logging

from django.db import transaction
from django.db.models.signals import post_save
from wagtail.images import get_image_model

from catalog.selectors import (
    API_RENDITIONS,
    CARD_RENDITION,
    GALLERY_LARGE_RENDITION,
    GALLERY_THUMBNAIL_RENDITION,
)

logger = logging.getLogger(__name__)


def product_image_rendition_specs() -> list[str]:
    """Every filter spec the catalog renders a product image with (templates and API)."""
    specs = [CARD_RENDITION, GALLERY_THUMBNAIL_RENDITION, GALLERY_LARGE_RENDITION]
    specs += API_RENDITIONS.values()
    return sorted(set(specs))


def image_renditions_generate(*, image_id: int) -> int:
    """Make the missing catalog renditions of an image; returns how many it has. Idempotent:
    Wagtail reuses renditions that exist. A deleted image is nothing to do (returns 0)."""
    image = get_image_model().objects.filter(pk=image_id).first()
    if image is None:
        return 0
    return len(image.get_renditions(*product_image_rendition_specs()))


def _enqueue(image_id: int) -> None:
    from catalog.tasks import image_renditions_generate_task

    try:
        image_renditions_generate_task.apply_async(args=[image_id], retry=False)
    except Exception as exc:  # noqa: BLE001 - the rendition is made on first view instead
        logger.warning("Renditions of image %s not queued: %s", image_id, exc)


def _image_created(sender, instance, created, **kwargs):
    if created:
        image_id = instance.pk
        transaction.on_commit(lambda: _enqueue(image_id))


def connect() -> None:
    post_save.connect(
        _image_created, sender=get_image_model(), dispatch_uid="catalog_image_renditions"
    )
