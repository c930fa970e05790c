from nexus.errors import Conflict, DomainError


class InvalidStockChange(DomainError):
    code = "invalid_stock_change"


class InsufficientStock(Conflict):
    code = "insufficient_stock"

    def __init__(self, message: str, *, shortages=()):
        super().__init__(message)
        self.shortages = list(shortages)
