"""Build the demo shop. Safe to run again: it creates only what is missing.

The seed composes every app (it is the one place at the top of the dependency graph): the page
tree, accounts (admin, editor, one owner per vendor, a shopper), vendors through
`vendors.services.vendor_onboard`, a two-level category tree, curated products with variants,
stock and generated images, and a curated home page. `--products N` adds generated products
(up to N in total) through the catalog's bulk service, for benchmarks.
"""

import io
import random
import time
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.files.images import ImageFile
from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.utils.text import slugify
from PIL import Image as PILImage
from PIL import ImageDraw
from tqdm import tqdm
from wagtail.images import get_image_model
from wagtail.models import Collection

from catalog import inventory
from catalog.models import (
    CategoryPage,
    ProductGalleryImage,
    ProductPage,
    ProductVariant,
    ShopIndexPage,
)
from catalog.services.bulk import ProductSpec, products_bulk_create
from home.models import HomePage
from nexus.site_tree import editors_group_ensure, site_tree_ensure
from vendors.models import Vendor
from vendors.services import vendor_onboard

EDITOR = ("editor@nexus.localhost", "nexus-editor")
SHOPPER = ("shopper@nexus.localhost", "nexus-shopper")
VENDOR_PASSWORD = "nexus-vendor"

CATEGORIES = {
    "Clothing": ["Jackets", "Knitwear", "Shirts", "Accessories"],
    "Home & Kitchen": ["Mugs & Cups", "Tableware", "Textiles"],
    "Outdoors": ["Camping", "Bags"],
}

SIZES = ["S", "M", "L"]

VENDORS = [
    {
        "name": "Northwind Outfitters",
        "trusted": True,
        "shipping": "4.90",
        "colour": (47, 91, 234),
        "products": [
            (
                "Rain Jacket",
                "Seam-sealed shell that packs into its own pocket.",
                "89.00",
                "119.00",
                ["Jackets"],
                [{"size": s, "colour": "Navy"} for s in SIZES],
                [6, 12, 3],
            ),
            (
                "Merino Jumper",
                "Fine-knit merino, warm without the bulk.",
                "74.00",
                None,
                ["Knitwear"],
                [{"size": s} for s in SIZES],
                [8, 0, 5],
            ),
            (
                "Linen Shirt",
                "Washed linen with a relaxed fit.",
                "49.00",
                None,
                ["Shirts"],
                [{"size": s, "colour": c} for c in ("White", "Sand") for s in SIZES],
                [4, 9, 2, 0, 7, 3],
            ),
            (
                "Wool Beanie",
                "Ribbed lambswool, one size.",
                "22.00",
                None,
                ["Accessories"],
                [],
                [30],
            ),
            (
                "Canvas Tote",
                "Heavy cotton canvas with a leather strap.",
                "29.00",
                None,
                ["Accessories", "Bags"],
                [],
                [0],
            ),
        ],
    },
    {
        "name": "Bolt & Birch Kitchenware",
        "trusted": True,
        "shipping": "5.50",
        "colour": (217, 119, 6),
        "products": [
            (
                "Enamel Mug",
                "Steel mug with a glass-hard enamel coat.",
                "12.00",
                None,
                ["Mugs & Cups", "Camping"],
                [{"colour": "White"}, {"colour": "Blue"}],
                [40, 25],
            ),
            (
                "Stoneware Teapot",
                "Holds four cups; the lid stays put.",
                "38.00",
                None,
                ["Tableware"],
                [],
                [7],
            ),
            (
                "Linen Tea Towels",
                "Set of two, stonewashed.",
                "18.00",
                "24.00",
                ["Textiles"],
                [],
                [60],
            ),
            (
                "Oak Cutting Board",
                "End-grain oak, oiled by hand.",
                "35.00",
                None,
                ["Tableware"],
                [{"size": "Small"}, {"size": "Large", "price": "52.00"}],
                [5, 2],
            ),
        ],
    },
    {
        "name": "Summit Camp Supply",
        "trusted": False,
        "shipping": "6.90",
        "colour": (3, 152, 85),
        "products": [
            (
                "Two-Person Tent",
                "Freestanding, 1.9 kg, up in five minutes.",
                "229.00",
                None,
                ["Camping"],
                [],
                [4],
            ),
            (
                "Camp Stove",
                "Folding gas stove with piezo ignition.",
                "45.00",
                None,
                ["Camping"],
                [],
                [15],
            ),
            (
                "Insulated Bottle",
                "Keeps drinks cold for 24 hours.",
                "27.00",
                None,
                ["Camping", "Mugs & Cups"],
                [{"colour": "Black"}, {"colour": "Green"}],
                [20, 0],
            ),
            (
                "Trail Backpack",
                "28 litres, with a rain cover.",
                "95.00",
                None,
                ["Bags"],
                [{"size": "Regular"}, {"size": "Long", "price": "105.00"}],
                [6, 3],
            ),
        ],
    },
]

