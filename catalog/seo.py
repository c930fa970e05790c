"""What search engines read about a product: schema.org Product with its offers (JSON-LD)."""

import json

from django.utils.html import format_html
from django.utils.safestring import SafeString

SCHEMA_AVAILABILITY = {
    "in_stock": "https://schema.org/InStock",
    "low_stock": "https://schema.org/LimitedAvailability",
    "sold_out": "https://schema.org/OutOfStock",
}
# json.dumps leaves these as they are; inside <script> they could end it or open a comment.
_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def product_structured_data(*, product, detail, currency: str, absolute_url) -> dict:
    """schema.org Product for `product`: name, description, pictures and one Offer per variant
    with its price, currency, availability and seller. `absolute_url(path)` makes URLs
    absolute (the request's `build_absolute_uri`); `detail` is `selectors.product_detail`'s."""
    page_url = absolute_url(product.url)
    data = {
        "@context": "https://schema.org",
        "@type": "Product",
        "name": product.title,
        "url": page_url,
        "offers": [],
    }
    if product.summary:
        data["description"] = product.summary
    images = [absolute_url(item.image.get_rendition("max-1200x1200").url) for item in detail.images]
    if images:
        data["image"] = images
    vendor = product.vendor
    for row in detail.variants:
        offer = {
            "@type": "Offer",
            "sku": row.variant.sku,
            "price": f"{row.variant.price:.2f}",
            "priceCurrency": currency,
            "availability": SCHEMA_AVAILABILITY[
                row.availability if detail.is_purchasable else "sold_out"
            ],
            "url": page_url,
        }
        if vendor is not None:
            offer["seller"] = {"@type": "Organization", "name": vendor.name}
        data["offers"].append(offer)
    if len(detail.variants) == 1:
        data["sku"] = detail.variants[0].variant.sku
    return data


def json_ld_script(data: dict) -> SafeString:
    """`data` as a <script type="application/ld+json"> element, safe to put in a page."""
    payload = json.dumps(data, ensure_ascii=False).translate(_SCRIPT_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', SafeString(payload))
