from django.contrib.auth.models import Group, Permission

from accounts.tests.factories import UserFactory
from commerce.models import Order
from commerce.orders import order_transition


def _editor():
    editors, _ = Group.objects.get_or_create(name="Editors")
    editors.permissions.add(Permission.objects.get(codename="access_admin"))
    user = UserFactory(email="editor@example.com", is_staff=True)
    user.groups.add(editors)
    return user


def test_editor_lists_filters_and_inspects_orders(
    client, shop, shopper, other_shopper, place_order
):
    mug_order = place_order(shopper, {shop.variants["mug"]: 1})
    lamp_order = place_order(other_shopper, {shop.variants["lamp"]: 1})
    order_transition(order=lamp_order, to_status=Order.Status.PAID, note="Paid by card")
    client.force_login(_editor())

    listing = client.get("/admin/orders/")
    assert listing.status_code == 200
    html = listing.content.decode()
    assert mug_order.number in html and lamp_order.number in html
    assert "/admin/orders/new/" not in html

    paid = client.get("/admin/orders/", {"status": "paid"}).content.decode()
    assert lamp_order.number in paid and mug_order.number not in paid
    by_vendor = client.get("/admin/orders/", {"vendor": shop.vendor_a.pk}).content.decode()
    assert mug_order.number in by_vendor and lamp_order.number not in by_vendor
    by_date = client.get(
        "/admin/orders/", {"created_at_from": "2000-01-01", "created_at_to": "2000-01-02"}
    ).content.decode()
    assert mug_order.number not in by_date
    today = mug_order.created_at.date().isoformat()
    by_today = client.get(
        "/admin/orders/", {"created_at_from": today, "created_at_to": today}
    ).content.decode()
    assert mug_order.number in by_today

    detail = client.get(f"/admin/orders/inspect/{lamp_order.pk}/")
    assert detail.status_code == 200
    html = detail.content.decode()
    assert "Lamp" in html and shop.variants["lamp"].sku in html and "Bright Lights" in html
    assert "Paid by card" in html and "Pending payment" in html


def test_orders_cannot_be_added_edited_or_deleted_in_the_admin(client, shop, shopper, place_order):
    order = place_order(shopper, {shop.variants["mug"]: 1})
    client.force_login(_editor())
    for path in (
        "/admin/orders/new/",
        f"/admin/orders/edit/{order.pk}/",
        f"/admin/orders/delete/{order.pk}/",
    ):
        assert client.get(path).status_code in (302, 403)
    response = client.post(f"/admin/orders/delete/{order.pk}/")
    assert response.status_code in (302, 403)
    assert Order.objects.filter(pk=order.pk).exists()


def test_non_editor_admin_user_cannot_see_orders(client, shop, shopper, place_order):
    order = place_order(shopper, {shop.variants["mug"]: 1})
    vendors_group, _ = Group.objects.get_or_create(name="Some vendor")
    vendors_group.permissions.add(Permission.objects.get(codename="access_admin"))
    member = UserFactory(email="member@example.com")
    member.groups.add(vendors_group)
    client.force_login(member)
    response = client.get("/admin/orders/")
    assert response.status_code in (302, 403)
    assert order.number not in response.content.decode()
    assert client.get(f"/admin/orders/inspect/{order.pk}/").status_code in (302, 403)


def test_editor_sets_a_vendors_flat_shipping_rate(client, shop, shopper):
    from decimal import Decimal

    from commerce import cart as cart_services
    from commerce.selectors import cart_summary
    from vendors.models import Vendor

    cart = cart_services.cart_for_user(user=shopper)
    cart_services.cart_line_add(cart=cart, variant_id=shop.variants["lamp"].pk, quantity=1)
    client.force_login(_editor())
    assert "Bright Lights" in client.get("/admin/shipping-rates/").content.decode()

    response = client.post(
        "/admin/shipping-rates/", {"vendor": shop.vendor_b.pk, "shipping_flat_rate": "6.90"}
    )
    assert response.status_code == 302
    assert [str(message) for message in response.wsgi_request._messages] == [
        "Bright Lights now charges €6.90 for shipping."
    ]
    assert Vendor.objects.get(pk=shop.vendor_b.pk).shipping_flat_rate == Decimal("6.90")
    assert cart_summary(cart=cart).shipping_total == Decimal("6.90")

    for bad in ("-1", "abc", "1.999", "NaN"):
        client.post(
            "/admin/shipping-rates/", {"vendor": shop.vendor_b.pk, "shipping_flat_rate": bad}
        )
    client.post("/admin/shipping-rates/", {"vendor": "x", "shipping_flat_rate": "1"})
    assert Vendor.objects.get(pk=shop.vendor_b.pk).shipping_flat_rate == Decimal("6.90")


def test_non_editor_cannot_set_shipping_rates(client, shop):
    from decimal import Decimal

    from vendors.models import Vendor

    member = UserFactory(email="member@example.com")
    group, _ = Group.objects.get_or_create(name="Some vendor")
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    member.groups.add(group)
    client.force_login(member)
    assert client.get("/admin/shipping-rates/").status_code in (302, 403)
    client.post("/admin/shipping-rates/", {"vendor": shop.vendor_b.pk, "shipping_flat_rate": "9"})
    assert Vendor.objects.get(pk=shop.vendor_b.pk).shipping_flat_rate == Decimal("0.00")