GENERATED_ADJECTIVES = [
    "Classic",
    "Everyday",
    "Heritage",
    "Compact",
    "Recycled",
    "Organic",
    "Lightweight",
    "Waxed",
    "Quilted",
    "Handmade",
    "Vintage",
    "Alpine",
]
GENERATED_NOUNS = [
    "Scarf",
    "Hoodie",
    "Bowl",
    "Plate",
    "Blanket",
    "Cap",
    "Flask",
    "Pouch",
    "Lantern",
    "Gloves",
    "Socks",
    "Apron",
    "Cushion",
    "Jug",
    "Duffel",
]
GENERATED_IMAGE_POOL = 12
GENERATED_BATCH = 500


def _image_bytes(title: str, colour: tuple[int, int, int], seed: int) -> bytes:
    """A product photo stand-in: a soft gradient, a shape and the product's initials."""
    size = 800
    picture = PILImage.new("RGB", (size, size), (255, 255, 255))
    draw = ImageDraw.Draw(picture)
    for y in range(size):
        mix = y / size
        draw.line(
            [(0, y), (size, y)],
            fill=tuple(int(c * (1 - mix) + 245 * mix) for c in colour),
        )
    rng = random.Random(seed)
    inset = rng.randint(140, 220)
    shape = [inset, inset, size - inset, size - inset]
    if seed % 2:
        draw.ellipse(shape, fill=(255, 255, 255), outline=colour, width=12)
    else:
        draw.rounded_rectangle(shape, radius=60, fill=(255, 255, 255), outline=colour, width=12)
    initials = "".join(word[0] for word in title.split()[:2]).upper()
    draw.text((size / 2, size / 2), initials, fill=colour, anchor="mm", font_size=160)
    buffer = io.BytesIO()
    picture.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


