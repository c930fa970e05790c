"""CSV import of a vendor's products.

One row per variant; rows sharing a title are one product (the first row's price is the
product's price, a different price on a later row becomes that variant's price override):

    title,sku,price,stock,category,options
    Rain Jacket,RJ-S,79.90,5,Jackets,size: S
    Rain Jacket,RJ-M,79.90,3,Jackets,size: M
    Enamel Mug,MUG-1,12.00,40,Kitchen,

Every row is checked before anything is written. A product is imported whole or not at all:
when any of its rows has an error, none of its rows is imported and each error is reported
with its line number, column and reason. Products without errors are imported even if other
products in the file have errors, each in its own transaction.
"""

import csv
import io
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.text import slugify

from catalog import inventory
from catalog.models import CategoryPage, ProductPage, ProductVariant
from catalog.money import has_at_most_cents
from catalog.options import options_parse

REQUIRED_COLUMNS = ("title", "sku", "price")
OPTIONAL_COLUMNS = ("stock", "category", "options")
MAX_ROWS = 5000
MAX_PRICE = Decimal("9999999999.99")
MAX_STOCK = 1_000_000


@dataclass(frozen=True)
class RowError:
    line: int  # line number in the file (the header is line 1)
    field: str  # column name, or "file"
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}, {self.field}: {self.reason}"


@dataclass
class ImportResult:
    created: list[ProductPage] = field(default_factory=list)
    variant_count: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def is_clean(self) -> bool:
        return not self.errors


@dataclass
class _Row:
    line: int
    title: str
    sku: str
    price: Decimal | None
    stock: int
    categories: list[CategoryPage]
    options: dict


def _decode(file) -> str:
    data = file.read() if hasattr(file, "read") else file
    if isinstance(data, bytes):
        return data.decode("utf-8-sig")
    return data.lstrip("\ufeff")


def _category_lookup() -> dict[str, list[CategoryPage]]:
    """Categories by lower-cased title and by "Parent/Child" path of titles."""
    categories = list(CategoryPage.objects.order_by("path"))
    by_path = {category.path: category for category in categories}
    lookup: dict[str, list[CategoryPage]] = {}
    for category in categories:
        lookup.setdefault(category.title.strip().lower(), []).append(category)
        parent = by_path.get(category.path[:-4])
        if parent is not None:
            key = f"{parent.title.strip().lower()}/{category.title.strip().lower()}"
            lookup.setdefault(key, []).append(category)
    return lookup


def _parse_row(line: int, raw: dict, lookup, errors: list[RowError]) -> _Row:
    def value(name: str) -> str:
        return (raw.get(name) or "").strip()

    def error(column: str, reason: str) -> None:
        errors.append(RowError(line, column, reason))

    title = value("title")
    if not title:
        error("title", "A title is required.")
    elif len(title) > 255:
        error("title", "A title may be 255 characters long.")

    sku = value("sku")
    if not sku:
        error("sku", "A SKU is required.")
    elif len(sku) > 64:
        error("sku", "A SKU may be 64 characters long.")

    price = None
    try:
        price = Decimal(value("price"))
        if not price.is_finite() or price < 0 or price > MAX_PRICE:
            raise InvalidOperation
        if not has_at_most_cents(price):
            error("price", f'"{value("price")}" has more than 2 decimal places.')
            price = None
    except InvalidOperation:
        error("price", f'"{value("price")}" is not a price (write e.g. 19.90).')
        price = None

    stock = 0
    if value("stock"):
        try:
            stock = int(value("stock"))
            if not 0 <= stock <= MAX_STOCK:
                raise ValueError
        except ValueError:
            error("stock", f'"{value("stock")}" is not a whole number from 0 to {MAX_STOCK}.')
            stock = 0

    categories: list[CategoryPage] = []
    for name in filter(None, (part.strip() for part in value("category").split("|"))):
        found = lookup.get(name.lower(), [])
        if not found:
            error("category", f'No category called "{name}".')
        elif len(found) > 1:
            error(
                "category",
                f'"{name}" matches {len(found)} categories; write it as "Parent/{name}".',
            )
        else:
            categories.append(found[0])

    options: dict = {}
    try:
        options = options_parse(value("options"))
    except ValidationError as exc:
        error("options", exc.messages[0])

    return _Row(line, title, sku, price, stock, categories, options)


def _check_groups(rows: list[_Row], errors: list[RowError]) -> dict[str, list[_Row]]:
    groups: dict[str, list[_Row]] = {}
    for row in rows:
        if row.title:
            groups.setdefault(row.title.lower(), []).append(row)
    for group in groups.values():
        if len(group) > 1:
            seen: dict[tuple, int] = {}
            for row in group:
                if not row.options:
                    errors.append(
                        RowError(
                            row.line,
                            "options",
                            f'"{row.title}" has several rows, so each needs its options '
                            "(e.g. size: M).",
                        )
                    )
                    continue
                key = tuple(sorted(row.options.items()))
                if key in seen:
                    errors.append(
                        RowError(row.line, "options", f"Same options as line {seen[key]}.")
                    )
                seen.setdefault(key, row.line)
    return groups


