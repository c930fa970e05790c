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
from functools import partial

from django.core.exceptions import ValidationError
from django.db import IntegrityError

from catalog.models import CategoryPage, ProductPage, ProductVariant
from catalog.money import has_at_most_cents
from catalog.options import options_parse
from catalog.services.products import ProductSpec, VariantSpec, products_create

REQUIRED_COLUMNS = ("title", "sku", "price")
OPTIONAL_COLUMNS = ("stock", "category", "options")
MAX_ROWS = 5000
MAX_PRICE = Decimal("9999999999.99")
MAX_STOCK = 1_000_000
TITLE_MAX_LENGTH = ProductPage._meta.get_field("title").max_length
SKU_MAX_LENGTH = ProductVariant._meta.get_field("sku").max_length


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


class _CellError(Exception):
    """A cell's value is refused for `reasons`; the row keeps `value` for the checks that
    look across rows (an over-long title still groups the rows of its product)."""

    def __init__(self, *reasons: str, value):
        super().__init__(*reasons)
        self.reasons, self.value = reasons, value


def products_import(*, storefront, file, publish: bool = True, user=None) -> ImportResult:
    """Import products from CSV `file` (bytes, text or a file object) into `storefront`.

    Returns what was created and every row error; never raises for bad rows. Each product is
    created by `products_create` in its own transaction (page, revision, variants, stock), so
    an error never leaves half a product or half a row. `publish` publishes the new pages when
    `user` may publish there (otherwise they are drafts); raises `ProductCreateDenied`, before
    anything is imported, when `user` may not add products to the storefront.
    """
    rows, errors = _read_rows(file)
    _check_skus(rows, errors)
    groups = _check_groups(rows, errors)
    result = _create_products(
        storefront=storefront, groups=groups, errors=errors, publish=publish, user=user
    )
    result.errors = sorted(errors, key=lambda error: (error.line, error.field))
    return result


def _read_rows(file) -> tuple[list[_Row], list[RowError]]:
    """The rows of the file, each parsed and checked on its own, and the errors found. A file
    that cannot be read as CSV with the required columns gives one error and no rows."""
    try:
        text = _decode(file)
    except UnicodeDecodeError:
        return [], [RowError(1, "file", "The file is not UTF-8 text (save it as CSV UTF-8).")]
    reader = csv.DictReader(io.StringIO(text))
    header = [(name or "").strip().lower() for name in (reader.fieldnames or [])]
    if missing := [name for name in REQUIRED_COLUMNS if name not in header]:
        return [], [
            RowError(
                1,
                "file",
                f"Missing column(s): {', '.join(missing)}. The header row must "
                f"name: {', '.join(REQUIRED_COLUMNS + OPTIONAL_COLUMNS)}.",
            )
        ]
    reader.fieldnames = header
    return _parse_rows(reader, _category_lookup())


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
        parent = by_path.get(category.path[: -CategoryPage.steplen])
        if parent is not None:
            key = f"{parent.title.strip().lower()}/{category.title.strip().lower()}"
            lookup.setdefault(key, []).append(category)
    return lookup


def _parse_rows(reader: csv.DictReader, lookup) -> tuple[list[_Row], list[RowError]]:
    rows: list[_Row] = []
    errors: list[RowError] = []
    try:
        for raw in reader:
            if len(rows) >= MAX_ROWS:
                errors.append(
                    RowError(reader.line_num, "file", f"At most {MAX_ROWS} rows per file.")
                )
                break
            if any((value or "").strip() for key, value in raw.items() if key):
                rows.append(_parse_row(reader.line_num, raw, lookup, errors))
    except csv.Error as exc:
        errors.append(RowError(reader.line_num, "file", f"Not valid CSV: {exc}."))
    return rows, errors


def _parse_row(line: int, raw: dict, lookup, errors: list[RowError]) -> _Row:
    """One row, its cells parsed in column order; each refused cell adds its errors."""

    def cell(column: str, parse):
        try:
            return parse((raw.get(column) or "").strip())
        except _CellError as refused:
            errors.extend(RowError(line, column, reason) for reason in refused.reasons)
            return refused.value

    return _Row(
        line=line,
        title=cell("title", partial(_parse_required, name="A title", max_length=TITLE_MAX_LENGTH)),
        sku=cell("sku", partial(_parse_required, name="A SKU", max_length=SKU_MAX_LENGTH)),
        price=cell("price", _parse_price),
        stock=cell("stock", _parse_stock),
        categories=cell("category", partial(_parse_categories, lookup=lookup)),
        options=cell("options", _parse_options),
    )


def _parse_required(text: str, *, name: str, max_length: int) -> str:
    if not text:
        raise _CellError(f"{name} is required.", value=text)
    if len(text) > max_length:
        raise _CellError(f"{name} may be {max_length} characters long.", value=text)
    return text


