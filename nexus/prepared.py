"""Querysets compiled to SQL once per database connection, then run with new parameter values.

The ORM compiles a queryset into SQL each time it runs it. For the few reads every API request
makes (the JWT's user, the shopper's cart and its lines) compiling costs several times what the
database takes to answer, so those reads are written as ordinary `values_list` querysets and
wrapped in a `PreparedQuery`: compiled on first use with marker values in place of the
parameters, and from then on only executed, with the real values put where the markers were.
Rows come back as the queryset would return them (the ORM's converters applied: decimals,
JSON, booleans on SQLite), and every execution is an ordinary query on the connection (counted
by the tests' query counters, inside the caller's transaction).
"""

import uuid
import weakref
from collections.abc import Callable
from functools import cache

from django.core.exceptions import ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import DEFERRED, Model, QuerySet


class PreparedQuery:
    """`build(**parameters)` returns a `values_list` queryset; each parameter (an int or a str
    compared for equality) is replaced by a marker when it is compiled, so it must reach the SQL
    as a parameter of its own. `rows(**values)` runs it."""

    def __init__(self, build: Callable[..., QuerySet], **parameters: type):
        self.build = build
        self.parameters = parameters
        # Per connection: compilers hold their connection, and threads each have their own.
        self._compiled = weakref.WeakKeyDictionary()

    def _compile(self, connection):
        markers = {}
        for name, kind in self.parameters.items():
            if kind is int:
                # Negative (ids never are) and within a 32-bit column's range (Django turns a
                # comparison outside it into an empty result without asking the database).
                markers[name] = -(10**9) - uuid.uuid4().int % 10**9
            elif kind is str:
                markers[name] = f"prepared-{uuid.uuid4().hex}"
            else:
                raise ImproperlyConfigured(f"Parameter {name} must be an int or a str.")
        compiler = self.build(**markers).query.get_compiler(connection=connection)
        sql, params = compiler.as_sql()
        names = {marker: name for name, marker in markers.items()}
        slots = [(names.get(param), param) for param in params]
        missing = set(markers) - {name for name, _ in slots}
        if missing:
            raise ImproperlyConfigured(
                f"Parameters {sorted(missing)} do not reach the SQL as parameters of their own."
            )
        converters = compiler.get_converters(
            [column[0] for column in compiler.select[: compiler.col_count]]
        )
        return compiler, sql, slots, converters

    def rows(self, using: str = DEFAULT_DB_ALIAS, **values) -> list[tuple]:
        connection = connections[using]
        compiled = self._compiled.get(connection)
        if compiled is None:
            compiled = self._compiled[connection] = self._compile(connection)
        compiler, sql, slots, converters = compiled
        for name, kind in self.parameters.items():
            if kind is int and not -(2**63) <= values[name] < 2**63:
                return []  # no column holds it (the ORM, too, answers without asking)
        params = [fixed if name is None else values[name] for name, fixed in slots]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            fetched = cursor.fetchall()
        if not converters:
            return fetched
        return [tuple(row) for row in compiler.apply_converters(fetched, converters)]


class PreparedLookup:
    """The one row of `model` whose fields equal the given values (a unique lookup), as a
    model instance with every field loaded, or None: a `PreparedQuery` of all its fields."""

    def __init__(self, model: type[Model], **parameters: type):
        self.model = model
        self.query = PreparedQuery(
            lambda **values: model.objects.filter(**values).values_list(*_attnames(model)),
            **parameters,
        )

    def get(self, **values) -> Model | None:
        rows = self.query.rows(**values)
        if not rows:
            return None
        return instance(self.model, dict(zip(_attnames(self.model), rows[0], strict=True)))


def instance(model: type[Model], values: dict, using: str = DEFAULT_DB_ALIAS) -> Model:
    """A `model` instance as the database holds it, from {attname: value} of some of its
    fields; the others are deferred (loaded on first access, as with `.only()`)."""
    return model.from_db(using, None, [values.get(name, DEFERRED) for name in _attnames(model)])


@cache
def _attnames(model: type[Model]) -> list[str]:
    return [field.attname for field in model._meta.concrete_fields]
