"""Build the demo shop. Safe to run again: it creates only what is missing.

The seed composes every app (it is the one place at the top of the dependency graph): the page
tree, accounts (admin, editor, one owner per vendor, a shopper), vendors through
`vendors.services.vendor_onboard`, a two-level category tree, curated products with variants,
stock and generated images, and a curated home page. `--products N` adds generated products
(up to N in total), for benchmarks. Every product is made by `catalog.services.products`.
The shop's content (categories, vendors, curated products, words for generated titles) is in
`nexus/management/demo_shop.json`.
"""

import io
import itertools
import json
import random
import time
from decimal import Decimal
from pathlib import Path

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.files.images import ImageFile
from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.utils.text import slugify
from PIL import Image as PILImage
from PIL import ImageDraw
from tqdm import tqdm
from wagtail.images import get_image_model
from wagtail.models import Collection, Page
from wagtail.search.models import IndexEntry

from catalog.models import CategoryPage, ProductPage, ProductVariant, ShopIndexPage
from catalog.services.products import ProductSpec, VariantSpec, products_create
from home.models import HomePage
from nexus.site_tree import editors_group_ensure, site_tree_ensure
from vendors.models import Vendor
from vendors.services import vendor_onboard

EDITOR = ("editor@nexus.localhost", "nexus-editor")
SHOPPER = ("shopper@nexus.localhost", "nexus-shopper")
VENDOR_PASSWORD = "nexus-vendor"

DEMO_SHOP = json.loads((Path(__file__).resolve().parents[1] / "demo_shop.json").read_text())
CATEGORIES: dict[str, list[str]] = DEMO_SHOP["categories"]
VENDORS: list[dict] = DEMO_SHOP["vendors"]
GENERATED: dict[str, list[str]] = DEMO_SHOP["generated"]

GENERATED_IMAGE_POOL = 12
GENERATED_BATCH = 500


