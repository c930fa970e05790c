from wagtail import blocks
from wagtail.admin.panels import FieldPanel
from wagtail.fields import StreamField
from wagtail.images.blocks import ImageChooserBlock
from wagtail.models import Page

from catalog import selectors as catalog_selectors
from nexus.page_restrictions import CachedViewRestrictionsMixin
from nexus.sanitize import SanitizedStreamBlock


class HeroBlock(blocks.StructBlock):
    heading = blocks.CharBlock(max_length=120)
    text = blocks.TextBlock(required=False, max_length=400)
    image = ImageChooserBlock(required=False)
    link_page = blocks.PageChooserBlock(required=False, help_text="Where the button leads.")
    link_text = blocks.CharBlock(required=False, max_length=40, default="Shop now")

    class Meta:
        icon = "image"
        template = "home/blocks/hero.html"


class FeaturedProductsBlock(blocks.StructBlock):
    heading = blocks.CharBlock(max_length=120, default="Featured products")
    products = blocks.ListBlock(blocks.PageChooserBlock(page_type="catalog.ProductPage"))

    class Meta:
        icon = "pick"
        template = "home/blocks/featured_products.html"

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context)
        ids = [page.pk for page in value["products"] if page is not None]
        context["products"] = catalog_selectors.product_cards(page_ids=ids)
        return context


class FeaturedCategoriesBlock(blocks.StructBlock):
    heading = blocks.CharBlock(max_length=120, default="Shop by category")
    categories = blocks.ListBlock(blocks.PageChooserBlock(page_type="catalog.CategoryPage"))

    class Meta:
        icon = "folder-open-inverse"
        template = "home/blocks/featured_categories.html"


class HomeBodyBlock(SanitizedStreamBlock):
    hero = HeroBlock()
    rich_text = blocks.RichTextBlock(icon="doc-full", template="home/blocks/rich_text.html")
    featured_products = FeaturedProductsBlock()
    featured_categories = FeaturedCategoriesBlock()


class HomePage(CachedViewRestrictionsMixin, Page):
    """The site root. Editors curate the front page from the blocks in `body`."""

    body = StreamField(HomeBodyBlock(), blank=True)

    content_panels = Page.content_panels + [FieldPanel("body")]
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["catalog.ShopIndexPage", "vendors.VendorIndexPage"]
    max_count = 1

    def featured_product_ids(self) -> list[int]:
        """Ids of the products curated on this page (used for cache invalidation too)."""
        ids: list[int] = []
        for block in self.body:
            if block.block_type == "featured_products":
                ids.extend(page.pk for page in block.value["products"] if page is not None)
        return ids

    def featured_category_ids(self) -> list[int]:
        """Ids of the categories curated on this page (used for cache invalidation)."""
        ids: list[int] = []
        for block in self.body:
            if block.block_type == "featured_categories":
                ids.extend(page.pk for page in block.value["categories"] if page is not None)
        return ids
