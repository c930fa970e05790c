"""Commerce domain errors. The DRF exception handler (nexus.api) and the site views turn each
into a clear message; `status` is the HTTP status, `code` is stable for API clients."""

from nexus.errors import Conflict, DomainError, NotFound


class InvalidOrderTransition(Conflict):
    code = "invalid_order_transition"


class PaymentInFlight(Conflict):
    code = "payment_in_flight"


class OrderNotFound(NotFound):
    code = "order_not_found"


class OrderLineNotFound(NotFound):
    code = "order_line_not_found"


class CartNotFound(NotFound):
    code = "cart_not_found"


class InvalidCartToken(DomainError):
    code = "invalid_cart_token"


class CartLineNotFound(NotFound):
    code = "cart_line_not_found"


class VariantNotFound(NotFound):
    code = "variant_not_found"


class ProductNotFound(NotFound):
    code = "product_not_found"


class WishlistItemNotFound(NotFound):
    code = "wishlist_item_not_found"


class InvalidQuantity(DomainError):
    code = "invalid_quantity"

    def __init__(self, message: str):
        super().__init__(message, field="quantity")


class ProductUnavailable(Conflict):
    """The product cannot be bought: sold out, unpublished or private, or its vendor suspended."""

    code = "product_unavailable"


class NotEnoughStock(Conflict):
    """A cart line asks for more than is in stock."""

    code = "insufficient_stock"


class CartEmpty(DomainError):
    code = "cart_empty"


class InvalidShippingAddress(DomainError):
    code = "invalid_shipping_address"


class InvalidIdempotencyKey(DomainError):
    code = "invalid_idempotency_key"


class LinesAlreadyShipped(Conflict):
    code = "lines_already_shipped"


class InvalidShipment(DomainError):
    code = "invalid_shipment"


class InvalidShippingRate(DomainError):
    code = "invalid_shipping_rate"
