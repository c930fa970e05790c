"""The site's page tree: the home page as the default site's root, with the shop and vendors
indexes under it, and the editors' rights over it (it joins three apps, so it belongs to the site
package)."""

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from wagtail.models import GroupPagePermission, Page, Site

from catalog.models import ShopIndexPage
from home.models import HomePage
from vendors.models import VendorIndexPage

EDITORS_GROUP_NAME = "Editors"
# Editors curate the whole site (home page, categories, shop index, vendor storefronts), so they
# hold these on the tree's root. Wagtail's initial data gives them add and change only, which
# leaves them without Publish and makes every approval they give fail for lack of rights.
EDITOR_PAGE_PERMISSIONS = ("add", "change", "publish")


@transaction.atomic
def editors_group_ensure() -> Group:
    """The Editors group with admin access and add/change/publish on the page tree's root.

    Idempotent; creates the group when a database lacks Wagtail's default one.
    """
    group, _ = Group.objects.get_or_create(name=EDITORS_GROUP_NAME)
    group.permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    )
    root = Page.get_first_root_node()
    for permission_type in EDITOR_PAGE_PERMISSIONS:
        GroupPagePermission.objects.get_or_create(
            group=group,
            page=root,
            permission=Permission.objects.get(
                content_type__app_label="wagtailcore", codename=f"{permission_type}_page"
            ),
        )
    return group


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
        site = Site.objects.create(
            hostname=hostname,
            port=port,
            root_page=home,
            is_default_site=True,
            site_name=settings.WAGTAIL_SITE_NAME,
        )
    if not site.site_name:
        # The admin's dashboard is headed by the site's name, else by its host name.
        site.site_name = settings.WAGTAIL_SITE_NAME
        site.save(update_fields=["site_name"])
    if site.root_page_id != home.pk:
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