def _unique_slug(storefront, title: str) -> str:
    base = slugify(title)[:200] or "product"
    taken = set(
        storefront.get_children().filter(slug__startswith=base).values_list("slug", flat=True)
    )
    slug, number = base, 2
    while slug in taken:
        slug, number = f"{base}-{number}", number + 1
    return slug


def _create_product(*, storefront, rows: list[_Row], publish: bool, user) -> ProductPage:
    first = rows[0]
    product = ProductPage(
        title=first.title,
        slug=_unique_slug(storefront, first.title),
        price=first.price,
        owner=user,
        live=False,  # a draft until the revision is published, as in the admin
    )
    product.variants = [
        ProductVariant(
            sku=row.sku,
            options=row.options,
            price_override=row.price if row.price != first.price else None,
            sort_order=index,
        )
        for index, row in enumerate(rows)
    ]
    categories: dict[int, CategoryPage] = {}
    for row in rows:
        for category in row.categories:
            categories.setdefault(category.pk, category)
    product.categories = list(categories.values())
    storefront.add_child(instance=product)
    revision = product.save_revision(user=user, log_action=True)
    if publish:
        revision.publish(user=user)
    stock_by_sku = {row.sku: row.stock for row in rows}
    for variant_id, sku in ProductVariant.objects.filter(page=product).values_list("pk", "sku"):
        inventory.stock_set(variant_id=variant_id, quantity=stock_by_sku.get(sku, 0))
    return product


def products_import(*, storefront, file, publish: bool = True, user=None) -> ImportResult:
    """Import products from CSV `file` (bytes, text or a file object) into `storefront`.

    Returns what was created and every row error; never raises for bad rows. Each product is
    created in its own transaction (page, revision, variants, stock), so an error never leaves
    half a product or half a row. `publish` publishes the new pages; the caller decides whether
    the user may publish (the admin view asks Wagtail's page permissions).
    """
    result = ImportResult()
    try:
        text = _decode(file)
    except UnicodeDecodeError:
        result.errors.append(
            RowError(1, "file", "The file is not UTF-8 text (save it as CSV UTF-8).")
        )
        return result
    reader = csv.DictReader(io.StringIO(text))
    header = [(name or "").strip().lower() for name in (reader.fieldnames or [])]
    missing = [name for name in REQUIRED_COLUMNS if name not in header]
    if missing:
        result.errors.append(
            RowError(
                1,
                "file",
                f"Missing column(s): {', '.join(missing)}. The header row must "
                f"name: {', '.join(REQUIRED_COLUMNS + OPTIONAL_COLUMNS)}.",
            )
        )
        return result
    reader.fieldnames = header

    lookup = _category_lookup()
    rows: list[_Row] = []
    errors: list[RowError] = []
    try:
        for raw in reader:
            line = reader.line_num
            if len(rows) >= MAX_ROWS:
                errors.append(RowError(line, "file", f"At most {MAX_ROWS} rows per file."))
                break
            if not any((value or "").strip() for key, value in raw.items() if key):
                continue
            rows.append(_parse_row(line, raw, lookup, errors))
    except csv.Error as exc:
        errors.append(RowError(reader.line_num, "file", f"Not valid CSV: {exc}."))

    seen_skus: dict[str, int] = {}
    for row in rows:
        if row.sku:
            key = row.sku.lower()
            if key in seen_skus:
                errors.append(
                    RowError(row.line, "sku", f'"{row.sku}" is also on line {seen_skus[key]}.')
                )
            seen_skus.setdefault(key, row.line)
    # Archived variants keep their SKU (their product may bring them back).
    existing = set(
        ProductVariant.all_objects.filter(
            sku__in=[row.sku for row in rows if row.sku]
        ).values_list("sku", flat=True)
    )
    for row in rows:
        if row.sku in existing:
            errors.append(RowError(row.line, "sku", f'"{row.sku}" already exists in the catalog.'))

    groups = _check_groups(rows, errors)
    bad_lines = {error.line for error in errors}
    for group in groups.values():
        if any(row.line in bad_lines for row in group):
            for row in group:
                if row.line not in bad_lines:
                    errors.append(
                        RowError(
                            row.line,
                            "title",
                            f'Not imported: another row of "{row.title}" has an error.',
                        )
                    )
            continue
        try:
            with transaction.atomic():
                product = _create_product(
                    storefront=storefront, rows=group, publish=publish, user=user
                )
        except (IntegrityError, ValidationError) as exc:
            reason = "; ".join(getattr(exc, "messages", [str(exc)]))
            for row in group:
                errors.append(RowError(row.line, "sku", f"Could not be saved: {reason}"))
            continue
        result.created.append(product)
        result.variant_count += len(group)
    result.errors = sorted(errors, key=lambda error: (error.line, error.field))
    return result
