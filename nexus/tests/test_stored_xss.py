"""Stored XSS: script typed into any text a vendor, editor or shopper controls renders inert on
the site, in the Wagtail admin, in the APIs and in e-mails.

Every field below holds PAYLOAD; each rendering is searched for the payload's raw markup.
Escaped text (`&lt;script&gt;`) is fine: that is the payload shown as the words it is.
"""

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file
from wagtail.rich_text import RichText

from accounts.tests.factories import UserFactory
from catalog.models import CategoryPage, ProductGalleryImage, ProductPage
from catalog.tests.factories import make_product
from commerce import notifications
from commerce.tests.factories import make_order
from vendors.models import VendorMembership
from vendors.services import vendor_onboard

pytestmark = pytest.mark.django_db

PAYLOAD = "<script>alert(1)</script><img src=x onerror=alert(2)>"
RAW_MARKUP = ("<script>alert(1)", "<img src=x onerror")


def assert_inert(html: str, where: str) -> None:
    for raw in RAW_MARKUP:
        assert raw not in html, f"{where} renders {raw!r} unescaped"


@pytest.fixture
def hostile(site_tree):
    """A vendor, category, product (title, summary, every body block, variant options, gallery
    image and caption), image and paid order whose every text field holds PAYLOAD."""
    owner = UserFactory(email="owner@example.com")
    vendor = vendor_onboard(
        name=f"Evil {PAYLOAD}", contact_email="evil@example.com", owner=owner, is_trusted=True
    )
    category = CategoryPage(title=f"Cat {PAYLOAD}", slug="cat")
    site_tree.shop.add_child(instance=category)
    image = get_image_model().objects.create(
        title=f"Image {PAYLOAD}", file=get_test_image_file(), collection=vendor.collection
    )
    product = make_product(
        vendor=vendor,
        title=f"Mug {PAYLOAD}",
        variants=[
            {"sku": "XSS-1", "options": {"colour": PAYLOAD}},
            {"sku": "XSS-2", "options": {"colour": "plain"}},
        ],
        categories=[category],
    )
    product = ProductPage.objects.get(pk=product.pk)
    product.summary = f"Summary {PAYLOAD}"
    product.body = [
        ("heading", f"Heading {PAYLOAD}"),
        ("paragraph", RichText(f"<p>Rich {PAYLOAD}</p>")),
        ("quote", f"Quote {PAYLOAD}"),
        ("image", {"image": image, "alt_text": f"Alt {PAYLOAD}", "decorative": False}),
    ]
    product.gallery = [ProductGalleryImage(image=image, caption=f"Caption {PAYLOAD}")]
    product.save_revision().publish()
    storefront = vendor.storefront
    storefront.intro = f"<p>Intro {PAYLOAD}</p>"
    storefront.save_revision().publish()
    shopper = UserFactory(email="shopper@example.com", first_name=PAYLOAD, last_name=PAYLOAD)
    order = make_order(
        user=shopper,
        items=[(product, 1)],
        shipping_name=f"Name {PAYLOAD}",
        shipping_line1=f"Line {PAYLOAD}",
        shipping_city=f"City {PAYLOAD}",
        shipping_postal_code="69001",
    )
    return type(
        "Hostile",
        (),
        {
            "vendor": vendor,
            "owner": owner,
            "category": category,
            "product": ProductPage.objects.get(pk=product.pk),
            "image": image,
            "shopper": shopper,
            "order": order,
        },
    )


def test_rich_text_keeps_wagtails_features_and_drops_the_rest():
    from nexus.sanitize import rich_text_clean

    kept = (
        '<h2 data-block-key="k1">Title</h2><p data-block-key="k2"><b>b</b> <i>i</i> '
        '<a linktype="page" id="3">page</a> <a href="https://example.com/x">out</a> '
        '<a linktype="document" id="4">doc</a></p><ul><li>one</li></ul>'
        '<embed alt="A" embedtype="image" format="left" id="5"/>'
        '<embed embedtype="media" url="https://www.youtube.com/watch?v=1"/>'
    )

    assert rich_text_clean(kept) == kept
    assert (
        rich_text_clean(
            '<p onclick="x()">a<script>alert(1)</script><style>p{}</style>'
            '<a href="javascript:alert(1)">j</a><iframe src="https://e.example"></iframe>'
            "<img src=x onerror=alert(2)></p>"
        )
        == "<p>a<a>j</a></p>"
    )


def test_the_payload_is_stored_as_text_and_rich_text_without_markup(hostile):
    from wagtail.models import Page

    paragraph = [block for block in hostile.product.body if block.block_type == "paragraph"]
    assert paragraph[0].value.source == "<p>Rich </p>"
    intro = Page.objects.get(pk=hostile.vendor.storefront.pk).specific.intro
    assert intro == "<p>Intro </p>"
    revision = hostile.product.latest_revision.as_object()
    assert [b.value.source for b in revision.body if b.block_type == "paragraph"] == [
        "<p>Rich </p>"
    ]


def test_the_payload_really_is_stored(hostile):
    product = hostile.product
    assert PAYLOAD in product.title and PAYLOAD in product.summary
    assert PAYLOAD in hostile.vendor.name
    assert hostile.product.variants.get(sku="XSS-1").options == {"colour": PAYLOAD}
    assert PAYLOAD in hostile.order.shipping_name


