"""`{% product_json_ld page detail currency %}`: the product's schema.org data (catalog/seo.py)."""

from django import template

from catalog.seo import json_ld_script, product_structured_data

register = template.Library()


@register.simple_tag(takes_context=True)
def product_json_ld(context, product, detail, currency):
    request = context.get("request")
    data = product_structured_data(
        product=product,
        detail=detail,
        currency=currency,
        absolute_url=request.build_absolute_uri if request is not None else str,
    )
    return json_ld_script(data)
