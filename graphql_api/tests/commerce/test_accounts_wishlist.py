"""Accounts (register, JWT tokens, addresses) and the wishlist through GraphQL."""

import pytest
from rest_framework_simplejwt.tokens import RefreshToken

from accounts.models import Address, User
from accounts.tests.factories import AddressFactory, UserFactory
from commerce.models import CartLine, WishlistItem
from graphql_api.tests.conftest import data_of

pytestmark = pytest.mark.django_db

TOKEN = """mutation($email: String!, $password: String!) { tokenObtain(email: $email,
  password: $password) { token { access refresh } errors { code message field } } }"""
ME = "{ me { email firstName } }"


def test_register_then_log_in_and_use_the_token(gql):
    registered = data_of(
        gql(
            """mutation { register(email: "New@Example.com", password: "a-long-passphrase-9",
            firstName: "Ada") { user { email firstName } errors { code } } }"""
        )
    )["register"]
    token = data_of(gql(TOKEN, {"email": "new@example.com", "password": "a-long-passphrase-9"}))[
        "tokenObtain"
    ]["token"]

    assert registered == {"user": {"email": "new@example.com", "firstName": "Ada"}, "errors": []}
    assert data_of(gql(ME, token=token["access"]))["me"] == {
        "email": "new@example.com",
        "firstName": "Ada",
    }
    assert data_of(gql(ME))["me"] is None


def test_register_refuses_a_taken_email_and_a_weak_password(gql):
    UserFactory(email="taken@example.com")
    query = """mutation($email: String!, $password: String!) { register(email: $email,
      password: $password) { user { email } errors { code field } } }"""

    taken = data_of(gql(query, {"email": "TAKEN@example.com", "password": "a-long-passphrase-9"}))
    weak = data_of(gql(query, {"email": "weak@example.com", "password": "123"}))

    assert taken["register"]["errors"] == [{"code": "email_taken", "field": "email"}]
    assert weak["register"]["user"] is None
    assert weak["register"]["errors"][0]["field"] == "password"
    assert User.objects.count() == 1


def test_wrong_password_is_refused(gql):
    UserFactory(email="ada@example.com")

    payload = data_of(gql(TOKEN, {"email": "ada@example.com", "password": "wrong"}))["tokenObtain"]

    assert payload["token"] is None
    assert payload["errors"][0]["code"] == "no_active_account"


def test_refresh_rotates_and_logout_blacklists(gql):
    user = UserFactory()
    refresh = str(RefreshToken.for_user(user))
    query = """mutation($r: String!) { tokenRefresh(refresh: $r) { token { access refresh }
      errors { code } } }"""

    rotated = data_of(gql(query, {"r": refresh}))["tokenRefresh"]
    reused = data_of(gql(query, {"r": refresh}))["tokenRefresh"]
    logout = data_of(
        gql(
            "mutation($r: String!) { logout(refresh: $r) { ok errors { code } } }",
            {"r": rotated["token"]["refresh"]},
        )
    )["logout"]
    after_logout = data_of(gql(query, {"r": rotated["token"]["refresh"]}))["tokenRefresh"]

    assert rotated["errors"] == [] and rotated["token"]["access"]
    assert reused == {"token": None, "errors": [{"code": "token_not_valid"}]}
    assert logout == {"ok": True, "errors": []}
    assert after_logout["errors"] == [{"code": "token_not_valid"}]


def test_a_bad_bearer_token_is_a_401(gql):
    body = gql(ME, token="not-a-jwt", status=401)

    assert body["errors"][0]["extensions"] == {"code": "token_not_valid"}


def test_log_in_is_throttled_with_the_drf_auth_budget(gql, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"auth": "2/min", "anon": "100/min", "user": "100/min"},
    }
    UserFactory(email="ada@example.com")
    variables = {"email": "ada@example.com", "password": "wrong"}

    codes = [data_of(gql(TOKEN, variables))["tokenObtain"]["errors"][0]["code"] for _ in range(3)]

    assert codes == ["no_active_account", "no_active_account", "throttled"]


ADDRESS_FIELDS = "id fullName city country isDefault"


def test_addresses_create_list_update_default_delete(gql):
    user = UserFactory()
    create = f"""mutation($input: AddressInput!) {{ addressCreate(input: $input) {{
      address {{ {ADDRESS_FIELDS} }} errors {{ code field }} }} }}"""
    first = data_of(
        gql(
            create,
            {
                "input": {
                    "fullName": "Ada",
                    "line1": "1 St",
                    "city": "Berlin",
                    "postalCode": "10115",
                    "country": "de",
                }
            },
            user=user,
        )
    )["addressCreate"]["address"]
    second = data_of(
        gql(
            create,
            {
                "input": {
                    "fullName": "Ada",
                    "line1": "2 St",
                    "city": "Paris",
                    "postalCode": "75001",
                    "country": "FR",
                }
            },
            user=user,
        )
    )["addressCreate"]["address"]

    updated = data_of(
        gql(
            f"""mutation($id: ID!) {{ addressUpdate(id: $id, input: {{city: "Hamburg"}}) {{
            address {{ {ADDRESS_FIELDS} }} errors {{ code }} }} }}""",
            {"id": first["id"]},
            user=user,
        )
    )["addressUpdate"]["address"]
    data_of(
        gql(
            "mutation($id: ID!) { addressSetDefault(id: $id) { errors { code } } }",
            {"id": second["id"]},
            user=user,
        )
    )
    listed = data_of(gql(f"{{ addresses {{ {ADDRESS_FIELDS} }} }}", user=user))["addresses"]
    deleted = data_of(
        gql(
            "mutation($id: ID!) { addressDelete(id: $id) { deletedId errors { code } } }",
            {"id": first["id"]},
            user=user,
        )
    )["addressDelete"]

    assert first["country"] == "DE" and first["isDefault"] is True
    assert updated["city"] == "Hamburg"
    assert [(a["city"], a["isDefault"]) for a in listed] == [("Paris", True), ("Hamburg", False)]
    assert deleted == {"deletedId": first["id"], "errors": []}
    assert list(Address.objects.values_list("city", flat=True)) == ["Paris"]