@pytest.mark.search
def test_site_pages_render_the_payload_inert(client, hostile):
    pages = {
        "product": hostile.product.url,
        "category": hostile.category.url,
        "storefront": hostile.vendor.storefront.url,
        "search": "/search/?q=Mug",
    }
    for name, url in pages.items():
        response = client.get(url)
        assert response.status_code == 200, name
        assert_inert(response.content.decode(), name)
    escaped_title = "Mug &lt;script&gt;alert(1)&lt;/script&gt;"
    assert escaped_title in client.get(pages["product"]).content.decode()
    assert escaped_title in client.get(pages["search"]).content.decode()  # found, and inert

    client.force_login(hostile.shopper)
    variant = hostile.product.variants.get(sku="XSS-1")
    client.post("/cart/add/", {"variant": variant.pk, "quantity": 1})
    for url in (
        "/cart/",
        "/checkout/",
        "/orders/",
        f"/orders/{hostile.order.number}/",
        "/account/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_inert(response.content.decode(), url)


@pytest.mark.search
def test_admin_pages_render_the_payload_inert(client, hostile):
    from django.contrib.auth import get_user_model

    admin = get_user_model().objects.create_superuser(email="admin@example.com", password="x")
    client.force_login(admin)
    product, storefront = hostile.product, hostile.vendor.storefront
    urls = [
        "/admin/",
        f"/admin/pages/{product.pk}/edit/",
        f"/admin/pages/{storefront.pk}/",
        f"/admin/pages/{hostile.category.pk}/edit/",
        "/admin/pages/search/?q=Mug",
        "/admin/images/",
        f"/admin/images/{hostile.image.pk}/",
        "/admin/orders/",
        f"/admin/orders/inspect/{hostile.order.pk}/",
        "/admin/stock/",
        "/admin/vendors/",
        "/admin/vendors/orders/",
        "/admin/catalog/import/",
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_inert(response.content.decode(), url)
    search = client.get("/admin/pages/search/?q=Mug").content.decode()
    assert "Mug &lt;script&gt;alert(1)&lt;/script&gt;" in search  # found, and inert

    client.force_login(hostile.owner)
    for url in (
        "/admin/",
        "/admin/vendors/orders/",
        "/admin/stock/",
        f"/admin/pages/{product.pk}/edit/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_inert(response.content.decode(), f"vendor {url}")


def test_apis_return_the_payload_as_json_text(client, hostile):
    for url in (
        f"/api/v2/pages/{hostile.product.pk}/",
        f"/api/v2/images/{hostile.image.pk}/",
        "/api/v2/pages/?type=catalog.ProductPage&fields=*",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        # JSON carries the text verbatim (a client escapes it where it renders it); it is
        # never served as, or sniffed into, HTML.
        assert response["Content-Type"] == "application/json", url
        assert response["X-Content-Type-Options"] == "nosniff", url
        assert PAYLOAD in response.json()["title"] if "title" in response.json() else True


def test_emails_render_the_payload_inert(hostile):
    from commerce.models import OrderLine

    notifications.order_confirmation_send(order_id=hostile.order.pk)
    notifications.vendor_order_notice_send(order_id=hostile.order.pk, vendor_id=hostile.vendor.pk)
    line_ids = list(OrderLine.objects.filter(order=hostile.order).values_list("pk", flat=True))
    notifications.order_shipped_send(order_id=hostile.order.pk, line_ids=line_ids)

    assert len(mail.outbox) == 3
    for message in mail.outbox:
        # The subject and text part are plain text: shown as characters, never as markup.
        assert message.content_subtype == "plain"
        for html, mimetype in message.alternatives:
            assert mimetype == "text/html"
            assert_inert(html, f"HTML part of {message.subject!r}")


def test_csv_import_of_the_payload_renders_inert(client, site_tree):
    owner = UserFactory(email="csv-owner@example.com")
    vendor = vendor_onboard(
        name="Importer", contact_email="importer@example.com", owner=owner, is_trusted=True
    )
    VendorMembership.objects.get(user=owner, vendor=vendor)
    csv = (
        "title,sku,price,stock,category,options\n"
        f'"Lamp {PAYLOAD}",LAMP-1,10.00,3,,"colour: {PAYLOAD}"\n'
        f'"Lamp {PAYLOAD}",LAMP-2,10.00,3,,"colour: red"\n'
        f'"Bad {PAYLOAD}",LAMP-1,nope,3,,\n'
    )
    client.force_login(owner)

    response = client.post(
        f"/admin/catalog/import/{vendor.storefront.pk}/",
        {
            "file": SimpleUploadedFile("p.csv", csv.encode(), content_type="text/csv"),
            "publish": "on",
        },
    )

    assert_inert(response.content.decode(), "import result")
    product = ProductPage.objects.get(vendor=vendor)
    assert product.title == f"Lamp {PAYLOAD}"
    assert product.variants.get(sku="LAMP-1").options == {"colour": PAYLOAD}
    for url in (product.url, f"/admin/pages/{product.pk}/edit/", "/admin/stock/"):
        page = client.get(url)
        assert page.status_code == 200, url
        assert_inert(page.content.decode(), url)
