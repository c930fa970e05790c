"""Notifications caused by order events and the e-mails they send.

`notify_*` are called by the services that change orders and refunds, inside their
transaction. They write one outbox message per e-mail (`commerce.outbox`), so the e-mails are
published only after that transaction commits, survive a broker outage, and are never sent
twice for the same event: each message has a unique key, and calling `notify_*` again for the
same event adds nothing.

The `*_send` functions below are what the Celery tasks in `commerce.tasks` run for those
messages. They take ids, load rows and send through `email_send_once`, whose ledger makes a
redelivered message a no-op.
"""

from django.conf import settings
from wagtail.models import Site

from catalog.models import ProductVariant
from catalog.selectors import shop_settings
from commerce.models import Order
from commerce.outbox.exceptions import PermanentFailure
from commerce.outbox.services import email_send_once, outbox_message_add
from commerce.payments.models import Refund
from vendors.models import Vendor


def notify_order_paid(*, order) -> None:
    """The shopper's confirmation and one new-order notice per vendor with lines in `order`."""
    outbox_message_add(
        key=f"order-paid:{order.pk}:shopper",
        task_name="commerce.order_confirmation_send",
        payload={"order_id": order.pk},
    )
    vendor_ids = sorted(set(order.lines.exclude(vendor=None).values_list("vendor_id", flat=True)))
    for vendor_id in vendor_ids:
        outbox_message_add(
            key=f"order-paid:{order.pk}:vendor:{vendor_id}",
            task_name="commerce.vendor_order_notice_send",
            payload={"order_id": order.pk, "vendor_id": vendor_id},
        )


def notify_lines_shipped(*, order, lines) -> None:
    """Tell the shopper that `lines` of `order` have shipped (one e-mail per shipment)."""
    line_ids = sorted(line.pk for line in lines)
    if not line_ids:
        return
    outbox_message_add(
        key=f"lines-shipped:{order.pk}:{'-'.join(map(str, line_ids))}",
        task_name="commerce.order_shipped_send",
        payload={"order_id": order.pk, "line_ids": line_ids},
    )


def notify_refund(*, refund) -> None:
    """Tell the shopper that `refund` was made."""
    outbox_message_add(
        key=f"refund:{refund.pk}",
        task_name="commerce.refund_notice_send",
        payload={"refund_id": refund.pk},
    )


# --- What the tasks run -------------------------------------------------------------------


def email_context(**extra) -> dict:
    """What every e-mail template gets: the shop's name, support address, URL and currency."""
    site = Site.objects.filter(is_default_site=True).first()
    settings_row = shop_settings(site=site)
    return {
        "shop_name": settings_row.shop_name or "Nexus",
        "support_email": getattr(settings_row, "support_email", ""),
        # The shop's public address (SITE_URL), else the default Site's.
        "site_url": settings.SITE_URL or (site.root_url if site else ""),
        "currency": settings_row.currency_code,
        **extra,
    }


def _order(order_id: int):
    return Order.objects.prefetch_related("lines").get(pk=order_id)


def order_confirmation_send(*, order_id: int) -> bool:
    """E-mail the shopper the confirmation of a paid order. Returns whether it sent."""
    order = _order(order_id)
    context = email_context(order=order, lines=list(order.lines.all()))
    return email_send_once(
        key=f"order-paid:{order.pk}:shopper",
        to=[order.email],
        subject=f"{context['shop_name']}: order {order.number} confirmed",
        template="emails/order_confirmation",
        context=context,
    )


def vendor_recipients(*, vendor) -> list[str]:
    """The vendor's contact address and its owners' addresses."""
    owners = vendor.memberships.filter(role="owner").values_list("user__email", flat=True)
    return sorted({vendor.contact_email, *owners} - {""})


def vendor_order_notice_send(*, order_id: int, vendor_id: int) -> bool:
    """E-mail a vendor the lines of a paid order that are theirs, and only those."""
    order = _order(order_id)
    vendor = Vendor.objects.get(pk=vendor_id)
    lines = [line for line in order.lines.all() if line.vendor_id == vendor_id]
    if not lines:
        raise PermanentFailure(f"Order {order.number} has no lines of vendor {vendor_id}.")
    context = email_context(
        order=order,
        vendor=vendor,
        lines=lines,
        vendor_total=sum(line.line_total for line in lines),
    )
    return email_send_once(
        key=f"order-paid:{order.pk}:vendor:{vendor_id}",
        to=vendor_recipients(vendor=vendor),
        subject=f"New order {order.number} for {vendor.name}",
        template="emails/vendor_new_order",
        context=context,
    )


def order_shipped_send(*, order_id: int, line_ids: list[int]) -> bool:
    """E-mail the shopper which lines shipped, with carrier and tracking number."""
    order = _order(order_id)
    lines = [line for line in order.lines.all() if line.pk in set(line_ids)]
    if not lines:
        raise PermanentFailure(f"Order {order.number} has none of the lines {line_ids}.")
    context = email_context(order=order, lines=lines)
    return email_send_once(
        key=f"lines-shipped:{order.pk}:{'-'.join(map(str, sorted(line_ids)))}",
        to=[order.email],
        subject=f"{context['shop_name']}: items of order {order.number} have shipped",
        template="emails/order_shipped",
        context=context,
    )


def refund_notice_send(*, refund_id: int) -> bool:
    """E-mail the shopper about a refund of their order."""
    refund = Refund.objects.get(pk=refund_id)
    order = refund.order
    context = email_context(order=order, refund=refund)
    return email_send_once(
        key=f"refund:{refund.pk}",
        to=[order.email],
        subject=f"{context['shop_name']}: refund for order {order.number}",
        template="emails/refund",
        context=context,
    )


def low_stock_variants(*, vendor_id: int) -> list[ProductVariant]:
    """The vendor's variants running low (`VariantQuerySet.running_low`, as on the vendor's
    low-stock screen), lowest first, with `quantity` and the product."""
    return list(
        ProductVariant.objects.filter(page__vendor_id=vendor_id)
        .running_low()
        .select_related("page")
        .order_by("quantity", "page__title", "sku")
    )


def low_stock_digest_send(*, vendor_id: int, day: str) -> bool:
    """E-mail a vendor the day's list of low-stock variants (nothing when there are none)."""
    vendor = Vendor.objects.get(pk=vendor_id)
    variants = low_stock_variants(vendor_id=vendor_id)
    if not variants:
        return False
    context = email_context(vendor=vendor, variants=variants)
    return email_send_once(
        key=f"low-stock:{vendor_id}:{day}",
        to=vendor_recipients(vendor=vendor),
        subject=f"Low stock at {vendor.name}: {len(variants)} item(s)",
        template="emails/low_stock_digest",
        context=context,
    )


def low_stock_digests_enqueue(*, day: str) -> int:
    """Record one digest message per active vendor with low stock today; returns how many."""
    vendor_ids = sorted(
        set(
            ProductVariant.objects.running_low()
            .filter(page__vendor__status=Vendor.Status.ACTIVE)
            .values_list("page__vendor_id", flat=True)
        )
    )
    added = 0
    for vendor_id in vendor_ids:
        added += bool(
            outbox_message_add(
                key=f"low-stock:{vendor_id}:{day}",
                task_name="commerce.low_stock_digest_send",
                payload={"vendor_id": vendor_id, "day": day},
            )
        )
    return added
