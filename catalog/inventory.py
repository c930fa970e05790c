"""The only code that changes stock.

Every change is one conditional SQL UPDATE (so concurrent callers can never take more than is
there) and the database CHECK on `Stock.quantity` is the last line of defence. Multi-variant
reservations update rows in ascending variant id order, so two checkouts holding the same
variants in a different order cannot deadlock. Every change invalidates the cached pages that
show the variant's availability once the transaction commits (`catalog.cache`).
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F

from catalog.cache import variants_cache_invalidate
from catalog.exceptions import InsufficientStock, InvalidStockChange
from catalog.models import ProductVariant, Stock


@dataclass(frozen=True)
class Shortage:
    variant_id: int
    requested: int
    available: int


def stock_ensure(*, variant_ids: Iterable[int]) -> None:
    """Create missing stock rows (quantity 0) for the given variants."""
    missing = set(variant_ids) - set(
        Stock.objects.filter(variant_id__in=variant_ids).values_list("variant_id", flat=True)
    )
    if missing:
        Stock.objects.bulk_create(
            [Stock(variant_id=variant_id, quantity=0) for variant_id in sorted(missing)],
            ignore_conflicts=True,
        )


def stock_initialize(*, quantities: Mapping[int, int]) -> None:
    """Create the stock rows of new variants with their first quantities ({variant_id: n}),
    in batched INSERTs (`catalog.services.products`). Raises `InvalidStockChange` for a negative
    quantity and IntegrityError when a variant already has a row: existing stock is changed
    with `stock_set` or `stock_adjust`, never here."""
    if any(quantity < 0 for quantity in quantities.values()):
        raise InvalidStockChange("Stock cannot be set below zero.", field="quantity")
    Stock.objects.bulk_create(
        [
            Stock(variant_id=variant_id, quantity=quantities[variant_id])
            for variant_id in sorted(quantities)
        ],
        batch_size=1000,
    )


def stock_set(*, variant_id: int, quantity: int) -> int:
    """Set the on-hand quantity of a variant to an absolute value; returns it.

    Raises `InvalidStockChange` for a negative quantity. One UPDATE, no read-modify-write.
    """
    if quantity < 0:
        raise InvalidStockChange("Stock cannot be set below zero.", field="quantity")
    with transaction.atomic():
        stock_ensure(variant_ids=[variant_id])
        Stock.objects.filter(variant_id=variant_id).update(quantity=quantity)
        variants_cache_invalidate(variant_ids=[variant_id])
    return quantity


def stock_adjust(*, variant_id: int, delta: int) -> int:
    """Add `delta` (may be negative) to a variant's stock atomically; returns the new quantity.

    Raises `InsufficientStock` when a negative delta would take the quantity below zero; the
    row is then unchanged.
    """
    with transaction.atomic():
        stock_ensure(variant_ids=[variant_id])
        query = Stock.objects.filter(variant_id=variant_id)
        if delta < 0:
            query = query.filter(quantity__gte=-delta)
        if query.update(quantity=F("quantity") + delta) != 1:
            available = Stock.objects.get(variant_id=variant_id).quantity
            raise InsufficientStock(
                f"Cannot remove {-delta}: only {available} in stock.",
                shortages=[Shortage(variant_id, -delta, available)],
            )
        variants_cache_invalidate(variant_ids=[variant_id])
        return Stock.objects.get(variant_id=variant_id).quantity


def stock_reserve(*, quantities: Mapping[int, int]) -> None:
    """Take `quantities` ({variant_id: n}) out of stock, all or nothing.

    Must be called inside the caller's transaction (checkout): on a shortage it raises
    `InsufficientStock` listing every short variant, and the caller's rollback undoes the
    rows already decremented. Rows are updated in ascending variant id order.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("stock_reserve must run inside the caller's transaction")
    shortages = []
    for variant_id in sorted(quantities):
        wanted = quantities[variant_id]
        if wanted <= 0:
            raise InvalidStockChange("Quantities to reserve must be positive.")
        updated = Stock.objects.filter(variant_id=variant_id, quantity__gte=wanted).update(
            quantity=F("quantity") - wanted
        )
        if updated != 1:
            available = (
                Stock.objects.filter(variant_id=variant_id)
                .values_list("quantity", flat=True)
                .first()
            )
            shortages.append(Shortage(variant_id, wanted, available or 0))
    if shortages:
        names = dict(
            ProductVariant.objects.filter(pk__in=[s.variant_id for s in shortages]).values_list(
                "pk", "page__title"
            )
        )
        message = "; ".join(
            f"{names.get(s.variant_id, 'A product')}: only {s.available} left"
            + (f" (you asked for {s.requested})" if s.available else "")
            for s in shortages
        )
        raise InsufficientStock(message, shortages=shortages)
    variants_cache_invalidate(variant_ids=quantities.keys())


def stock_release(*, quantities: Mapping[int, int]) -> None:
    """Put `quantities` ({variant_id: n}) back into stock (cancellation, expiry, refund).

    Variants deleted since are skipped. Callers make this happen once (the order status
    transition that calls it is itself guarded).
    """
    with transaction.atomic():
        for variant_id in sorted(quantities):
            if quantities[variant_id] > 0:
                Stock.objects.filter(variant_id=variant_id).update(
                    quantity=F("quantity") + quantities[variant_id]
                )
        variants_cache_invalidate(variant_ids=quantities.keys())
