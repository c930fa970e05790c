// GraphiQL for /graphql/. Log in with the tokenObtain mutation, then add a header
// {"Authorization": "Bearer <access>"} in the Headers tab; the endpoint ignores session cookies.
(function () {
  const url = window.location.href.split("?")[0];
  const fetcher = GraphiQL.createFetcher({ url: url });
  const example = [
    "# Nexus GraphQL. Ctrl-Enter runs the query.",
    "{",
    "  products(first: 5, filter: { inStock: true }) {",
    "    totalCount",
    "    edges { node { title fromPrice currency availability vendor { name } } }",
    "    pageInfo { hasNextPage endCursor }",
    "  }",
    "}",
    "",
  ].join("\n");
  const root = ReactDOM.createRoot(document.getElementById("graphiql"));
  root.render(
    React.createElement(GraphiQL, {
      fetcher: fetcher,
      defaultQuery: example,
      isHeadersEditorEnabled: true,
      shouldPersistHeaders: true,
    }),
  );
})();