def _decimal(text: str | None) -> Decimal | None:
    return Decimal(text) if text is not None else None


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
            featured += self._curated_products(vendor, spec, categories, admin)
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

    def _curated_products(self, vendor: Vendor, spec: dict, categories, admin) -> list:
        """The vendor's curated products, in the order of `spec`; the missing ones are made."""
        existing = {page.slug: page for page in ProductPage.objects.child_of(vendor.storefront)}
        missing = [item for item in spec["products"] if slugify(item["title"]) not in existing]
        created = products_create(
            storefront=vendor.storefront,
            specs=[
                self._curated_spec(vendor, tuple(spec["colour"]), item, categories)
                for item in missing
            ],
            user=admin,
        )
        self._count("products", len(created))
        by_slug = existing | {page.slug: page for page in created}
        return [by_slug[slugify(item["title"])] for item in spec["products"]]

    def _curated_spec(self, vendor: Vendor, colour, item: dict, categories) -> ProductSpec:
        title, summary = item["title"], item["summary"]
        sku_stem = f"{vendor.slug[:3].upper()}-{''.join(word[0] for word in title.split()).upper()}"
        variants = item.get("variants") or [{"options": {}, "stock": item["stock"]}]
        images = [
            self._image(f"{title} {view}", colour, len(title) + index, vendor.collection)
            for index, view in enumerate(("front", "detail"))
        ]
        return ProductSpec(
            title=title,
            slug=slugify(title),
            summary=summary,
            price=Decimal(item["price"]),
            compare_at_price=_decimal(item.get("compare_at_price")),
            body=[("paragraph", f"<p>{summary} Made for everyday use and built to last.</p>")],
            variants=[
                VariantSpec(
                    sku=f"{sku_stem}-{index + 1}" if variant["options"] else sku_stem,
                    options=variant["options"],
                    price_override=_decimal(variant.get("price")),
                    stock=variant["stock"],
                )
                for index, variant in enumerate(variants)
            ],
            category_ids=[categories[name].pk for name in item["categories"]],
            image_ids=[image.pk for image in images],
        )

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
        numbers = self._generated_numbers_missing(total)
        if not numbers:
            return
        leaves = [categories[name] for children in CATEGORIES.values() for name in children]
        pool = [
            self._image(
                f"Generated sample {number}", (40 + number * 15, 90, 200 - number * 10), seed=number
            )
            for number in range(GENERATED_IMAGE_POOL)
        ]
        started = time.monotonic()
        with tqdm(
            total=len(numbers), desc="Generated products", unit="product", file=self.stderr
        ) as bar:
            for start in range(0, len(numbers), GENERATED_BATCH):
                batch = numbers[start : start + GENERATED_BATCH]
                for position, vendor in enumerate(vendors):
                    specs = [
                        self._generated_spec(number, leaves, pool)
                        for number in batch
                        if number % len(vendors) == position
                    ]
                    products_create(storefront=vendor.storefront, specs=specs, user=admin)
                bar.update(len(batch))
        self._planner_statistics_refresh()
        self._count("generated products", len(numbers))
        self.stdout.write(
            f"Generated {len(numbers)} products in {time.monotonic() - started:.1f}s."
        )

    @staticmethod
    def _planner_statistics_refresh() -> None:
        """Fresh planner statistics: without them PostgreSQL plans the filtered listings over
        thousands of new rows as if the tables were empty (seconds instead of milliseconds), and
        MariaDB/MySQL's optimizer picks its join order from stale row estimates.

        On MariaDB/MySQL it is `ANALYZE TABLE` on the catalog's tables (the product pages, their
        variants, stock and categories, the page tree and the search index). That statement
        commits the open transaction there, so inside one (a caller's `atomic` block) it is left
        to InnoDB's own background statistics instead of committing the caller's work."""
        with connection.cursor() as cursor:
            if connection.vendor != "mysql":
                cursor.execute("ANALYZE")
                return
            if connection.in_atomic_block:
                return
            models = [
                *apps.get_app_config("catalog").get_models(include_auto_created=True),
                Page,
                IndexEntry,
            ]
            tables = sorted({model._meta.db_table for model in models})
            cursor.execute(
                "ANALYZE TABLE " + ", ".join(connection.ops.quote_name(t) for t in tables)
            )
            cursor.fetchall()

    @staticmethod
    def _generated_numbers_missing(total: int) -> list[int]:
        """The numbers of the products to generate so that `total` exist (the SKUs of generated
        product number n start with GEN-n), the lowest free numbers first."""
        rows = list(
            ProductVariant.objects.filter(sku__startswith="GEN-").values_list("page_id", "sku")
        )
        missing = total - len({page_id for page_id, _ in rows})
        taken = {int(sku.split("-")[1]) for _, sku in rows}
        free = (number for number in range(1, total + len(taken) + 1) if number not in taken)
        return list(itertools.islice(free, max(missing, 0)))

    @staticmethod
    def _generated_spec(number: int, leaves, pool) -> ProductSpec:
        rng = random.Random(number)
        title = f"{rng.choice(GENERATED['adjectives'])} {rng.choice(GENERATED['nouns'])} {number}"
        price = Decimal(rng.randint(500, 20000)) / 100
        sizes = rng.choice([[], GENERATED["sizes"][:2], GENERATED["sizes"]])
        variants = [
            VariantSpec(
                sku=f"GEN-{number:06d}-{size}", options={"size": size}, stock=rng.randint(0, 40)
            )
            for size in sizes
        ] or [VariantSpec(sku=f"GEN-{number:06d}", stock=rng.randint(0, 40))]
        return ProductSpec(
            title=title,
            slug=slugify(title),
            price=price,
            summary=f"{title}: a generated demo product.",
            variants=variants,
            category_ids=[rng.choice(leaves).pk],
            image_ids=[rng.choice(pool).pk],
        )
