"""The outbox in the Wagtail admin: staff see dead letters and retry them."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.core import mail

from accounts.tests.factories import UserFactory
from commerce.outbox.models import OutboxMessage

pytestmark = pytest.mark.django_db


@pytest.fixture
def dead_letter(two_vendor_order):
    order = two_vendor_order.order
    return OutboxMessage.objects.create(
        key=f"order-paid:{order.pk}:shopper",
        task_name="commerce.order_confirmation_send",
        payload={"order_id": order.pk},
        status="dead",
        attempts=8,
        last_error="SMTPServerDisconnected: Connection unexpectedly closed",
    )


@pytest.fixture
def superuser(db):
    return UserFactory(email="admin@example.com", is_staff=True, is_superuser=True)


def test_staff_see_dead_letters_with_their_error(client, superuser, dead_letter):
    client.force_login(superuser)
    response = client.get("/admin/outbox_message/?status=dead")
    assert response.status_code == 200
    html = response.content.decode()
    assert dead_letter.key in html
    assert "SMTPServerDisconnected" in html
    assert f"/admin/outbox_message/retry/{dead_letter.pk}/" in html


def test_retrying_a_dead_letter_delivers_it(
    client, superuser, dead_letter, eager_celery, django_capture_on_commit_callbacks
):
    client.force_login(superuser)
    url = f"/admin/outbox_message/retry/{dead_letter.pk}/"
    assert client.get(url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)

    assert response.status_code == 302
    dead_letter.refresh_from_db()
    assert (dead_letter.status, dead_letter.attempts) == ("delivered", 1)
    assert [m.to for m in mail.outbox] == [["shopper@example.com"]]


def test_retry_needs_the_change_permission(client, dead_letter):
    viewer = UserFactory(email="viewer@example.com", is_staff=True)
    group = Group.objects.create(name="Outbox viewers")
    group.permissions.add(
        Permission.objects.get(codename="access_admin"),
        Permission.objects.get(codename="view_outboxmessage"),
    )
    viewer.groups.add(group)
    client.force_login(viewer)

    assert client.get("/admin/outbox_message/").status_code == 200
    denied = client.post(f"/admin/outbox_message/retry/{dead_letter.pk}/")
    # Wagtail's admin turns PermissionDenied into a redirect to the dashboard with a message.
    assert (denied.status_code, denied["Location"]) == (302, "/admin/")
    dead_letter.refresh_from_db()
    assert (dead_letter.status, dead_letter.attempts) == ("dead", 8)
    assert mail.outbox == []
