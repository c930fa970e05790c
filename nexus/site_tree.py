"""The site's page tree: the home page as the default site's root, with the shop and vendors
indexes under it (it joins three apps, so it belongs to the site package)."""

from django.db import transaction
from wagtail.models import Page, Site

from catalog.models import ShopIndexPage
from home.models import HomePage
from vendors.models import VendorIndexPage


@transaction.atomic
def site_tree_ensure(*, hostname: str = "localhost", port: int = 80) -> HomePage:
    """Make a `HomePage` the default site's root, with the shop and vendors indexes under it.

    Idempotent. Wagtail's placeholder welcome page is replaced the first time.
    """
    home = HomePage.objects.first()
    root = Page.get_first_root_node()
    if home is None:
        home = root.add_child(instance=HomePage(title="Nexus", slug="nexus-home"))
        home.save_revision().publish()
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(hostname=hostname, port=port, root_page=home, is_default_site=True)
    elif site.root_page_id != home.pk:
        placeholder = site.root_page
        site.root_page = home
        site.save()
        if placeholder.specific_class is Page and placeholder.depth == 2:
            placeholder.delete()
    if not ShopIndexPage.objects.exists():
        home.add_child(instance=ShopIndexPage(title="Shop", slug="shop")).save_revision().publish()
    if not VendorIndexPage.objects.exists():
        home.add_child(
            instance=VendorIndexPage(title="Vendors", slug="vendors")
        ).save_revision().publish()
    return HomePage.objects.get(pk=home.pk)
