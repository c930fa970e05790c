import secrets
from decimal import Decimal

from django.conf import settings
from django.core.cache import cache
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Value
from django.db.models.functions import Coalesce
from django.utils.functional import SimpleLazyObject
from django.utils.text import slugify
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from taggit.models import TaggedItemBase
from wagtail import blocks
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.api import APIField
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import StreamField
from wagtail.images.blocks import ImageBlock
from wagtail.models import Orderable, Page
from wagtail.search import index

from catalog.clusters import ArchivingParentalKey
from catalog.money import MONEY
from catalog.options import VariantOptionsField
from catalog.page_forms import ProductPageForm
from nexus.page_restrictions import CachedViewRestrictionsMixin
from nexus.sanitize import SanitizedStreamBlock


class ContentBlock(SanitizedStreamBlock):
    heading = blocks.CharBlock(form_classname="title", max_length=120)
    paragraph = blocks.RichTextBlock()
    image = ImageBlock()
    quote = blocks.BlockQuoteBlock()


class ShopIndexPage(CachedViewRestrictionsMixin, Page):
    """The root of the category tree (e.g. /shop/)."""

    intro = StreamField(ContentBlock(), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["home.HomePage"]
    subpage_types = ["catalog.CategoryPage"]
    max_count = 1

    def get_context(self, request, *args, **kwargs):
        from catalog import selectors

        context = super().get_context(request, *args, **kwargs)
        context["categories"] = selectors.category_children(parent=self)
        return context


class CategoryPage(CachedViewRestrictionsMixin, Page):
    intro = StreamField(ContentBlock(), blank=True)
    hero_image = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        # "+": no reverse accessor needed from images to every page type that uses them.
        related_name="+",
    )

    content_panels = Page.content_panels + [FieldPanel("hero_image"), FieldPanel("intro")]
    search_fields = Page.search_fields + [index.SearchField("intro")]
    parent_page_types = ["catalog.ShopIndexPage", "catalog.CategoryPage"]
    subpage_types = ["catalog.CategoryPage"]
    api_fields = [APIField("intro")]
    products_per_page = 24

    def get_context(self, request, *args, **kwargs):
        """Products of this category and its sub-categories, filtered and paginated."""
        from catalog import selectors
        from catalog.cache import shared_fragment
        from catalog.forms import ProductFilterForm, filter_context

        context = super().get_context(request, *args, **kwargs)
        form = ProductFilterForm(request.GET or None, with_category=False)
        # Read only when the shared fragment (the listing, the same for every visitor with
        # these parameters) is rendered, not when it comes from the cache.
        listing = SimpleLazyObject(
            lambda: selectors.product_listing(
                category=self,
                filters=form.cleaned_filters(),
                page_number=request.GET.get("page"),
                per_page=self.products_per_page,
            )
        )
        context.update(
            filter_context(request, form),
            listing=listing,
            products=SimpleLazyObject(lambda: listing.products),
            subcategories=SimpleLazyObject(lambda: selectors.category_children(parent=self)),
        )
        context["fragment_seconds"], context["fragment_key"] = shared_fragment(
            request, self, sorted(request.GET.lists())
        )
        return context


class ProductTag(TaggedItemBase):
    content_object = ParentalKey(
        "catalog.ProductPage", on_delete=models.CASCADE, related_name="tagged_items"
    )


