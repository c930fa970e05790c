"""Querysets compiled to SQL once per database connection, then run with new parameter values.

The ORM compiles a queryset into SQL each time it runs it. For the few reads every API request
makes (the JWT's user, the shopper's cart and its lines) compiling costs several times what the
database takes to answer, so those reads are written as ordinary `values_list` querysets and
wrapped in a `PreparedQuery`: compiled on first use with marker values in place of the
parameters, and from then on only executed, with the real values put where the markers were.
Rows come back as the queryset would return them (the ORM's converters applied: decimals,
JSON, booleans on SQLite), and every execution is an ordinary query on the connection (counted
by the tests' query counters, inside the caller's transaction).

On PostgreSQL each of them is also a server-side prepared statement (`PREPARE` once per
connection, then `EXECUTE`): the server plans it once instead of on every run, which for the
cart's joined lines is most of what the database spends on them. The statement's SQL rides
along as a comment of each `EXECUTE`, so query logs and the tests' query inspection still see
what runs. `PREPARED_STATEMENTS = False` (environment `PREPARED_STATEMENTS=false`) turns this
off, for a connection pooler that does not keep a session's statements (PgBouncer in
transaction mode).
"""

import itertools
import re
import uuid
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from django.conf import settings
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
        self._statement = f"nexus_prepared_{next(_STATEMENT_NUMBERS)}"

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
        statement = None
        if connection.vendor == "postgresql" and getattr(settings, "PREPARED_STATEMENTS", True):
            statement = _server_statement(self._statement, connection, sql, slots)
        return compiler, sql, slots, converters, statement

    def rows(self, using: str = DEFAULT_DB_ALIAS, **values) -> list[tuple]:
        connection = connections[using]
        compiled = self._compiled.get(connection)
        if compiled is None:
            compiled = self._compiled[connection] = self._compile(connection)
        compiler, sql, slots, converters, statement = compiled
        for name, kind in self.parameters.items():
            if kind is int and not -(2**63) <= values[name] < 2**63:
                return []  # no column holds it (the ORM, too, answers without asking)
        with connection.cursor() as cursor:
            if statement is None:
                cursor.execute(
                    sql, [fixed if name is None else values[name] for name, fixed in slots]
                )
            else:
                statement.prepare_on(connection)
                cursor.execute(statement.execute, [values[name] for name in statement.names])
            fetched = cursor.fetchall()
        if not converters:
            return list(fetched)  # MySQLdb's is a tuple
        return [tuple(row) for row in compiler.apply_converters(fetched, converters)]


_STATEMENT_NUMBERS = itertools.count(1)
_PLACEHOLDERS = re.compile(r"%s|%%")


@dataclass
class _ServerStatement:
    """A `PreparedQuery` as a PostgreSQL prepared statement: `prepare` (its parameters as
    $1, $2…, the compiler's own constants written in) run once per database session, then
    `execute` with the values of `names`."""

    prepare: str
    execute: str
    names: list[str]
    # The database sessions (psycopg connections) that have it prepared.
    sessions: weakref.WeakSet

    def prepare_on(self, connection) -> None:
        session = connection.connection
        if session not in self.sessions:
            # On the session itself: not a query of the request (counted, logged) but setup,
            # kept by the session whatever happens to the transaction it ran in.
            with connection.wrap_database_errors, session.cursor() as cursor:
                cursor.execute(self.prepare)
            self.sessions.add(session)


def _server_statement(name: str, connection, sql: str, slots: list) -> _ServerStatement:
    numbers: dict[str, int] = {}
    remaining = iter(slots)

    def replace(match) -> str:
        if match.group() == "%%":
            return "%"
        slot_name, fixed = next(remaining)
        if slot_name is None:
            return connection.ops.compose_sql("%s", [fixed])
        numbers.setdefault(slot_name, len(numbers) + 1)
        return f"${numbers[slot_name]}"

    prepared = _PLACEHOLDERS.sub(replace, sql)
    arguments = f"({', '.join(['%s'] * len(numbers))})" if numbers else ""
    # The SQL as a comment, its percent signs doubled so that it reaches the log as written.
    execute = f"EXECUTE {name}{arguments} /* {sql.replace('%', '%%')} */"
    return _ServerStatement(
        prepare=f"PREPARE {name} AS {prepared}",
        execute=execute,
        names=list(numbers),
        sessions=weakref.WeakSet(),
    )


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
