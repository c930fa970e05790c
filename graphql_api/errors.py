"""How domain errors reach GraphQL clients.

Mutations return them as data: every payload has `errors: [UserError!]!` (code, message, field),
empty on success. A query that fails (say, a page size above the limit) answers with a GraphQL
error whose `extensions` carry the same `code` and `field`. Any other exception is masked: the
client sees "Internal server error." with code `internal_error`, never a stack trace, and the
server logs it (`graphql_api.schema.NexusSchema.process_errors`).
"""

from collections.abc import Callable, Iterator
from functools import wraps
from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.extensions import SchemaExtension

from nexus.errors import DomainError

INTERNAL_ERROR_MESSAGE = "Internal server error."


@strawberry.type(description="Why a mutation did nothing: a stable code, a message, the field.")
class UserError:
    code: str
    message: str
    field: str | None = strawberry.field(
        default=None, description="The input field at fault, in the service's snake_case name."
    )


def user_error(error: DomainError) -> UserError:
    return UserError(code=error.code, message=error.message, field=error.field)


class NotAuthenticated(DomainError):
    code = "not_authenticated"
    status = 401


def mutation_errors(payload: Callable[..., Any]):
    """Decorate a mutation resolver: a `DomainError` it raises becomes `payload(errors=[...])`.

    The services guarantee that nothing changed when they raise, so the payload carries only
    the error."""

    def decorate(resolver):
        @wraps(resolver)
        def wrapper(*args, **kwargs):
            try:
                return resolver(*args, **kwargs)
            except DomainError as error:
                return payload(errors=[user_error(error)])

        return wrapper

    return decorate


class DomainErrors(SchemaExtension):
    """Give GraphQL errors from domain exceptions a code and field; mask everything else."""

    def on_execute(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        if result is None or not getattr(result, "errors", None):
            return
        result.errors = [self._shape(error) for error in result.errors]

    @staticmethod
    def _shape(error: GraphQLError) -> GraphQLError:
        original = error.original_error
        if original is None:  # a syntax, validation or limit error: its message is for clients
            return error
        if isinstance(original, DomainError):
            extensions = {"code": original.code}
            if original.field:
                extensions["field"] = original.field
            return GraphQLError(
                original.message, nodes=error.nodes, path=error.path, extensions=extensions
            )
        if isinstance(original, GraphQLError):  # e.g. a bad enum or scalar value
            return error
        return GraphQLError(
            INTERNAL_ERROR_MESSAGE,
            nodes=error.nodes,
            path=error.path,
            extensions={"code": "internal_error"},
        )