def test_another_users_address_is_not_found_and_unchanged(gql):
    theirs = AddressFactory(city="Oslo")
    me = UserFactory()

    mutations = {
        "addressUpdate": """mutation($id: ID!) { addressUpdate(id: $id, input: {city: "Rome"}) {
            address { id } errors { code } } }""",
        "addressDelete": "mutation($id: ID!) { addressDelete(id: $id) { deletedId errors { code } } }",
        "addressSetDefault": """mutation($id: ID!) { addressSetDefault(id: $id) {
            address { id } errors { code } } }""",
    }

    answers = {
        name: data_of(gql(query, {"id": str(theirs.pk)}, user=me))[name]
        for name, query in mutations.items()
    }

    not_found = [{"code": "address_not_found"}]
    assert answers == {
        "addressUpdate": {"address": None, "errors": not_found},
        "addressDelete": {"deletedId": None, "errors": not_found},
        "addressSetDefault": {"address": None, "errors": not_found},
    }
    theirs.refresh_from_db()
    assert (theirs.city, theirs.is_default) == ("Oslo", False)
    assert Address.objects.count() == 1


WISHLIST_ADD = """mutation($product: ID!) { wishlistAdd(productId: $product) {
  created item { id price availability isAvailable product { title } variants { sku } }
  errors { code field } } }"""


def test_wishlist_add_list_move_to_cart_and_remove(gql, shop, shopper):
    added = data_of(gql(WISHLIST_ADD, {"product": str(shop.mug.pk)}, user=shopper))["wishlistAdd"]
    again = data_of(gql(WISHLIST_ADD, {"product": str(shop.mug.pk)}, user=shopper))["wishlistAdd"]
    shirt = data_of(gql(WISHLIST_ADD, {"product": str(shop.shirt.pk)}, user=shopper))["wishlistAdd"]
    listed = data_of(gql("{ wishlist { product { title } price } }", user=shopper))["wishlist"]

    assert added["created"] is True and again["created"] is False
    assert added["item"]["price"] == "12.00"
    assert added["item"]["availability"] == "IN_STOCK"
    assert listed == [
        {"product": {"title": "Shirt"}, "price": "20.00"},
        {"product": {"title": "Mug"}, "price": "12.00"},
    ]

    moved = data_of(
        gql(
            """mutation($item: ID!) { wishlistMoveToCart(itemId: $item, quantity: 2) {
            cart { itemCount } errors { code } } }""",
            {"item": added["item"]["id"]},
            user=shopper,
        )
    )["wishlistMoveToCart"]
    removed = data_of(
        gql(
            "mutation($item: ID!) { wishlistRemove(itemId: $item) { removedId errors { code } } }",
            {"item": shirt["item"]["id"]},
            user=shopper,
        )
    )["wishlistRemove"]

    assert moved == {"cart": {"itemCount": 2}, "errors": []}
    assert removed == {"removedId": shirt["item"]["id"], "errors": []}
    assert WishlistItem.objects.count() == 0
    assert CartLine.objects.get().quantity == 2


def test_another_users_wishlist_item_is_not_found_and_stays(gql, shop, shopper, other_shopper):
    theirs = WishlistItem.objects.create(user=other_shopper, product=shop.mug)

    removed = data_of(
        gql(
            "mutation($item: ID!) { wishlistRemove(itemId: $item) { removedId errors { code } } }",
            {"item": str(theirs.pk)},
            user=shopper,
        )
    )["wishlistRemove"]
    unknown = data_of(gql(WISHLIST_ADD, {"product": "999999"}, user=shopper))["wishlistAdd"]

    moved = data_of(
        gql(
            """mutation($item: ID!) { wishlistMoveToCart(itemId: $item) {
            cart { itemCount } errors { code } } }""",
            {"item": str(theirs.pk)},
            user=shopper,
        )
    )["wishlistMoveToCart"]

    assert removed == {"removedId": None, "errors": [{"code": "wishlist_item_not_found"}]}
    assert moved == {"cart": None, "errors": [{"code": "wishlist_item_not_found"}]}
    assert CartLine.objects.count() == 0
    assert unknown["errors"] == [{"code": "product_not_found", "field": "product"}]
    assert WishlistItem.objects.filter(pk=theirs.pk).exists()
    assert WishlistItem.objects.count() == 1
