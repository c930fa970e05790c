"""Cart, checkout, orders and payments: the same services and selectors as `commerce.api` and
`commerce.payments.api`, with the same input shapes (the DRF input serializers) and errors.

`cart` holds the cart's types, `orders` the order and payment types, `root` the query and
mutation fields built on them.
"""

from graphql_api.commerce.root import CommerceMutation, CommerceQuery

__all__ = ["CommerceMutation", "CommerceQuery"]
