"""CSV import of products: good rows, bad rows (line, column, reason), no half products."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError

from accounts.tests.factories import UserFactory
from catalog.models import ProductPage, ProductVariant, Stock
from catalog.services.product_import import RowError, products_import
from catalog.tests.factories import make_product
from vendors.services import vendor_onboard

pytestmark = pytest.mark.django_db

GOOD_CSV = """title,sku,price,stock,category,options
Rain Jacket,RJ-S,79.90,5,Jackets,size: S
Rain Jacket,RJ-M,84.90,3,Jackets|Kitchen,size: M
Enamel Mug,MUG-1,12.00,40,Kitchen,
"""


def stock_by_sku() -> dict[str, int]:
    return dict(Stock.objects.values_list("variant__sku", "quantity"))


def test_good_rows_become_products_with_variants_categories_and_stock(vendor, categories):
    result = products_import(storefront=vendor.storefront, file=GOOD_CSV.encode())

    assert result.errors == []
    assert [product.title for product in result.created] == ["Rain Jacket", "Enamel Mug"]
    assert result.variant_count == 3
    jacket = ProductPage.objects.get(title="Rain Jacket")
    assert jacket.live and jacket.vendor == vendor
    assert jacket.price == Decimal("79.90")
    assert list(
        jacket.variants.order_by("sort_order").values_list("sku", "options", "price_override")
    ) == [
        ("RJ-S", {"size": "S"}, None),
        ("RJ-M", {"size": "M"}, Decimal("84.90")),
    ]
    assert sorted(c.title for c in jacket.categories.all()) == ["Jackets", "Kitchen"]
    assert stock_by_sku() == {"RJ-S": 5, "RJ-M": 3, "MUG-1": 40}
    assert ProductPage.objects.get(title="Enamel Mug").variants.get().options == {}


def test_bad_rows_are_reported_with_line_column_and_reason_and_not_imported(vendor, categories):
    make_product(vendor=vendor, variants=[{"sku": "TAKEN-1", "options": {}}], stock=2)
    csv_text = """title,sku,price,stock,category,options
