"""What search engines and assistive technology read on the shop's pages."""

import json
import re

import pytest

pytestmark = pytest.mark.django_db


def _json_ld(html: str) -> dict:
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert len(blocks) == 1
    return json.loads(blocks[0])


def test_product_page_describes_the_product_and_its_offers(client, shop):
    html = client.get(shop.jacket.url).content.decode()

    data = _json_ld(html)
    assert (data["@type"], data["name"], data["url"]) == (
        "Product",
        "Rain Jacket",
        f"http://testserver{shop.jacket.url}",
    )
    assert [
        (offer["sku"], offer["price"], offer["priceCurrency"], offer["availability"])
        for offer in data["offers"]
    ] == [
        ("RJ-S", "80.00", "EUR", "https://schema.org/OutOfStock"),
        ("RJ-M", "70.00", "EUR", "https://schema.org/LimitedAvailability"),
    ]
    assert data["offers"][0]["seller"] == {"@type": "Organization", "name": "Acme Outfitters"}
    assert f'<link rel="canonical" href="http://testserver{shop.jacket.url}">' in html


def test_structured_data_cannot_close_its_script_element(client, shop):
    shop.jacket.title = "Jacket </script><script>alert(1)</script>"
    shop.jacket.save_revision().publish()

    html = client.get(shop.jacket.url).content.decode()

    assert "</script><script>alert(1)" not in html
    assert _json_ld(html)["name"] == "Jacket </script><script>alert(1)</script>"


def test_meta_description_comes_from_the_page(client, shop):
    shop.mug.summary = "A sturdy enamel mug."
    shop.mug.save_revision().publish()
    html = client.get(shop.mug.url).content.decode()
    assert '<meta name="description" content="A sturdy enamel mug.">' in html

    shop.mug.search_description = "Enamel mug for camp and kitchen."
    shop.mug.save_revision().publish()
    html = client.get(shop.mug.url).content.decode()
    assert '<meta name="description" content="Enamel mug for camp and kitchen.">' in html


def test_sitemap_lists_live_pages_only(client, shop):
    response = client.get("/sitemap.xml")

    assert response.status_code == 200
    locations = re.findall(r"<loc>([^<]+)</loc>", response.content.decode())
    assert f"http://localhost{shop.jacket.url}" in locations
    assert f"http://localhost{shop.mug.url}" in locations
    assert not any("draft-parka" in location for location in locations)


def test_a_sold_out_product_cannot_be_added_and_says_so(client, shop):
    html = client.get(shop.shirt.url).content.decode()

    assert '<button type="submit" class="add-to-cart__button" disabled>Sold out</button>' in html
    assert "Add to cart" not in html
    html = client.get(shop.jacket.url).content.decode()
    assert '<button type="submit" class="add-to-cart__button">Add to cart</button>' in html


def test_every_page_has_a_skip_link_and_a_live_region_for_messages(client, shop):
    html = client.get(shop.mug.url).content.decode()

    body = html.split("<body", 1)[1]
    assert re.search(r'^[^>]*>\s*<a class="skip-link" href="#main">Skip to content</a>', body)
    assert '<main id="main" class="container" tabindex="-1">' in html
    assert '<div class="messages" role="status" aria-live="polite">' in html


def test_struck_through_prices_say_what_they_are(client, shop):
    from decimal import Decimal

    shop.mug.compare_at_price = Decimal("15.00")
    shop.mug.save_revision().publish()

    html = client.get(shop.mug.url).content.decode()

    compare = re.search(r'<s class="price__compare">(.*?)</s>', html, re.S).group(1)
    assert compare == '<span class="visually-hidden">was </span>€15.00'
