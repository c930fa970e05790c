"""Image and document uploads in the Wagtail admin: type, content and size are checked before
anything is stored; an SVG (which can carry script) is never accepted as an image."""

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file

pytestmark = pytest.mark.django_db

SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script></svg>'


@pytest.fixture
def admin_client(client, site_tree):
    user = get_user_model().objects.create_superuser(email="admin@example.com", password="x")
    client.force_login(user)
    return client


def _png(name="ok.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, get_test_image_file().file.getvalue(), "image/png")


def _upload_image(client, file):
    return client.post("/admin/images/add/", {"title": "Upload", "file": file})


def test_a_png_is_accepted(admin_client):
    response = _upload_image(admin_client, _png())

    assert response.status_code == 302
    assert get_image_model().objects.get().title == "Upload"


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("evil.svg", SVG, "image/svg+xml"),
        ("evil.png", SVG, "image/png"),
        ("evil.png", b"<html><script>alert(1)</script></html>", "image/png"),
        ("evil.html", b"<script>alert(1)</script>", "text/html"),
    ],
    ids=["svg", "svg renamed png", "html renamed png", "html"],
)
def test_svg_script_and_disguised_files_are_refused_as_images(
    admin_client, name, content, content_type
):
    response = _upload_image(admin_client, SimpleUploadedFile(name, content, content_type))

    assert response.status_code == 200
    errors = response.context["form"].errors["file"]
    assert errors and any(
        "Not a supported image format" in e or "not allowed" in e or "not a valid" in e.lower()
        for e in errors
    ), errors
    assert not get_image_model().objects.exists()


def test_an_image_over_the_size_limit_is_refused(admin_client, settings):
    settings.WAGTAILIMAGES_MAX_UPLOAD_SIZE = 100
    file = _png("big.png")
    assert file.size > 100

    response = _upload_image(admin_client, file)

    assert response.status_code == 200
    assert "This file is too big" in response.context["form"].errors["file"][0]
    assert not get_image_model().objects.exists()


def test_the_image_settings_allow_raster_formats_only(settings):
    assert settings.WAGTAILIMAGES_EXTENSIONS == ["gif", "jpg", "jpeg", "png", "webp"]
    assert settings.WAGTAILIMAGES_MAX_UPLOAD_SIZE == 10 * 1024 * 1024


@pytest.mark.parametrize("name", ["page.html", "drawing.svg", "run.js"])
def test_documents_of_active_types_are_refused(admin_client, name):
    response = admin_client.post(
        "/admin/documents/add/",
        {"title": "Doc", "file": SimpleUploadedFile(name, b"<script>alert(1)</script>")},
    )

    assert response.status_code == 200
    assert "not allowed" in str(response.context["form"].errors["file"])
    assert not get_document_model().objects.exists()


def test_an_uploaded_text_document_is_served_as_an_attachment(admin_client):
    upload = SimpleUploadedFile("notes.txt", b"<script>alert(1)</script>", "text/plain")
    response = admin_client.post("/admin/documents/add/", {"title": "Notes", "file": upload})
    assert response.status_code == 302
    document = get_document_model().objects.get()

    # The header Wagtail's document view sends with the file.
    assert document.content_disposition.startswith("attachment")
