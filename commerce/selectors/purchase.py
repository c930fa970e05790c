"""What a shopper may buy: liveness, view restrictions, vendor status and stock of variants,
and the variant read with its product, vendor and stock that a cart add checks."""

from django.db.models import Exists, F, OuterRef, QuerySet
from django.db.models.functions import Length, Substr
from wagtail.models import PageViewRestriction

from catalog.models import ProductPage, ProductVariant, Stock
from catalog.selectors import live_products
from nexus.prepared import PreparedQuery, instance
from vendors.models import Vendor


def stock_quantity_of(variant: ProductVariant) -> int:
    """The variant's on-hand quantity (0 when it has no stock row). Needs `stock` selected."""
    try:
        return variant.stock.quantity
    except ProductVariant.stock.RelatedObjectDoesNotExist:
        return 0


def live_product_ids(product_ids) -> set[int]:
    """Which of `product_ids` a shopper may buy: live and public. One query."""
    return set(live_products().filter(pk__in=set(product_ids)).values_list("pk", flat=True))


def view_restricted(page_path) -> Exists:
    """Whether a view restriction covers the page at `page_path` (on it or an ancestor): what
    Wagtail's `.public()` excludes, as an expression usable inside another query."""
    return Exists(
        PageViewRestriction.objects.alias(
            covered=Substr(page_path, 1, Length("page__path"))
        ).filter(page__path=F("covered"))
    )


def unavailable_reason(variant: ProductVariant, *, live_ids: set[int]) -> str | None:
    """Why `variant` cannot be bought at all (archived, not published, vendor suspended), or None.

    Needs `page` and `page__vendor` selected. Stock is judged separately.
    """
    product = variant.page
    if variant.is_archived:
        name = f"{product.title} ({variant.label})" if variant.options else product.title
        return f"{name} is no longer available."
    if product.pk not in live_ids:
        return f"{product.title} is no longer available."
    if product.vendor is None or not product.vendor.is_active:
        return f"{product.title} is not available: its seller is not taking orders."
    return None


def variants_for_purchase(variant_ids) -> QuerySet[ProductVariant]:
    """The variants with their product, vendor and stock, and whether a view restriction
    covers the product (`restricted`), in one query: what `purchasable_product_ids` and
    `unavailable_reason` need."""
    return (
        ProductVariant.objects.filter(pk__in=variant_ids)
        .select_related("page", "page__vendor", "stock")
        .annotate(restricted=view_restricted(OuterRef("page__path")))
    )


def purchasable_product_ids(variants) -> set[int]:
    """The products of `variants` (from `variants_for_purchase`) that are live and public, as
    `live_product_ids` judges them, without another query."""
    return {variant.page_id for variant in variants if variant.page.live and not variant.restricted}


# What a cart shows and a purchase checks of a variant, per model: {attname: lookup from the
# variant}. Only these fields are loaded (the others are deferred, as with `.only()`).
VARIANT_FIELDS = {
    ProductVariant: {
        "id": "pk",
        "sort_order": "sort_order",
        "page_id": "page_id",
        "sku": "sku",
        "is_archived": "is_archived",
        "options": "options",
        "price_override": "price_override",
    },
    ProductPage: {
        "id": "page__pk",
        "page_ptr_id": "page__pk",
        "content_type_id": "page__content_type_id",
        "title": "page__title",
        "slug": "page__slug",
        "live": "page__live",
        "path": "page__path",
        "depth": "page__depth",
        "url_path": "page__url_path",
        "locale_id": "page__locale_id",
        "price": "page__price",
        "vendor_id": "page__vendor_id",
    },
    Vendor: {
        "id": "page__vendor__pk",
        "name": "page__vendor__name",
        "slug": "page__vendor__slug",
        "status": "page__vendor__status",
        "shipping_flat_rate": "page__vendor__shipping_flat_rate",
    },
    Stock: {"variant_id": "stock__variant_id", "quantity": "stock__quantity"},
}


class JoinedRows:
    """Rows of a `values_list` over `fields` ({model: {attname: lookup}}, lookups below
    `prefix`) turned back into the model instances they came from."""

    def __init__(self, fields: dict, prefix: str = ""):
        self.lookups = list(
            dict.fromkeys(
                prefix + lookup for of_model in fields.values() for lookup in of_model.values()
            )
        )
        self.columns = {
            model: [
                (attname, self.lookups.index(prefix + lookup))
                for attname, lookup in of_model.items()
            ]
            for model, of_model in fields.items()
        }

    def instances(self, row) -> dict:
        return {
            model: instance(model, {attname: row[index] for attname, index in columns})
            for model, columns in self.columns.items()
        }


def variant_from_row(made: dict) -> ProductVariant:
    """The variant of `JoinedRows.instances`, with its product, vendor and stock set on it."""
    variant, product = made[ProductVariant], made[ProductPage]
    vendor = made[Vendor] if product.vendor_id is not None else None
    stock = made[Stock] if made[Stock].variant_id is not None else None
    ProductPage.vendor.field.set_cached_value(product, vendor)
    ProductVariant.page.field.set_cached_value(variant, product)
    ProductVariant.stock.related.set_cached_value(variant, stock)
    return variant


_VARIANT_JOINED = JoinedRows(VARIANT_FIELDS)
# The variant with its product, vendor and stock, and whether a view restriction covers the
# product: what a cart add checks, in one query compiled once (`nexus.prepared`).
_VARIANT_FOR_PURCHASE = PreparedQuery(
    lambda variant_id: (
        ProductVariant.objects.filter(pk=variant_id)
        .annotate(restricted=view_restricted(OuterRef("page__path")))
        .values_list(*_VARIANT_JOINED.lookups, "restricted")
    ),
    variant_id=int,
)


def variant_for_purchase(*, variant_id: int) -> ProductVariant | None:
    """`variants_for_purchase` of one variant (None when there is no such variant): its
    product, vendor and stock set, and `restricted`, in one query."""
    rows = _VARIANT_FOR_PURCHASE.rows(variant_id=variant_id)
    if not rows:
        return None
    variant = variant_from_row(_VARIANT_JOINED.instances(rows[0]))
    variant.restricted = rows[0][-1]
    return variant
