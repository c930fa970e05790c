"""Search index entries of new products, written in batches.

`products_create` adds thousands of products in one call; indexing them through the search
backend's `add_bulk` cost more than everything else the call does together. The PostgreSQL
backend extracts each product's text five times (title, body, autocomplete and both plain
texts each walk every search field, StreamField body and related rows included) and compiles
a Django expression per text of every product. Here, on that backend, each search field of a
product is read once, the SQL of a vector is compiled once per shape (the weights of its
texts, in order) and reused with the product's texts as parameters, and the rows go in as the
backend writes them: one INSERT per batch, then the backend's title-norm refresh once per
call. The entries are those the backend itself writes (a test compares them). Other backends
(SQLite, MariaDB/MySQL) get the same in-memory products through their own `add_bulk`.
"""

from collections.abc import Sequence

from django.db.models.sql.subqueries import InsertQuery
from modelsearch.backends.database.postgres.postgres import (
    EMPTY_VECTOR,
    IndexEntry,
    ObjectIndexer,
    PostgresIndex,
)
from modelsearch.utils import get_content_type_pk
from wagtail.search.backends import get_search_backends

# The backend's own statement (modelsearch PostgresIndex.add_items).
INSERT_SQL = """
    INSERT INTO {table} (content_type_id, object_id, title, autocomplete, body, title_norm,
                         title_text, body_text)
    (VALUES {rows})
    ON CONFLICT (content_type_id, object_id)
    DO UPDATE SET title = EXCLUDED.title,
                  title_norm = 1.0,
                  autocomplete = EXCLUDED.autocomplete,
                  body = EXCLUDED.body,
                  title_text = EXCLUDED.title_text,
                  body_text = EXCLUDED.body_text
"""


def search_entries_add(*, model, objects: Sequence, batch_size: int) -> None:
    """Index `objects` (instances of `model` with their related rows in memory) in every search
    backend that updates automatically, `batch_size` rows per statement."""
    for backend in get_search_backends(with_auto_update=True):
        index = backend.get_index_for_model(model)
        if not isinstance(index, PostgresIndex):
            for start in range(0, len(objects), batch_size):
                backend.add_bulk(model, list(objects[start : start + batch_size]))
            continue
        vectors = _VectorSql(index)
        for start in range(0, len(objects), batch_size):
            _insert_entries(
                index,
                model=model,
                objects=objects[start : start + batch_size],
                vectors=vectors,
                backend=backend,
            )
        index._refresh_title_norms()


def _insert_entries(index: PostgresIndex, *, model, objects, vectors, backend) -> None:
    if not objects or not model.get_search_fields():
        return
    content_type_pk = get_content_type_pk(model)
    rows, params = [], []
    for obj in objects:
        indexer = _OnceIndexer(obj, backend, vectors)
        title, autocomplete, body = indexer.title, indexer.autocomplete, indexer.body
        rows.append(f"(%s, %s, {title[0]}, {autocomplete[0]}, {body[0]}, 1.0, %s, %s)")
        params += [content_type_pk, indexer.id, *title[1], *autocomplete[1], *body[1]]
        params += [indexer.title_text, indexer.body_text]
    sql = INSERT_SQL.format(table=IndexEntry._meta.db_table, rows=", ".join(rows))
    with index.write_connection.cursor() as cursor:
        cursor.execute(sql, params)


class _OnceIndexer(ObjectIndexer):
    """The backend's indexer, reading each search field of its object once (the backend reads
    them once per vector) and giving each vector as SQL and parameters."""

    def __init__(self, obj, backend, vectors: "_VectorSql"):
        super().__init__(obj, backend)
        self._prepared: dict[int, list] = {}
        self._vectors = vectors

    def prepare_field(self, obj, field):
        if obj is not self.obj:  # a related row, read once through its top-level field
            yield from super().prepare_field(obj, field)
            return
        if id(field) not in self._prepared:
            self._prepared[id(field)] = list(super().prepare_field(obj, field))
        yield from self._prepared[id(field)]

    def as_vector(self, texts, for_autocomplete=False):
        texts = [(text.strip(), weight) for text, weight in texts]
        texts = [(text, weight) for text, weight in texts if text]
        return self._vectors.sql(self, texts, for_autocomplete=for_autocomplete)


class _VectorSql:
    """The SQL of a search vector per shape, compiled once by the backend's own expressions
    with placeholder texts; a vector is then that SQL with its texts in their places."""

    def __init__(self, index: PostgresIndex):
        self.connection = index.write_connection
        self.compiler = InsertQuery(IndexEntry).get_compiler(connection=self.connection)
        self.templates: dict[tuple, tuple[str, list]] = {}

    def sql(self, indexer: ObjectIndexer, texts, *, for_autocomplete: bool):
        key = (for_autocomplete, tuple(weight for _, weight in texts))
        if key not in self.templates:
            self.templates[key] = self._compile(indexer, key)
        sql, template_params = self.templates[key]
        values = iter(text for text, _ in texts)
        return sql, [next(values) if param is _TEXT else param for param in template_params]

    def _compile(self, indexer: ObjectIndexer, key) -> tuple[str, list]:
        for_autocomplete, weights = key
        placeholders = [f"\x00text {position}\x00" for position in range(len(weights))]
        expression = (
            ObjectIndexer.as_vector(
                indexer, list(zip(placeholders, weights, strict=True)), for_autocomplete
            )
            if weights
            else EMPTY_VECTOR
        )
        value = self.compiler.prepare_value(IndexEntry._meta.get_field("body"), expression)
        sql, params = value.as_sql(self.compiler, self.connection)
        marked = [_TEXT if param in placeholders else param for param in params]
        if sum(param is _TEXT for param in marked) != len(weights):
            raise AssertionError(f"Each text of a search vector is one parameter: {sql}")
        texts_in_order = [param for param in params if param in placeholders]
        if texts_in_order != placeholders:
            raise AssertionError(f"The texts of a search vector are in order: {sql}")
        return sql, marked


_TEXT = object()