class ProductPage(CachedViewRestrictionsMixin, Page):
    """A product, edited by its vendor (and editors) in the Wagtail admin.

    Lives under its vendor's storefront page so Wagtail's tree permissions scope vendors.
    Variants and gallery images are modelcluster inlines: they follow drafts, revisions and
    moderation with the page. Stock does not: see `Stock`.
    """

    summary = models.CharField(max_length=300, blank=True)
    body = StreamField(ContentBlock(), blank=True)
    price = models.DecimalField(**MONEY, validators=[MinValueValidator(Decimal("0"))])
    compare_at_price = models.DecimalField(
        **MONEY,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
        help_text="The former price, shown struck through when it is higher than the price.",
    )
    categories = ParentalManyToManyField(
        "catalog.CategoryPage", blank=True, related_name="products"
    )
    tags = ClusterTaggableManager(through=ProductTag, blank=True)
    # Derived from the parent storefront on every save so it can never diverge from the
    # tree; not editable, so no form (or restored revision) can set it.
    vendor = models.ForeignKey(
        "vendors.Vendor",
        null=True,
        blank=True,
        editable=False,
        on_delete=models.PROTECT,
        related_name="products",
    )

    content_panels = Page.content_panels + [
        FieldPanel("summary"),
        MultiFieldPanel([FieldPanel("price"), FieldPanel("compare_at_price")], heading="Pricing"),
        FieldPanel("categories"),
        FieldPanel("tags"),
        InlinePanel(
            "variants",
            heading="Variants",
            label="Variant",
            help_text="Leave empty for a product without options: a default variant is created.",
        ),
        InlinePanel("gallery_images", heading="Gallery", label="Image"),
        FieldPanel("body"),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.SearchField("body"),
        index.RelatedFields("variants", [index.SearchField("sku")]),
        index.RelatedFields("vendor", [index.SearchField("name")]),
        index.RelatedFields("categories", [index.SearchField("title")]),
        index.FilterField("price"),
        index.FilterField("vendor"),
        index.FilterField("first_published_at"),
    ]
    parent_page_types = ["vendors.VendorPage"]
    subpage_types: list[str] = []
    base_form_class = ProductPageForm
    # SKUs are unique, so a copy cannot take its original's variants: it starts with one
    # default variant of its own (see `ensure_default_variant`), and the editor adds options.
    exclude_fields_in_copy = ["variants"]
    # Serializers for the computed fields live in catalog.api.serializers and are attached by
    # CatalogPagesAPIViewSet, so the model does not import the API layer.
    api_fields = [
        APIField("summary"),
        APIField("price"),
        APIField("compare_at_price"),
        APIField("currency"),
        APIField("availability"),
        APIField("vendor"),
        APIField("categories"),
        APIField("variants"),
        APIField("gallery"),
        APIField("body"),
    ]

    class Meta:
        indexes = [models.Index(fields=["price"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(price__gte=0), name="catalog_productpage_price_non_negative"
            ),
        ]

    @classmethod
    def vendor_model(cls) -> type[models.Model]:
        """The model of `vendor`, reached through the relation declared above: the catalog
        reads vendors through its own field, never by importing or naming the vendors app."""
        return cls._meta.get_field("vendor").related_model

    @classmethod
    def storefront_model(cls) -> type[Page]:
        """The page type products live under (a vendor's storefront, per `parent_page_types`)."""
        (model,) = cls.allowed_parent_page_models()
        return model

    def save(self, *args, **kwargs):
        if self.path:
            parent = self.get_parent()
            if parent is not None:
                self.vendor_id = getattr(parent.specific_deferred, "vendor_id", None)
        if kwargs.get("update_fields") is None:
            self.ensure_default_variant()
        return super().save(*args, **kwargs)

    def ensure_default_variant(self) -> None:
        """Give a product without variants one default variant (no options).

        Cart lines and stock always point at a variant, so a product never has none: this runs
        on every full save, whether the page comes from the admin form, a restored revision or
        code, and on every product `catalog.services.products.products_create` makes.
        """
        if not self.variants.all():
            self.variants = [ProductVariant(sku=default_sku(self.title), options={})]

    def get_context(self, request, *args, **kwargs):
        """The product's details are read only when the shared fragment of the page (what
        every visitor sees alike) is rendered, not when it comes from the cache."""
        from catalog import selectors
        from catalog.cache import shared_fragment

        context = super().get_context(request, *args, **kwargs)
        context["detail"] = SimpleLazyObject(lambda: selectors.product_detail(product=self))
        authenticated = request.user.is_authenticated if hasattr(request, "user") else False
        # The quantity input's max is the setting, so a changed setting retires the fragment.
        context["fragment_seconds"], context["fragment_key"] = shared_fragment(
            request, self, authenticated, settings.CART_MAX_LINE_QUANTITY
        )
        return context

    @property
    def is_purchasable(self) -> bool:
        """False while the vendor is suspended: the page stays visible, the cart refuses it."""
        return self.vendor is not None and self.vendor.is_active

    @property
    def is_on_sale(self) -> bool:
        return self.compare_at_price is not None and self.compare_at_price > self.price


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


class Stock(models.Model):
    """On-hand quantity of one variant.

    Kept off the page on purpose: publishing a page restores its fields (and its inlines)
    from a revision, so a quantity stored there would be rolled back by every publish.
    Changed only by the functions in `catalog.inventory`; the database refuses a negative
    quantity whatever code tries.
    """

    variant = models.OneToOneField(
        ProductVariant, on_delete=models.CASCADE, primary_key=True, related_name="stock"
    )
    quantity = models.IntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quantity__gte=0), name="catalog_stock_quantity_non_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.variant.sku}: {self.quantity}"

    @property
    def availability(self) -> str:
        return availability_for(self.quantity)


