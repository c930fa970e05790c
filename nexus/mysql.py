"""Unique constraints that MariaDB/MySQL cannot declare, as unique indexes on generated columns.

Django creates a `UniqueConstraint` with a `condition` (a partial unique index) or on an
expression only on PostgreSQL and SQLite; on MariaDB/MySQL it creates nothing (system checks
models.W036 and models.W044, silenced in settings for that reason). A migration operation made
by `mysql_unique_index` gives MariaDB/MySQL the same guarantee: virtual generated columns compute
the constrained values (NULL where the condition does not hold: a unique index admits any number
of NULLs) and a unique index with the constraint's name covers them, so a violation raises
IntegrityError naming the same constraint. On other databases the operation does nothing.

`nexus/tests/test_mysql_constraints.py` checks that every such constraint of the project has its
index on MariaDB/MySQL. A generated column depends on the columns it reads: a later migration that
renames or drops one of them must first reverse the operation (MariaDB refuses otherwise).
"""

from django.db import migrations


def mysql_unique_index(
    *, table: str, name: str, generated: dict[str, tuple[str, str]], columns: list[str]
) -> migrations.RunPython:
    """An operation adding, on MariaDB/MySQL only, the virtual columns `generated`
    ({column: (sql type, sql expression)}) to `table` and a unique index `name` on `columns`
    (generated or existing columns, in index order)."""

    def forwards(apps, schema_editor):
        if schema_editor.connection.vendor != "mysql":
            return
        quote = schema_editor.quote_name
        additions = [
            f"ADD COLUMN {quote(column)} {sql_type} AS ({expression}) VIRTUAL"
            for column, (sql_type, expression) in generated.items()
        ]
        index = ", ".join(quote(column) for column in columns)
        schema_editor.execute(
            f"ALTER TABLE {quote(table)} {', '.join(additions)}, "
            f"ADD CONSTRAINT {quote(name)} UNIQUE ({index})"
        )

    def backwards(apps, schema_editor):
        if schema_editor.connection.vendor != "mysql":
            return
        quote = schema_editor.quote_name
        drops = [f"DROP COLUMN {quote(column)}" for column in generated]
        schema_editor.execute(
            f"ALTER TABLE {quote(table)} DROP INDEX {quote(name)}, {', '.join(drops)}"
        )

    # atomic=False: MariaDB/MySQL cannot roll DDL back, so Django refuses DDL in a transaction.
    return migrations.RunPython(forwards, backwards, atomic=False, elidable=False)