def _parse_price(text: str) -> Decimal:
    try:
        price = Decimal(text)
    except InvalidOperation:
        price = None
    if price is None or not price.is_finite() or not 0 <= price <= MAX_PRICE:
        raise _CellError(f'"{text}" is not a price (write e.g. 19.90).', value=None)
    if not has_at_most_cents(price):
        raise _CellError(f'"{text}" has more than 2 decimal places.', value=None)
    return price


def _parse_stock(text: str) -> int:
    if not text:
        return 0
    try:
        stock = int(text)
    except ValueError:
        stock = -1
    if not 0 <= stock <= MAX_STOCK:
        raise _CellError(f'"{text}" is not a whole number from 0 to {MAX_STOCK}.', value=0)
    return stock


def _parse_categories(text: str, lookup) -> list[CategoryPage]:
    """Categories separated by "|", each by title or as "Parent/Child"."""
    found, reasons = [], []
    for name in filter(None, (part.strip() for part in text.split("|"))):
        matches = lookup.get(name.lower(), [])
        if not matches:
            reasons.append(f'No category called "{name}".')
        elif len(matches) > 1:
            reasons.append(
                f'"{name}" matches {len(matches)} categories; write it as "Parent/{name}".'
            )
        else:
            found.append(matches[0])
    if reasons:
        raise _CellError(*reasons, value=found)
    return found


def _parse_options(text: str) -> dict:
    try:
        return options_parse(text)
    except ValidationError as exc:
        raise _CellError(exc.messages[0], value={})


def _check_skus(rows: list[_Row], errors: list[RowError]) -> None:
    """A SKU may appear once in the file and not yet in the catalog."""
    seen: dict[str, int] = {}
    for row in rows:
        if row.sku:
            key = row.sku.lower()
            if key in seen:
                errors.append(
                    RowError(row.line, "sku", f'"{row.sku}" is also on line {seen[key]}.')
                )
            seen.setdefault(key, row.line)
    # Archived variants keep their SKU (their product may bring them back).
    existing = set(
        ProductVariant.all_objects.filter(sku__in=[row.sku for row in rows if row.sku]).values_list(
            "sku", flat=True
        )
    )
    for row in rows:
        if row.sku in existing:
            errors.append(RowError(row.line, "sku", f'"{row.sku}" already exists in the catalog.'))


def _check_groups(rows: list[_Row], errors: list[RowError]) -> dict[str, list[_Row]]:
    """The rows grouped by product (title); the rows of a product with several rows need
    distinct options."""
    groups: dict[str, list[_Row]] = {}
    for row in rows:
        if row.title:
            groups.setdefault(row.title.lower(), []).append(row)
    for group in groups.values():
        if len(group) > 1:
            _check_group_options(group, errors)
    return groups


def _check_group_options(group: list[_Row], errors: list[RowError]) -> None:
    seen: dict[tuple, int] = {}
    for row in group:
        if not row.options:
            errors.append(
                RowError(
                    row.line,
                    "options",
                    f'"{row.title}" has several rows, so each needs its options (e.g. size: M).',
                )
            )
            continue
        key = tuple(sorted(row.options.items()))
        if key in seen:
            errors.append(RowError(row.line, "options", f"Same options as line {seen[key]}."))
        seen.setdefault(key, row.line)


def _create_products(
    *, storefront, groups: dict[str, list[_Row]], errors: list[RowError], publish: bool, user
) -> ImportResult:
    """Create each product whose rows are all sound, in its own transaction; the rows of the
    other products are reported as not imported."""
    result = ImportResult()
    bad_lines = {error.line for error in errors}
    for group in groups.values():
        if any(row.line in bad_lines for row in group):
            errors.extend(
                RowError(
                    row.line, "title", f'Not imported: another row of "{row.title}" has an error.'
                )
                for row in group
                if row.line not in bad_lines
            )
            continue
        try:
            [product] = products_create(
                storefront=storefront, specs=[_product_spec(group)], user=user, publish=publish
            )
        except IntegrityError as exc:
            errors.extend(RowError(row.line, "sku", f"Could not be saved: {exc}") for row in group)
            continue
        result.created.append(product)
        result.variant_count += len(group)
    return result


def _product_spec(rows: list[_Row]) -> ProductSpec:
    """The product of a group of rows: the first row's title and price; a later row's other
    price becomes its variant's price override; the categories of every row."""
    first = rows[0]
    return ProductSpec(
        title=first.title,
        price=first.price,
        variants=[
            VariantSpec(
                sku=row.sku,
                options=row.options,
                price_override=row.price if row.price != first.price else None,
                stock=row.stock,
            )
            for row in rows
        ],
        category_ids=list(
            dict.fromkeys(category.pk for row in rows for category in row.categories)
        ),
    )
