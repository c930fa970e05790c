"""Wagtail admin integration of the vendors app.

Isolation rests on Wagtail's own permission system first (the vendor group's page permissions
on its storefront and collection permissions on its collection, see `vendors.services`); the
hooks below ask the same policy (`vendors.permissions`) to narrow every listing and chooser and
to refuse the tree operations Wagtail's permissions alone would not (cross-vendor moves, copies
into another storefront, deleting a storefront, bulk actions on another vendor's objects).
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.urls import include, path
from wagtail import hooks

from vendors import permissions as policy
from vendors.cms.scoped_admin import scoped_bulk_actions
from vendors.models import VendorPage


def _storefront_of(page) -> VendorPage | None:
    """The storefront page `page` is in (itself or an ancestor), or None outside the vendors area."""
    if page is None:
        return None
    return (
        VendorPage.objects.filter(
            path__in=[page.path[:end] for end in range(4, len(page.path) + 1, 4)]
        )
        .only("pk", "path", "vendor_id")
        .first()
    )


def _refuse(request, message: str):
    messages.error(request, message)
    raise PermissionDenied(message)


@hooks.register("construct_explorer_page_queryset")
def scope_explorer_pages(parent_page, pages, request):
    return policy.explorable_pages_for_user(request.user, pages)


@hooks.register("construct_page_chooser_queryset")
def scope_page_chooser(pages, request):
    return policy.choosable_pages_for_user(request.user, pages)


@hooks.register("construct_image_chooser_queryset")
def scope_image_chooser(images, request):
    return policy.media_for_user(request.user, images)


@hooks.register("construct_document_chooser_queryset")
def scope_document_chooser(documents, request):
    return policy.media_for_user(request.user, documents)


@hooks.register("catalog_media_for_user")
def scope_media_references(user, queryset):
    """What the choosers offer is also all a member may save in page content (gallery, image
    blocks, rich-text embeds), whatever ids the form is sent."""
    return policy.media_for_user(user, queryset)


@hooks.register("before_move_page")
def refuse_cross_vendor_move(request, page, destination):
    """A product stays in its vendor's storefront: `ProductPage.vendor` follows the tree, so a
    move to another storefront would hand the product (and its stock and sales) to another
    vendor. Refused for everyone; members may also not move their storefront itself."""
    source = _storefront_of(page)
    target = _storefront_of(destination)
    if source is not None and source.pk == page.pk:
        if not policy.is_editor(request.user):
            _refuse(request, "Only editors can move a storefront.")
        return None
    if source is None and target is None:
        return None
    if source is None or target is None or source.vendor_id != target.vendor_id:
        _refuse(request, "Products can only be moved within their own vendor's storefront.")
    if not policy.user_can_manage_vendor(request.user, source.vendor_id):
        _refuse(request, "You can only move your own products.")
    return None


@hooks.register("before_copy_page")
def refuse_cross_vendor_copy(request, page):
    if policy.is_editor(request.user):
        return None
    source = _storefront_of(page)
    if source is None or not policy.user_can_manage_vendor(request.user, source.vendor_id):
        _refuse(request, "You can only copy your own products.")
    if source.pk == page.pk:
        _refuse(request, "A storefront cannot be copied.")
    if request.method == "POST" and request.POST.get("new_parent_page"):
        from wagtail.models import Page

        destination = Page.objects.filter(pk=request.POST["new_parent_page"]).first()
        target = _storefront_of(destination)
        if target is None or target.vendor_id != source.vendor_id:
            _refuse(request, "You can only copy products within your own storefront.")
    return None


@hooks.register("before_delete_page")
def refuse_foreign_or_storefront_delete(request, page):
    if policy.is_editor(request.user):
        return None
    storefront = _storefront_of(page)
    if policy.is_vendor_member(request.user) and (
        storefront is None
        or storefront.pk == page.pk
        or not policy.user_can_manage_vendor(request.user, storefront.vendor_id)
    ):
        _refuse(request, "You can only delete your own products, not a storefront.")
    return None


@hooks.register("before_bulk_action")
def refuse_bulk_actions_on_foreign_objects(request, action_type, objects, action_class_instance):
    """Wagtail already drops the objects a user lacks permission for before this hook; this
    refuses the whole action if anything outside the member's own objects still got through
    (a storefront page, or a grant an editor made by hand)."""
    user = request.user
    if not policy.is_vendor_member(user):
        return None
    from wagtail.documents import get_document_model
    from wagtail.images import get_image_model
    from wagtail.models import Page

    model = getattr(action_class_instance, "model", None)
    ids = [obj.pk for obj in objects]
    if model is not None and issubclass(model, Page):
        allowed = policy.pages_for_user(user, Page.objects.filter(pk__in=ids)).exclude(
            pk__in=VendorPage.objects.values("pk")
        )
    elif model is get_image_model() or model is get_document_model():
        allowed = policy.media_for_user(user, model.objects.filter(pk__in=ids))
    else:
        return None
    if allowed.count() != len(set(ids)):
        _refuse(request, "You can only act on your own products, images and documents.")
    return None


STOREFRONT_HIDDEN_BUTTONS = {"move", "copy", "delete"}


@hooks.register("construct_page_listing_buttons")
def hide_storefront_tree_buttons(buttons, page, user, context=None):
    """Members see no move/copy/delete buttons (nor "more" entries) on their storefront page;
    the before_* hooks refuse those actions anyway."""
    if not policy.is_vendor_member(user) or not isinstance(page.specific_deferred, VendorPage):
        return
    buttons[:] = [
        button for button in buttons if getattr(button, "name", "") not in STOREFRONT_HIDDEN_BUTTONS
    ]
    for button in buttons:
        if hasattr(button, "dropdown_buttons"):
            button.dropdown_buttons = [
                item
                for item in button.dropdown_buttons
                if getattr(item, "name", "") not in STOREFRONT_HIDDEN_BUTTONS
            ]


@hooks.register("register_admin_urls")
def register_vendor_admin_urls():
    from vendors.cms import urls as cms_urls

    return [path("vendors/", include((cms_urls.urlpatterns, "vendors_cms")))]


@hooks.register("register_admin_menu_item")
def register_vendor_menu():
    from vendors.cms.menu import vendor_operations_menu_item

    return vendor_operations_menu_item()


@hooks.register("register_admin_viewset")
def register_vendor_viewsets():
    from vendors.cms.viewsets import vendor_admin_viewsets

    return vendor_admin_viewsets()


@hooks.register("catalog_stock_vendor_scope")
def stock_vendor_scope(user):
    """The catalog's stock screen asks the vendor policy: editors (and holders of
    `catalog.change_stock`) see every vendor; members their active vendors only (a suspended
    vendor's members lose stock editing with their other edit rights); anyone else the
    storefronts Wagtail's page permissions let them edit (the catalog's own default)."""
    if not user.is_authenticated or not user.is_active:
        return []
    if policy.is_editor(user) or user.has_perm("catalog.change_stock"):
        return None
    if policy.is_vendor_member(user):
        return list(
            policy.vendors_for_user(user).filter(status="active").values_list("pk", flat=True)
        )
    from catalog.permissions import editable_storefront_vendor_ids

    return editable_storefront_vendor_ids(user)


@hooks.register("catalog_user_can_add_products")
def user_can_add_products(user, storefront):
    if policy.is_editor(user):
        return True
    vendor = storefront.vendor
    return policy.user_can_edit_vendor_content(user, vendor)


# Wagtail's bulk actions, narrowed to a member's own objects before any title is listed
# (vendors/cms/scoped_admin.py). A later order than Wagtail's (0), so these replace its classes.
for _scoped_action in scoped_bulk_actions():
    hooks.register("register_bulk_action", _scoped_action, order=100)


@hooks.register("construct_reports_menu")
def hide_site_wide_reports_from_members(request, menu_items):
    """The page types usage report lists every vendor's pages: members are refused it, so the
    menu does not offer it."""
    if policy.is_vendor_member(request.user):
        menu_items[:] = [item for item in menu_items if item.name != "page-types-usage"]
