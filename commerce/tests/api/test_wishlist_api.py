from catalog import inventory
from commerce.models import CartLine, WishlistItem


def _save(client, product):
    return client.post("/api/v1/wishlist/", {"product": product.pk}, format="json")


def test_save_list_and_save_again(shopper_api, shop):
    response = _save(shopper_api, shop.shirt)
    assert response.status_code == 201
    body = response.json()
    assert body["product"]["title"] == "Shirt"
    assert body["price"] == "20.00"
    assert body["availability"] == "in_stock"
    assert body["is_available"] is True
    assert [variant["sku"] for variant in body["variants"]] == ["SHIRT-S", "SHIRT-M"]

    assert _save(shopper_api, shop.shirt).status_code == 200
    _save(shopper_api, shop.lamp)
    inventory.stock_set(variant_id=shop.variants["lamp"].pk, quantity=0)

    listing = shopper_api.get("/api/v1/wishlist/").json()
    assert [(e["product"]["title"], e["availability"], e["is_available"]) for e in listing] == [
        ("Lamp", "sold_out", False),
        ("Shirt", "in_stock", True),
    ]
    assert WishlistItem.objects.count() == 2


def test_save_unknown_or_unpublished_product_is_404(shopper_api, shop):
    assert _save(shopper_api, type("P", (), {"pk": 999999})).status_code == 404
    shop.mug.unpublish()
    response = _save(shopper_api, shop.mug)
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "product_not_found"
    assert shopper_api.post("/api/v1/wishlist/", {"product": "x"}, format="json").status_code == 400
    assert not WishlistItem.objects.exists()


def test_remove_own_item_and_not_someone_elses(shopper_api, other_api, shop):
    item_id = _save(shopper_api, shop.mug).json()["id"]
    assert other_api.delete(f"/api/v1/wishlist/{item_id}/").status_code == 404
    assert WishlistItem.objects.filter(pk=item_id).exists()
    assert shopper_api.delete(f"/api/v1/wishlist/{item_id}/").status_code == 204
    assert not WishlistItem.objects.exists()
    assert shopper_api.delete(f"/api/v1/wishlist/{item_id}/").status_code == 404


def test_move_to_cart(shopper_api, other_api, shop):
    mug_item = _save(shopper_api, shop.mug).json()["id"]
    shirt_item = _save(shopper_api, shop.shirt).json()["id"]

    assert (
        other_api.post(f"/api/v1/wishlist/{mug_item}/move-to-cart/", {}, format="json").status_code
        == 404
    )

    response = shopper_api.post(f"/api/v1/wishlist/{mug_item}/move-to-cart/", {}, format="json")
    assert response.status_code == 200
    assert [(line["product"]["title"], line["quantity"]) for line in response.json()["lines"]] == [
        ("Mug", 1)
    ]
    assert not WishlistItem.objects.filter(pk=mug_item).exists()

    # Several variants: the shopper has to choose; nothing changes until they do.
    response = shopper_api.post(f"/api/v1/wishlist/{shirt_item}/move-to-cart/", {}, format="json")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "variant_not_found"
    response = shopper_api.post(
        f"/api/v1/wishlist/{shirt_item}/move-to-cart/",
        {"variant": shop.variants["lamp"].pk},
        format="json",
    )
    assert response.status_code == 404
    response = shopper_api.post(
        f"/api/v1/wishlist/{shirt_item}/move-to-cart/",
        {"variant": shop.variants["shirt_m"].pk, "quantity": 4},
        format="json",
    )
    assert response.status_code == 409  # only 3 of size M
    assert WishlistItem.objects.filter(pk=shirt_item).exists()
    response = shopper_api.post(
        f"/api/v1/wishlist/{shirt_item}/move-to-cart/",
        {"variant": shop.variants["shirt_m"].pk, "quantity": 2},
        format="json",
    )
    assert response.status_code == 200
    assert CartLine.objects.get(variant=shop.variants["shirt_m"]).quantity == 2
    assert not WishlistItem.objects.exists()


def test_wishlist_requires_authentication(api, shop):
    assert api.get("/api/v1/wishlist/").status_code == 401
    assert _save(api, shop.mug).status_code == 401
    assert not WishlistItem.objects.exists()