class Command(BaseCommand):
    help = "Create the demo shop: page tree, vendors, categories, products, stock and accounts."

    def add_arguments(self, parser):
        parser.add_argument("--admin-email", default="admin@nexus.localhost")
        parser.add_argument("--admin-password", default="nexus-admin")
        parser.add_argument(
            "--products",
            type=int,
            default=0,
            help="Also generate products until N generated products exist (bulk, for benchmarks).",
        )

    def handle(self, *args, admin_email: str, admin_password: str, products: int = 0, **options):
        self.created: dict[str, int] = {}
        home = site_tree_ensure()
        admin = self._user(
            admin_email, admin_password, is_staff=True, is_superuser=True, first_name="Admin"
        )
        editor = self._user(*EDITOR, first_name="Edith", last_name="Editor")
        editor.groups.add(editors_group_ensure())
        self._user(*SHOPPER, first_name="Sam", last_name="Shopper")

        categories = self._categories()
        vendors = [self._vendor(spec) for spec in VENDORS]
        featured = []
        for vendor, spec in zip(vendors, VENDORS, strict=True):
            for product_spec in spec["products"]:
                featured.append(
                    self._product(vendor, spec["colour"], product_spec, categories, admin)
                )
        self._home_page(home, featured, categories)
        if products:
            self._generated_products(products, vendors, categories, admin)

        summary = ", ".join(f"{count} {name}" for name, count in self.created.items() if count)
        self.stdout.write(f"Created: {summary or 'nothing new'}.")
        self.stdout.write(self.style.SUCCESS(f"Admin login: {admin_email} / {admin_password}"))
        self.stdout.write(f"Editor login: {EDITOR[0]} / {EDITOR[1]}")
        for vendor in vendors:
            owner = vendor.memberships.select_related("user").filter(role="owner").first()
            if owner:
                self.stdout.write(
                    f"Vendor login ({vendor.name}): {owner.user.email} / {VENDOR_PASSWORD}"
                )
        self.stdout.write(f"Shopper login: {SHOPPER[0]} / {SHOPPER[1]}")

    def _count(self, name: str, amount: int = 1) -> None:
        self.created[name] = self.created.get(name, 0) + amount

    def _user(self, email: str, password: str, **fields):
        user_model = get_user_model()
        user, created = user_model.objects.get_or_create(email=email.lower(), defaults=fields)
        if created or not user.check_password(password):
            user.set_password(password)
            user.save()
        if created:
            self._count("accounts")
        return user

    @transaction.atomic
    def _categories(self) -> dict[str, CategoryPage]:
        shop = ShopIndexPage.objects.get()
        found: dict[str, CategoryPage] = {}
        for top_title, children in CATEGORIES.items():
            top = self._category(shop, top_title)
            found[top_title] = top
            for child_title in children:
                found[child_title] = self._category(top, child_title)
        return found

    def _category(self, parent, title: str) -> CategoryPage:
        slug = slugify(title)
        existing = CategoryPage.objects.child_of(parent).filter(slug=slug).first()
        if existing is not None:
            return existing
        category = parent.add_child(instance=CategoryPage(title=title, slug=slug))
        category.save_revision().publish()
        self._count("categories")
        return category

    def _vendor(self, spec: dict) -> Vendor:
        slug = slugify(spec["name"])
        email = f"{slug}@vendors.nexus.localhost"
        owner = self._user(email, VENDOR_PASSWORD, first_name=spec["name"].split()[0])
        vendor = Vendor.objects.filter(slug=slug).first()
        if vendor is None:
            vendor = vendor_onboard(
                name=spec["name"],
                contact_email=email,
                owner=owner,
                is_trusted=spec["trusted"],
                shipping_flat_rate=Decimal(spec["shipping"]),
                slug=slug,
            )
            self._count("vendors")
        return vendor

    def _image(self, title: str, colour, seed: int, collection=None):
        image_model = get_image_model()
        existing = image_model.objects.filter(title=title).first()
        if existing is not None:
            return existing
        self._count("images")
        return image_model.objects.create(
            title=title,
            collection=collection or Collection.get_first_root_node(),
            file=ImageFile(
                io.BytesIO(_image_bytes(title, colour, seed)), name=f"{slugify(title)}.png"
            ),
        )

    @transaction.atomic
    def _product(self, vendor: Vendor, colour, spec, categories, admin) -> ProductPage:
        title, summary, price, compare_at, category_titles, options_list, stock = spec
        storefront = vendor.storefront
        slug = slugify(title)
        existing = ProductPage.objects.child_of(storefront).filter(slug=slug).first()
        if existing is not None:
            return existing
        product = ProductPage(
            title=title,
            slug=slug,
            summary=summary,
            price=Decimal(price),
            compare_at_price=Decimal(compare_at) if compare_at else None,
            body=[("paragraph", f"<p>{summary} Made for everyday use and built to last.</p>")],
        )
        stem = "".join(word[0] for word in title.split()).upper()
        product.variants = [
            ProductVariant(
                sku=f"{vendor.slug[:3].upper()}-{stem}-{index + 1}",
                options={name: value for name, value in options.items() if name != "price"},
                price_override=Decimal(options["price"]) if "price" in options else None,
                sort_order=index,
            )
            for index, options in enumerate(options_list)
        ] or [ProductVariant(sku=f"{vendor.slug[:3].upper()}-{stem}", options={}, sort_order=0)]
        product.categories = [categories[name] for name in category_titles]
        images = [
            self._image(
                f"{title} {view}", colour, seed=len(title) + index, collection=vendor.collection
            )
            for index, view in enumerate(("front", "detail"))
        ]
        product.gallery_images = [
            ProductGalleryImage(image=image, sort_order=index) for index, image in enumerate(images)
        ]
        storefront.add_child(instance=product)
        product.save_revision(user=admin).publish(user=admin)
        variants = list(ProductVariant.objects.filter(page=product).order_by("sort_order"))
        for variant, quantity in zip(variants, stock, strict=True):
            inventory.stock_set(variant_id=variant.pk, quantity=quantity)
        self._count("products")
        return product

    def _home_page(self, home: HomePage, featured: list[ProductPage], categories) -> None:
        if len(home.body):
            return  # the editors' curation wins over the seed
        home = HomePage.objects.get(pk=home.pk)
        shop = ShopIndexPage.objects.get()
        hero_image = self._image("Hero: independent makers", (122, 90, 248), seed=7)
        home.body = [
            (
                "hero",
                {
                    "heading": "Independent makers, one basket",
                    "text": "Outdoor gear, kitchenware and clothing from small vendors. Free returns on every order.",
                    "image": hero_image,
                    "link_page": shop,
                    "link_text": "Browse the shop",
                },
            ),
            (
                "featured_products",
                {"heading": "Featured products", "products": list(featured[:8])},
            ),
            (
                "featured_categories",
                {
                    "heading": "Shop by category",
                    "categories": [categories[name] for name in CATEGORIES],
                },
            ),
            ("rich_text", "<p>Every vendor ships within two working days.</p>"),
        ]
        home.save_revision().publish()
        self._count("home page")

    def _generated_products(self, total: int, vendors: list[Vendor], categories, admin) -> None:
        existing = set(
            ProductVariant.objects.filter(sku__startswith="GEN-").values_list("page_id", flat=True)
        )
        missing = total - len(existing)
        if missing <= 0:
            return
        leaves = [categories[name] for children in CATEGORIES.values() for name in children]
        pool = [
            self._image(
                f"Generated sample {number}", (40 + number * 15, 90, 200 - number * 10), seed=number
            )
            for number in range(GENERATED_IMAGE_POOL)
        ]
        taken_numbers = {
            int(sku.split("-")[1])
            for sku in ProductVariant.objects.filter(sku__startswith="GEN-").values_list(
                "sku", flat=True
            )
        }
        numbers = [n for n in range(1, total + len(taken_numbers) + 1) if n not in taken_numbers][
            :missing
        ]
        started = time.monotonic()
        with tqdm(
            total=len(numbers), desc="Generated products", unit="product", file=self.stderr
        ) as bar:
            for start in range(0, len(numbers), GENERATED_BATCH):
                batch = numbers[start : start + GENERATED_BATCH]
                by_vendor: dict[int, list[ProductSpec]] = {}
                for number in batch:
                    vendor = vendors[number % len(vendors)]
                    by_vendor.setdefault(vendor.pk, []).append(
                        self._generated_spec(number, leaves, pool)
                    )
                for vendor in vendors:
                    products_bulk_create(
                        storefront=vendor.storefront, specs=by_vendor.get(vendor.pk, []), user=admin
                    )
                bar.update(len(batch))
        # Fresh planner statistics: without them PostgreSQL plans the filtered listings over
        # thousands of new rows as if the tables were empty (seconds instead of milliseconds).
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        self._count("generated products", len(numbers))
        self.stdout.write(
            f"Generated {len(numbers)} products in {time.monotonic() - started:.1f}s."
        )

    @staticmethod
    def _generated_spec(number: int, leaves, pool) -> ProductSpec:
        rng = random.Random(number)
        title = f"{rng.choice(GENERATED_ADJECTIVES)} {rng.choice(GENERATED_NOUNS)} {number}"
        price = Decimal(rng.randint(500, 20000)) / 100
        sizes = rng.choice([[], SIZES[:2], SIZES])
        variants = [
            {
                "sku": f"GEN-{number:06d}-{size}",
                "options": {"size": size},
                "stock": rng.randint(0, 40),
            }
            for size in sizes
        ] or [{"sku": f"GEN-{number:06d}", "options": {}, "stock": rng.randint(0, 40)}]
        return ProductSpec(
            title=title,
            slug=slugify(title),
            price=price,
            summary=f"{title}: a generated demo product.",
            variants=variants,
            category_ids=[rng.choice(leaves).pk],
            image_ids=[rng.choice(pool).pk],
        )
