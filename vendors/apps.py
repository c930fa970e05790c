from django.apps import AppConfig


class VendorsConfig(AppConfig):
    name = "vendors"
    verbose_name = "Vendors"

    def ready(self):
        from wagtail.signals import post_page_move

        from vendors.signals import product_vendor_follow_tree

        # Wagtail's tree move saves the base Page, not ProductPage.save, so the derived vendor
        # is re-read from the new parent here (the admin refuses cross-vendor moves; this
        # keeps the invariant for code that moves pages directly).
        post_page_move.connect(product_vendor_follow_tree, dispatch_uid="vendors_product_vendor")
