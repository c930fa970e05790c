"""The GraphQL interface at /graphql/ (strawberry + strawberry-graphql-django).

An interface layer like the DRF API: every resolver parses its input, calls the same selector or
service as the matching DRF view and shapes the result. No business rule and no permission check
lives here; no app imports this package.
"""
