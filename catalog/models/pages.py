"""The catalog's pages: the shop index, categories and products (with their tags)."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.functional import SimpleLazyObject
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from taggit.models import TaggedItemBase
from wagtail import blocks
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.api import APIField
from wagtail.fields import StreamField
from wagtail.images.blocks import ImageBlock
from wagtail.models import Page
from wagtail.search import index

from catalog.money import MONEY
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
        # Variants point at their product, so their module imports this one.
        from catalog.models.variants import ProductVariant, default_sku

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
