"""The GraphQL schema: queries and mutations of every part, with the request limits.

`schema.graphql` at the repository root is this schema printed; regenerate it with
`python manage.py export_schema graphql_api.schema --path schema.graphql` (a test fails when the
two disagree).
"""

import strawberry
from django.conf import settings
from graphql import NoSchemaIntrospectionCustomRule
from strawberry.extensions import (
    AddValidationRules,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    QueryDepthLimiter,
)
from strawberry.schema.config import StrawberryConfig

from graphql_api.accounts import AccountsMutation, AccountsQuery
from graphql_api.catalog import CatalogQuery
from graphql_api.commerce import CommerceMutation, CommerceQuery
from graphql_api.cost import QueryCostLimiter
from graphql_api.errors import DomainErrors
from graphql_api.vendors import VendorMutation, VendorQuery
from graphql_api.wishlist import WishlistMutation, WishlistQuery
from nexus.errors import DomainError

# Deep enough for product -> variants -> options or category trees six levels down.
MAX_QUERY_DEPTH = 10
# A token is a name, brace or punctuation mark: this caps the size of a query's text (its work
# is capped by the cost limit, graphql_api/cost.py).
MAX_QUERY_TOKENS = 2000
MAX_ALIASES = 15


class IntrospectionSetting(AddValidationRules):
    """Refuse introspection unless settings.GRAPHQL_INTROSPECTION (on in dev, off by default in
    production); read per request, so the setting can change without rebuilding the schema."""

    def __init__(self):
        super().__init__([NoSchemaIntrospectionCustomRule])

    def on_operation(self):
        if settings.GRAPHQL_INTROSPECTION:
            yield
        else:
            yield from super().on_operation()


@strawberry.type
class Query(CatalogQuery, CommerceQuery, AccountsQuery, WishlistQuery, VendorQuery):
    pass


@strawberry.type
class Mutation(AccountsMutation, CommerceMutation, WishlistMutation, VendorMutation):
    pass


class NexusSchema(strawberry.Schema):
    def process_errors(self, errors, execution_context=None):
        """Log only unexpected failures: domain errors and bad queries are the client's."""
        unexpected = [
            error
            for error in errors
            if error.original_error is not None
            and not isinstance(error.original_error, DomainError)
        ]
        if unexpected:
            super().process_errors(unexpected, execution_context)


schema = NexusSchema(
    query=Query,
    mutation=Mutation,
    config=StrawberryConfig(auto_camel_case=True),
    # Factories: each request gets fresh extension instances.
    extensions=[
        lambda: QueryDepthLimiter(max_depth=MAX_QUERY_DEPTH),
        lambda: MaxTokensLimiter(max_token_count=MAX_QUERY_TOKENS),
        lambda: MaxAliasesLimiter(max_alias_count=MAX_ALIASES),
        QueryCostLimiter,
        IntrospectionSetting,
        DomainErrors,
    ],
)
