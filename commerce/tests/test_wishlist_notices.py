from decimal import Decimal

import pytest
from django.core import mail

from accounts.tests.factories import UserFactory
from catalog import inventory
from catalog.tests.factories import make_product
from commerce import tasks
from commerce.models import WishlistItem, WishlistWatch
from commerce.outbox.models import OutboxMessage
from vendors.tests.factories import make_vendor

pytestmark = pytest.mark.django_db


@pytest.fixture
def watched(site_tree):
    vendor = make_vendor(name="Alpha Goods")
    lamp = make_product(vendor=vendor, title="Desk Lamp", price="40.00", stock=0)
    mug = make_product(vendor=vendor, title="Mug", price="10.00", stock=5)
    ada = UserFactory(email="ada@example.com")
    bob = UserFactory(email="bob@example.com")
    WishlistItem.objects.create(user=ada, product=lamp)
    WishlistItem.objects.create(user=bob, product=lamp)
    WishlistItem.objects.create(user=ada, product=mug)
    return type("Watched", (), {"lamp": lamp, "mug": mug, "ada": ada, "bob": bob})


def _run(capture):
    with capture(execute=True):
        return tasks.wishlist_notices.run()


def test_first_run_only_records_what_watchers_see(
    watched, eager_celery, django_capture_on_commit_callbacks
):
    assert _run(django_capture_on_commit_callbacks) == 0
    assert sorted(WishlistWatch.objects.values_list("product_id", "price", "is_in_stock")) == [
        (watched.lamp.pk, Decimal("40.00"), False),
        (watched.mug.pk, Decimal("10.00"), True),
    ]
    assert mail.outbox == []


def test_back_in_stock_is_told_once_to_each_watcher(
    watched, eager_celery, django_capture_on_commit_callbacks
):
    _run(django_capture_on_commit_callbacks)
    inventory.stock_set(variant_id=watched.lamp.variants.get().pk, quantity=4)

    assert _run(django_capture_on_commit_callbacks) == 2
    assert _run(django_capture_on_commit_callbacks) == 0

    assert sorted(m.to[0] for m in mail.outbox) == ["ada@example.com", "bob@example.com"]
    assert {m.subject for m in mail.outbox} == {"Back in stock: Desk Lamp"}
    assert "in stock again, from €40.00" in mail.outbox[0].body
    assert watched.lamp.url in mail.outbox[0].body


def test_a_price_drop_is_told_to_watchers_and_a_rise_is_not(
    watched, eager_celery, django_capture_on_commit_callbacks
):
    _run(django_capture_on_commit_callbacks)
    mug = watched.mug
    mug.price = Decimal("12.00")
    mug.save_revision().publish()
    assert _run(django_capture_on_commit_callbacks) == 0

    mug.price = Decimal("7.50")
    mug.save_revision().publish()
    assert _run(django_capture_on_commit_callbacks) == 1

    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["ada@example.com"], "Price drop: Mug now from €7.50")
    ]
    assert "(was €12.00)" in mail.outbox[0].body


def test_a_shopper_who_removed_the_item_meanwhile_gets_nothing(
    watched, eager_celery, django_capture_on_commit_callbacks
):
    _run(django_capture_on_commit_callbacks)
    inventory.stock_set(variant_id=watched.lamp.variants.get().pk, quantity=1)
    with django_capture_on_commit_callbacks(execute=False):
        tasks.wishlist_notices.run()  # recorded, not yet delivered
    WishlistItem.objects.filter(user=watched.bob).delete()
    from commerce.outbox.services import outbox_drain

    outbox_drain()
    assert [m.to for m in mail.outbox] == [["ada@example.com"]]
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {"delivered"}
