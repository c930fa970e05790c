"""A non-trusted vendor's edit goes to moderation and is not live until an editor approves;
a trusted vendor publishes directly. Driven through the Wagtail admin."""

from django.test import Client
from django.urls import reverse
from wagtail.models import Page, TaskState, WorkflowState

from catalog.tests.factories import make_product
from vendors.tests.admin_forms import page_edit_data


def _live_title(page):
    return Page.objects.get(pk=page.pk).title


def test_untrusted_vendor_submits_to_moderation_and_editor_approves(
    vendor_a, owner_a, editor, client
):
    product = make_product(vendor=vendor_a, title="Alpha Mug")
    client.force_login(owner_a)
    data = page_edit_data(client, product, title="Alpha Mug v2", **{"action-submit": "1"})

    response = client.post(reverse("wagtailadmin_pages:edit", args=[product.pk]), data)

    assert response.status_code == 302
    page = Page.objects.get(pk=product.pk)
    assert page.title == "Alpha Mug"  # still the live version
    assert page.has_unpublished_changes is True
    workflow_state = WorkflowState.objects.get(
        base_content_type__model="page", object_id=str(page.pk)
    )
    assert workflow_state.status == WorkflowState.STATUS_IN_PROGRESS
    assert workflow_state.requested_by == owner_a

    # The site still serves the old title to shoppers.
    served = Client().get(page.url)
    assert served.status_code == 200
    assert "Alpha Mug v2" not in served.content.decode()

    # An editor approves through the admin workflow action.
    task_state = TaskState.objects.get(workflow_state=workflow_state, status="in_progress")
    client.force_login(editor)
    approve = client.post(
        reverse("wagtailadmin_pages:workflow_action", args=[page.pk, "approve", task_state.pk]),
        {"comment": ""},
    )

    assert approve.status_code in (200, 302), approve.status_code
    workflow_state.refresh_from_db()
    assert workflow_state.status == WorkflowState.STATUS_APPROVED
    assert _live_title(product) == "Alpha Mug v2"
    assert "Alpha Mug v2" in Client().get(page.url).content.decode()


def test_untrusted_vendor_cannot_publish_directly(vendor_a, owner_a, client):
    product = make_product(vendor=vendor_a, title="Alpha Mug")
    client.force_login(owner_a)
    data = page_edit_data(client, product, title="Alpha Mug v2", **{"action-publish": "1"})

    client.post(reverse("wagtailadmin_pages:edit", args=[product.pk]), data)

    page = Page.objects.get(pk=product.pk)
    assert page.title == "Alpha Mug"
    assert page.live_revision.as_object().title == "Alpha Mug"


def test_vendor_cannot_approve_its_own_submission(vendor_a, owner_a, client):
    product = make_product(vendor=vendor_a, title="Alpha Mug")
    client.force_login(owner_a)
    data = page_edit_data(client, product, title="Alpha Mug v2", **{"action-submit": "1"})
    client.post(reverse("wagtailadmin_pages:edit", args=[product.pk]), data)
    task_state = TaskState.objects.get(status="in_progress")

    client.post(
        reverse("wagtailadmin_pages:workflow_action", args=[product.pk, "approve", task_state.pk]),
        {"comment": ""},
    )

    task_state.refresh_from_db()
    assert task_state.status == "in_progress"
    assert _live_title(product) == "Alpha Mug"


def test_trusted_vendor_publishes_directly(vendor_b, owner_b, client):
    product = make_product(vendor=vendor_b, title="Beta Bowl")
    client.force_login(owner_b)
    data = page_edit_data(client, product, title="Beta Bowl v2", **{"action-publish": "1"})

    response = client.post(reverse("wagtailadmin_pages:edit", args=[product.pk]), data)

    assert response.status_code == 302
    page = Page.objects.get(pk=product.pk)
    assert page.title == "Beta Bowl v2"
    assert page.has_unpublished_changes is False
    assert not WorkflowState.objects.filter(object_id=str(page.pk), status="in_progress").exists()
