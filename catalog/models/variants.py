"""Product variants (what carts, stock and orders point at) and gallery images: the inlines
of a product page."""

import secrets
from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Value
from django.db.models.functions import Coalesce
from django.utils.text import slugify
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel
from wagtail.models import Orderable

from catalog.clusters import ArchivingParentalKey
from catalog.models.availability import Availability, availability_filter
from catalog.models.pages import ProductPage
from catalog.money import MONEY
from catalog.options import VariantOptionsField


class VariantQuerySet(models.QuerySet):
    def with_quantity(self) -> "VariantQuerySet":
        """Annotate `quantity`: the variant's stock, 0 while it has no stock row yet."""
        if "quantity" in self.query.annotations:
            return self
        return self.annotate(quantity=Coalesce("stock__quantity", Value(0)))

    def running_low(self) -> "VariantQuerySet":
        """The shop's one definition of "low stock", asked by the vendors' low-stock screen,
        the daily low-stock digest and the catalog's availability filters alike.

        A variant is running low when its availability (`availability_for`) is low stock or
        sold out: a quantity at or below `LOW_STOCK_THRESHOLD`, sold out (0, or no stock row
        yet) included, since those need restocking first. It is counted per variant (a vendor
        restocks SKUs; a product's availability is that of its variants' summed stock), only
        for variants still sold (not archived) of live products (a draft is not on sale yet;
        the stock screen lists drafts for stock entered before publishing). `quantity` is
        annotated.
        """
        return (
            self.with_quantity()
            .filter(is_archived=False, page__live=True)
            .filter(
                availability_filter(Availability.LOW_STOCK)
                | availability_filter(Availability.SOLD_OUT)
            )
        )


class ActiveVariantManager(models.Manager.from_queryset(VariantQuerySet)):
    """Variants that are part of their product today (not archived)."""

    def get_queryset(self):
        return super().get_queryset().filter(is_archived=False)


class ProductVariant(Orderable):
    """A purchasable version of a product (size, colour…). Cart lines and stock point here.

    Identified by its SKU across the product's revisions: publishing content that no longer
    has a SKU archives its row instead of deleting it (stock, cart lines and order lines keep
    pointing at it), and content that has the SKU again revives the same row (see
    `catalog.clusters`). Archived variants are hidden by the default manager, so the product
    page, its forms, revisions, the API, search and the cart never see them.
    """

    # Children are matched by SKU and archived rather than deleted when a revision drops them.
    page = ArchivingParentalKey(ProductPage, on_delete=models.CASCADE, related_name="variants")
    sku = models.CharField("SKU", max_length=64, unique=True)
    is_archived = models.BooleanField(
        default=False,
        editable=False,
        help_text="Dropped from the product's content: kept for its stock and orders, not sold.",
    )
    # Option name -> value, e.g. {"size": "M", "colour": "Blue"}; empty for the default variant.
    options = VariantOptionsField(default=dict, blank=True)
    price_override = models.DecimalField(
        **MONEY,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
        help_text="Leave empty to use the product's price.",
    )

    revision_identity_field = "sku"
    archived_field = "is_archived"

    objects = ActiveVariantManager()
    # Archived rows too: stock, cart and order lines reach their variant through this.
    all_objects = models.Manager()

    panels = [FieldPanel("sku"), FieldPanel("options"), FieldPanel("price_override")]

    class Meta(Orderable.Meta):
        base_manager_name = "all_objects"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(price_override__isnull=True) | models.Q(price_override__gte=0),
                name="catalog_variant_price_override_non_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.page.title} ({self.label})" if self.options else self.page.title

    @property
    def label(self) -> str:
        return ", ".join(f"{value}" for value in self.options.values()) or "Default"

    @property
    def price(self) -> Decimal:
        return self.price_override if self.price_override is not None else self.page.price


def default_sku(title: str) -> str:
    """A readable, unique-enough SKU for a default variant, e.g. "RAIN-JACKET-3F9A1C"."""
    stem = slugify(title).upper()[:40].strip("-") or "PRODUCT"
    return f"{stem}-{secrets.token_hex(3).upper()}"


class ProductGalleryImage(Orderable):
    page = ParentalKey(ProductPage, on_delete=models.CASCADE, related_name="gallery_images")
    image = models.ForeignKey(
        "wagtailimages.Image",
        on_delete=models.CASCADE,
        # "+": the image model does not need a reverse accessor for gallery rows.
        related_name="+",
    )
    caption = models.CharField(max_length=250, blank=True)

    panels = [FieldPanel("image"), FieldPanel("caption")]
