from nexus.errors import Conflict, DomainError, PermissionDenied


class InvalidStockChange(DomainError):
    code = "invalid_stock_change"


class InsufficientStock(Conflict):
    code = "insufficient_stock"

    def __init__(self, message: str, *, shortages=()):
        super().__init__(message)
        self.shortages = list(shortages)


class ProductCreateDenied(PermissionDenied):
    code = "product_create_denied"


class InvalidProduct(DomainError):
    code = "invalid_product"