Good Scarf,SC-1,19.00,4,Clothing,
Bad Price,BP-1,abc,1,,
,NO-TITLE,5.00,1,,
Neg Stock,NS-1,5.00,-2,,
No Category,NC-1,5.00,1,Garden,
Bad Options,BO-1,5.00,1,,large
Taken Sku,TAKEN-1,5.00,1,,
Dup Sku A,DUP-1,5.00,1,,
Dup Sku B,DUP-1,5.00,1,,
Split Tee,ST-S,10.00,1,,size: S
Split Tee,ST-M,ten,1,,size: M
"""
    result = products_import(storefront=vendor.storefront, file=csv_text)

    assert [product.title for product in result.created] == ["Good Scarf", "Dup Sku A"]
    assert result.errors == [
        RowError(3, "price", '"abc" is not a price (write e.g. 19.90).'),
        RowError(4, "title", "A title is required."),
        RowError(5, "stock", '"-2" is not a whole number from 0 to 1000000.'),
        RowError(6, "category", 'No category called "Garden".'),
        RowError(
            7,
            "options",
            '"large" has no value: write each option as name: value, separated by commas (e.g. size: M, colour: Blue).',
        ),
        RowError(8, "sku", '"TAKEN-1" already exists in the catalog.'),
        RowError(10, "sku", '"DUP-1" is also on line 9.'),
        RowError(11, "title", 'Not imported: another row of "Split Tee" has an error.'),
        RowError(12, "price", '"ten" is not a price (write e.g. 19.90).'),
    ]
    assert not ProductPage.objects.filter(
        title__in=["Bad Price", "Neg Stock", "Split Tee", "Dup Sku B"]
    ).exists()
    assert not ProductVariant.objects.filter(
        sku__in=["BP-1", "NS-1", "ST-S", "ST-M", "NC-1", "BO-1"]
    ).exists()
    assert stock_by_sku() == {"TAKEN-1": 2, "SC-1": 4, "DUP-1": 1}


def test_missing_columns_import_nothing(vendor):
    result = products_import(storefront=vendor.storefront, file="name,sku\nMug,M-1\n")

    assert result.created == []
    assert result.errors == [
        RowError(
            1,
            "file",
            "Missing column(s): title, price. The header row must name: title, sku, price, stock, category, options.",
        )
    ]
    assert not ProductPage.objects.exists()


def test_rows_of_one_product_need_distinct_options(vendor):
    csv_text = (
        "title,sku,price,options\nTee,T-1,10.00,size: S\nTee,T-2,10.00,size: S\nTee,T-3,10.00,\n"
    )

    result = products_import(storefront=vendor.storefront, file=csv_text)

    assert result.created == []
    assert [(e.line, e.field) for e in result.errors] == [
        (2, "title"),
        (3, "options"),
        (4, "options"),
    ]
    assert not ProductVariant.objects.exists()


def test_non_utf8_file_is_refused(vendor):
    result = products_import(
        storefront=vendor.storefront, file="title,sku,price\nCafé,C-1,3.00\n".encode("latin-1")
    )
    assert result.errors[0].field == "file" and not ProductPage.objects.exists()


def test_import_as_drafts(vendor, categories):
    result = products_import(storefront=vendor.storefront, file=GOOD_CSV, publish=False)

    assert len(result.created) == 2
    assert not ProductPage.objects.filter(live=True).exists()
    assert stock_by_sku()["MUG-1"] == 40


def test_management_command_imports_and_reports_errors(vendor, categories, tmp_path, capsys):
    good = tmp_path / "good.csv"
    good.write_text(GOOD_CSV)
    call_command("import_products", vendor.slug, str(good))
    assert "Imported 2 product(s) with 3 variant(s); 0 error(s)." in capsys.readouterr().out

    bad = tmp_path / "bad.csv"
    bad.write_text("title,sku,price\nMug,MUG-1,3.00\n")
    with pytest.raises(CommandError):
        call_command("import_products", vendor.slug, str(bad))
    assert 'line 2, sku: "MUG-1" already exists in the catalog.' in capsys.readouterr().err


def test_admin_upload_imports_for_a_storefront_the_user_may_edit(client, site_tree, categories):
    owner = UserFactory(email="owner@example.com")
    acme = vendor_onboard(
        name="Acme", contact_email="acme@example.com", owner=owner, is_trusted=True
    )
    client.force_login(owner)

    upload = SimpleUploadedFile("products.csv", GOOD_CSV.encode(), content_type="text/csv")
    response = client.post(
        f"/admin/catalog/import/{acme.storefront.pk}/", {"file": upload, "publish": "on"}
    )

    assert response.status_code == 200
    assert "2 product(s) imported, 3 variant(s)." in response.content.decode()
    assert ProductPage.objects.filter(vendor=acme, live=True).count() == 2


def test_admin_upload_shows_row_errors(client, site_tree):
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    owner = UserFactory(email="owner@example.com")
    acme = vendor_onboard(name="Acme", contact_email="acme@example.com", owner=owner)

    upload = SimpleUploadedFile(
        "products.csv", b"title,sku,price\nMug,M-1,cheap\n", content_type="text/csv"
    )
    response = client.post(f"/admin/catalog/import/{acme.storefront.pk}/", {"file": upload})

    assert response.status_code == 400
    html = response.content.decode()
    assert (
        "<td>2</td><td>price</td><td>&quot;cheap&quot; is not a price (write e.g. 19.90).</td>"
        in html
    )
    assert not ProductPage.objects.exists()


def test_admin_upload_for_another_vendor_is_refused(client, site_tree):
    alice, bob = UserFactory(email="alice@example.com"), UserFactory(email="bob@example.com")
    vendor_onboard(name="Acme", contact_email="acme@example.com", owner=alice, is_trusted=True)
    bolt = vendor_onboard(name="Bolt", contact_email="bolt@example.com", owner=bob, is_trusted=True)
    client.force_login(alice)

    upload = SimpleUploadedFile("products.csv", GOOD_CSV.encode(), content_type="text/csv")
    response = client.post(f"/admin/catalog/import/{bolt.storefront.pk}/", {"file": upload})

    assert (response.status_code, response["Location"]) == (302, "/admin/")
    assert not ProductPage.objects.exists()
    index = client.get("/admin/catalog/import/").content.decode()
    assert "Acme" in index and "Bolt" not in index
