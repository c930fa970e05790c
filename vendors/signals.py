"""Signal receivers joining Wagtail's page tree to the vendor model (see `VendorsConfig`)."""


def product_vendor_follow_tree(sender, instance, parent_page_after, **kwargs):
    """After a ProductPage moves, its `vendor` is the new parent storefront's vendor."""
    from catalog.models import ProductPage
    from vendors.models import VendorPage

    if not issubclass(sender, ProductPage):
        return
    vendor_id = (
        VendorPage.objects.filter(pk=parent_page_after.pk)
        .values_list("vendor_id", flat=True)
        .first()
    )
    ProductPage.objects.filter(pk=instance.pk).exclude(vendor_id=vendor_id).update(
        vendor_id=vendor_id
    )
