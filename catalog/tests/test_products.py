from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield

from accounts.tests.factories import UserFactory
from catalog import inventory
from catalog.models import ProductPage, ProductVariant, Stock
from catalog.options import VariantOptionsFormField, options_format, options_parse
from catalog.tests.factories import make_product

pytestmark = pytest.mark.django_db


def test_a_product_saved_without_variants_gets_one_default_variant(vendor):
    product = ProductPage(title="Enamel Mug", slug="enamel-mug", price=Decimal("12.00"))
    vendor.storefront.add_child(instance=product)

    variants = list(ProductVariant.objects.filter(page=product))
    assert len(variants) == 1
    assert variants[0].options == {}
    assert variants[0].sku.startswith("ENAMEL-MUG-")
    assert variants[0].label == "Default"
    assert product.vendor == vendor


def test_a_product_with_variants_gets_no_extra_default_variant(vendor):
    product = make_product(
        vendor=vendor,
        variants=[
            {"sku": "TS-S", "options": {"size": "S"}},
            {"sku": "TS-M", "options": {"size": "M"}},
        ],
    )

    assert sorted(ProductVariant.objects.filter(page=product).values_list("sku", flat=True)) == [
        "TS-M",
        "TS-S",
    ]


def test_publishing_creates_a_zero_stock_row_for_each_new_variant(vendor):
    product = ProductPage(title="Tote Bag", slug="tote-bag", price=Decimal("20.00"))
    product.variants = [
        ProductVariant(sku="TOTE-RED", options={"colour": "Red"}),
        ProductVariant(sku="TOTE-BLUE", options={"colour": "Blue"}),
    ]
    vendor.storefront.add_child(instance=product)
    assert Stock.objects.filter(variant__page=product).count() == 0

    product.save_revision().publish()

    assert dict(
        Stock.objects.filter(variant__page=product).values_list("variant__sku", "quantity")
    ) == {
        "TOTE-RED": 0,
        "TOTE-BLUE": 0,
    }


def test_publishing_an_older_revision_leaves_stock_untouched(vendor):
    product = make_product(vendor=vendor, title="Rain Jacket", price="79.90", stock=10)
    variant = ProductVariant.objects.get(page=product)
    old_revision = ProductPage.objects.get(pk=product.pk).save_revision()

    product = ProductPage.objects.get(pk=product.pk)
    product.title = "Rain Jacket (2025)"
    product.price = Decimal("89.90")
    product.save_revision().publish()
    inventory.stock_set(variant_id=variant.pk, quantity=3)
    inventory.stock_adjust(variant_id=variant.pk, delta=-1)

    old_revision.publish()

    product = ProductPage.objects.get(pk=product.pk)
    assert product.title == "Rain Jacket"
    assert product.price == Decimal("79.90")
    assert list(ProductVariant.objects.filter(page=product).values_list("pk", flat=True)) == [
        variant.pk
    ]
    assert Stock.objects.get(variant=variant).quantity == 2


def test_stock_cannot_be_set_or_adjusted_below_zero(vendor):
    product = make_product(vendor=vendor, stock=2)
    variant = ProductVariant.objects.get(page=product)

    with pytest.raises(inventory.InvalidStockChange):
        inventory.stock_set(variant_id=variant.pk, quantity=-1)
    with pytest.raises(inventory.InsufficientStock):
        inventory.stock_adjust(variant_id=variant.pk, delta=-3)

    assert Stock.objects.get(variant=variant).quantity == 2


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", {}),
        ("size: M", {"size": "M"}),
        ("Size: M, Colour: Navy Blue", {"size": "M", "colour": "Navy Blue"}),
        (" size :XL ,, colour: Red ", {"size": "XL", "colour": "Red"}),
        ("fit: 32:34", {"fit": "32:34"}),
    ],
)
def test_options_text_is_parsed_into_a_dict(text, expected):
    assert options_parse(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("M", '"M" has no value'),
        ("size: ", "needs both a name and a value"),
        (": M", "needs both a name and a value"),
        ("size: M, Size: L", 'The option "size" is given twice.'),
        ("size: " + "x" * 81, "too long"),
    ],
)
def test_bad_options_text_is_refused_with_a_message(text, message):
    with pytest.raises(ValidationError) as error:
        VariantOptionsFormField().clean(text)
    assert message in error.value.messages[0]


def test_options_field_shows_a_dict_as_text():
    assert (
        VariantOptionsFormField().prepare_value({"size": "M", "colour": "Blue"})
        == "size: M, colour: Blue"
    )
    assert options_format({}) == ""


def _product_form(**overrides):
    data = {
        "title": "Linen Shirt",
        "slug": "linen-shirt",
        "summary": "Breezy.",
        "price": "49.00",
        "compare_at_price": "",
        "tags": "",
        "body": streamfield([]),
        "variants": inline_formset([]),
        "gallery_images": inline_formset([]),
    }
    data.update(overrides)
    return nested_form_data(data)


def test_admin_creates_a_product_without_variants_with_a_default_variant(client, vendor):
    client.force_login(UserFactory(is_superuser=True, is_staff=True))

    response = client.post(
        f"/admin/pages/add/catalog/productpage/{vendor.storefront.pk}/",
        {**_product_form(), "action-publish": "publish"},
    )

    assert response.status_code == 302, response.content.decode()[:3000]
    product = ProductPage.objects.get(slug="linen-shirt")
    assert product.live
    variants = list(ProductVariant.objects.filter(page=product))
    assert len(variants) == 1 and variants[0].options == {}
    assert Stock.objects.get(variant=variants[0]).quantity == 0


def test_admin_variant_options_are_typed_as_text(client, vendor):
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    form = _product_form(
        variants=inline_formset(
            [
                {"sku": "LS-M-BLUE", "options": "size: M, colour: Blue", "price_override": ""},
                {"sku": "LS-L-BLUE", "options": "Size: L, colour: Blue", "price_override": "52.00"},
            ]
        )
    )

    response = client.post(f"/admin/pages/add/catalog/productpage/{vendor.storefront.pk}/", form)

    assert response.status_code == 302, response.content.decode()[:3000]
    product = ProductPage.objects.get(slug="linen-shirt")
    assert list(
        product.variants.order_by("sort_order").values_list("sku", "options", "price_override")
    ) == [
        ("LS-M-BLUE", {"size": "M", "colour": "Blue"}, None),
        ("LS-L-BLUE", {"size": "L", "colour": "Blue"}, Decimal("52.00")),
    ]

    edit = client.get(f"/admin/pages/{product.pk}/edit/")
    assert 'value="size: M, colour: Blue"' in edit.content.decode()


def test_admin_refuses_unreadable_options_with_a_message_and_saves_nothing(client, vendor):
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    form = _product_form(
        variants=inline_formset([{"sku": "LS-M", "options": "medium", "price_override": ""}])
    )

    response = client.post(f"/admin/pages/add/catalog/productpage/{vendor.storefront.pk}/", form)

    assert response.status_code == 200
    assert "&quot;medium&quot; has no value" in response.content.decode()
    assert not ProductPage.objects.filter(slug="linen-shirt").exists()
    assert not ProductVariant.objects.filter(sku="LS-M").exists()
