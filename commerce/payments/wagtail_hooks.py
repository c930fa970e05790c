"""Admin menu entries and URLs of payments: staff refund paid orders fully or per line, and
resolve the orders flagged for review."""

from django.urls import include, path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from commerce.payments import admin_views
from vendors.permissions import is_editor

admin_urls = (
    [
        path("", admin_views.RefundableOrdersView.as_view(), name="refundable_orders"),
        path("<str:number>/", admin_views.OrderRefundView.as_view(), name="order_refund"),
    ],
    "payments_admin",
)


review_urls = (
    [
        path("", admin_views.ReviewOrdersView.as_view(), name="review_orders"),
        path("<str:number>/", admin_views.OrderReviewView.as_view(), name="order_review"),
    ],
    "payments_review_admin",
)


@hooks.register("register_admin_urls")
def register_payments_admin_urls():
    return [
        path("payments/refunds/", include(admin_urls)),
        path("payments/reviews/", include(review_urls)),
    ]


class RefundsMenuItem(MenuItem):
    def is_shown(self, request):
        return is_editor(request.user)


@hooks.register("register_admin_menu_item")
def register_refunds_menu_item():
    return RefundsMenuItem(
        "Refunds", reverse("payments_admin:refundable_orders"), icon_name="undo", order=420
    )


@hooks.register("register_admin_menu_item")
def register_reviews_menu_item():
    return RefundsMenuItem(
        "Orders to review",
        reverse("payments_review_admin:review_orders"),
        icon_name="warning",
        order=421,
    )
