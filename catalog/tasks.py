"""Celery tasks of the catalog: thin shells around its services, safe to run twice."""

from celery import shared_task


# The name predates the task's move to the catalog; kept so queued messages still find it.
@shared_task(name="commerce.image_renditions_generate")
def image_renditions_generate_task(image_id: int) -> int:
    from catalog.images import image_renditions_generate

    return image_renditions_generate(image_id=image_id)