class ProductListingPrice(models.Model):
    """A product's "from" price, the lowest price of its variants that are not archived (a
    variant's override, else the product's price), stored for listings to filter and order
    by with an index instead of computing it per product in every listing query.

    Derived from the live page and its variants, so it is kept off the page like `Stock`
    (publishing restores a page's fields from a revision). Written only by
    `catalog.services.listing_prices.listing_prices_refresh`, which every change of a price or
    of the variant set calls: product creation and every publish (a revert, a moderation
    approval, a scheduled publish, a publish that archives a variant).
    """

    product = models.OneToOneField(
        ProductPage, on_delete=models.CASCADE, primary_key=True, related_name="listing_price"
    )
    from_price = models.DecimalField(**MONEY)

    class Meta:
        indexes = [models.Index(fields=["from_price"])]

    def __str__(self) -> str:
        return f"{self.product_id}: from {self.from_price}"


class Availability(models.TextChoices):
    IN_STOCK = "in_stock", "In stock"
    LOW_STOCK = "low_stock", "Low stock"
    SOLD_OUT = "sold_out", "Sold out"


def availability_for(quantity: int | None) -> str:
    """Availability is derived from stock, never stored: sold out at 0 (or no stock row), low
    stock at or below `LOW_STOCK_THRESHOLD`, in stock above. A variant's is that of its own
    quantity, a product's that of its variants' summed stock (archived variants left out)."""
    if not quantity or quantity <= 0:
        return Availability.SOLD_OUT
    if quantity <= settings.LOW_STOCK_THRESHOLD:
        return Availability.LOW_STOCK
    return Availability.IN_STOCK


def availability_filter(availability: str, *, field: str = "quantity") -> models.Q:
    """The quantities `availability_for` maps to `availability`, as a filter on the integer
    `field` (an annotated quantity, 0 without a stock row). Raises `KeyError` for an unknown
    availability."""
    threshold = settings.LOW_STOCK_THRESHOLD
    return {
        Availability.SOLD_OUT: models.Q(**{f"{field}__lte": 0}),
        Availability.LOW_STOCK: models.Q(**{f"{field}__gt": 0, f"{field}__lte": threshold}),
        Availability.IN_STOCK: models.Q(**{f"{field}__gt": threshold}),
    }[availability]


SHOP_SETTINGS_SECONDS = 3600


@register_setting(icon="cog")
class ShopSettings(BaseSiteSetting):
    """One shop per site: its name, currency and support address.

    Kept in the catalog, the lowest app that reads it (prices show its currency), so every app
    above may read it too. Templates read it as `settings.catalog.ShopSettings`.
    """

    shop_name = models.CharField(max_length=80, default="Nexus")
    currency_code = models.CharField(
        max_length=3,
        default="EUR",
        help_text="ISO 4217 code, e.g. EUR, USD, GBP, JPY. One currency per shop.",
    )
    support_email = models.EmailField(default="support@nexus.localhost")

    panels = [FieldPanel("shop_name"), FieldPanel("currency_code"), FieldPanel("support_email")]

    class Meta:
        verbose_name = "shop settings"

    @classmethod
    def for_site(cls, site):
        """The site's settings from Django's cache (every page shows the shop's name and
        prices its currency); a save or delete forgets them (`catalog.signals`)."""
        if site is None:
            return super().for_site(site)
        key = cls.cache_key(site.pk)
        instance = cache.get(key)
        if instance is None:
            instance = super().for_site(site)
            cache.set(key, instance, SHOP_SETTINGS_SECONDS)
        return instance

    @staticmethod
    def cache_key(site_id: int) -> str:
        return f"shop-settings:{site_id}"
