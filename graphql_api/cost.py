"""A cost limit for GraphQL queries: what a query may ask the server to resolve, estimated before
it runs.

Depth, token and alias limits bound a query's text; they do not bound its work. Fifteen aliases of
`products(first: 50)` asking each product's body, variants and gallery are a short query that
resolves tens of thousands of fields. The cost is the number of fields the query can resolve: each
field counts 1, and what is selected under a list counts once per item it may hold — a connection's
`first` items (the page-size default when absent), or `LIST_ESTIMATE` for other lists (a product's
variants, an order's lines; a category's children are counted once, with the tree). Fragments count where they are spread; variables are read, so
`first: $size` counts what the client asked. A query above `MAX_QUERY_COST` is refused before any
resolver runs, with its cost and the limit in the message and in `extensions`.
"""

from collections.abc import Iterator, Mapping

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLList,
    GraphQLNonNull,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValidationContext,
    ValidationRule,
    VariableNode,
    get_named_type,
    is_list_type,
)
from strawberry.extensions import AddValidationRules

from graphql_api.pagination import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE

# A full page of 50 products with every field a product page shows (variants with their options,
# gallery renditions, vendor, categories) costs about 20,500: the limit lets one such page through,
# not two, while fifteen aliased lists of titles cost under 2,000.
MAX_QUERY_COST = 25_000
# Items assumed in a list that has no `first`: a product's variants or gallery, an order's lines.
LIST_ESTIMATE = 10
# Lists whose size is not their own: a category's children are part of the one category tree,
# which `categories` already counts, so each level of a deep tree query is not multiplied again.
LIST_SIZES = {("CategoryTreeNode", "children"): 1}


class QueryTooCostly(GraphQLError):
    def __init__(self, cost: int):
        super().__init__(
            f"This query would cost {cost:,} (limit {MAX_QUERY_COST:,}): ask for fewer items "
            "(first), fewer fields or fewer aliases, or split it into several queries.",
            extensions={"code": "query_too_costly", "cost": cost, "limit": MAX_QUERY_COST},
        )


def _page_size(field: FieldNode, variables: Mapping) -> int:
    """The items a connection field asks for: its `first`, clamped to the page-size limit (a
    larger one is refused when the query runs)."""
    for argument in field.arguments or ():
        if argument.name.value != "first":
            continue
        value = argument.value
        if isinstance(value, VariableNode):
            value = variables.get(value.name.value)
        elif isinstance(value, IntValueNode):
            value = int(value.value)
        else:
            value = None
        if isinstance(value, int) and not isinstance(value, bool):
            return max(1, min(value, MAX_PAGE_SIZE))
        return DEFAULT_PAGE_SIZE
    return DEFAULT_PAGE_SIZE


def _takes_first(field_definition) -> bool:
    return "first" in field_definition.args


def _is_list(field_type) -> bool:
    if isinstance(field_type, GraphQLNonNull):
        field_type = field_type.of_type
    return is_list_type(field_type) or isinstance(field_type, GraphQLList)


class _Counter:
    def __init__(self, schema: GraphQLSchema, fragments: Mapping, variables: Mapping):
        self.schema = schema
        self.fragments = fragments
        self.variables = variables

    def selections(
        self,
        selection_set: SelectionSetNode | None,
        parent_type,
        page_size: int | None,
        spreading: frozenset[str] = frozenset(),
    ) -> int:
        """The cost of `selection_set` on `parent_type`, once. `page_size` is the `first` of the
        connection this selection belongs to: it sizes that connection's `edges` list."""
        if selection_set is None:
            return 0
        cost = 0
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                cost += self.field(selection, parent_type, page_size, spreading)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                fragment_type = (
                    self.schema.get_type(condition.name.value) if condition else parent_type
                )
                cost += self.selections(
                    selection.selection_set, fragment_type, page_size, spreading
                )
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = self.fragments.get(name)
                if fragment is None or name in spreading:  # reported by graphql's own rules
                    continue
                fragment_type = self.schema.get_type(fragment.type_condition.name.value)
                cost += self.selections(
                    fragment.selection_set, fragment_type, page_size, spreading | {name}
                )
        return cost

    def field(self, node: FieldNode, parent_type, page_size: int | None, spreading) -> int:
        name = node.name.value
        fields = getattr(parent_type, "fields", None) or {}
        definition = fields.get(name)
        if definition is None:  # __typename, introspection, or unknown (graphql refuses it)
            return 0 if name == "__typename" else 1
        child_type = get_named_type(definition.type)
        if _takes_first(definition):
            # A connection: its edges hold `first` items.
            return 1 + self.selections(
                node.selection_set, child_type, _page_size(node, self.variables), spreading
            )
        children = self.selections(node.selection_set, child_type, None, spreading)
        if _is_list(definition.type):
            if name == "edges" and page_size is not None:
                items = page_size
            else:
                items = LIST_SIZES.get((parent_type.name, name), LIST_ESTIMATE)
            return 1 + items * children
        return 1 + children


def query_cost(
    schema: GraphQLSchema,
    operation: OperationDefinitionNode,
    fragments: Mapping[str, FragmentDefinitionNode],
    variables: Mapping | None = None,
) -> int:
    root = schema.get_root_type(operation.operation)
    return _Counter(schema, fragments, variables or {}).selections(
        operation.selection_set, root, None
    )


class QueryCostLimiter(AddValidationRules):
    """Refuse a query whose cost (see the module) is above `MAX_QUERY_COST`. The variables of the
    request are read, so the rule is made per request."""

    def __init__(self):
        super().__init__([])

    def on_operation(self) -> Iterator[None]:
        self.validation_rules = [_rule(self.execution_context)]
        yield from super().on_operation()


def _rule(execution_context) -> type[ValidationRule]:
    class QueryCostRule(ValidationRule):
        def __init__(self, context: ValidationContext):
            super().__init__(context)
            document = context.document
            fragments = {
                definition.name.value: definition
                for definition in document.definitions
                if isinstance(definition, FragmentDefinitionNode)
            }
            operations = [
                definition
                for definition in document.definitions
                if isinstance(definition, OperationDefinitionNode)
            ]
            wanted = execution_context.operation_name
            if wanted:
                operations = [op for op in operations if op.name and op.name.value == wanted]
            variables = execution_context.variables or {}
            for operation in operations:
                cost = query_cost(context.schema, operation, fragments, variables)
                if cost > MAX_QUERY_COST:
                    context.report_error(QueryTooCostly(cost))
                    return

    return QueryCostRule
