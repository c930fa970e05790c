import pytest
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file

from catalog.images import image_renditions_generate, product_image_rendition_specs

pytestmark = pytest.mark.django_db


def test_a_new_image_gets_the_catalog_renditions_after_commit(
    eager_celery, django_capture_on_commit_callbacks
):
    Image = get_image_model()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        image = Image.objects.create(title="Mug photo", file=get_test_image_file())
        assert image.renditions.count() == 0  # nothing made inside the upload's transaction

    assert len(callbacks) == 1
    assert sorted(image.renditions.values_list("filter_spec", flat=True)) == (
        product_image_rendition_specs()
    )
    assert product_image_rendition_specs() == [
        "fill-160x160",
        "fill-300x300",
        "fill-400x400",
        "max-1200x1200",
    ]


def test_generating_twice_makes_nothing_new_and_a_deleted_image_is_no_error(eager_celery):
    image = get_image_model().objects.create(title="Lamp", file=get_test_image_file())
    assert image_renditions_generate(image_id=image.pk) == 4
    assert image_renditions_generate(image_id=image.pk) == 4
    assert image.renditions.count() == 4
    assert image_renditions_generate(image_id=image.pk + 1000) == 0


def test_saving_an_existing_image_queues_nothing(django_capture_on_commit_callbacks):
    image = get_image_model().objects.create(title="Plate", file=get_test_image_file())
    with django_capture_on_commit_callbacks() as callbacks:
        image.title = "Dinner plate"
        image.save()
    assert callbacks == []
