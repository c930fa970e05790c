"""Indexes that only PostgreSQL needs (and only it can build), made by the catalog's
migrations: MariaDB/MySQL and SQLite keep the indexes Django declares."""

from django.db import migrations


def postgresql_index(name: str, on: str, *, analyze: bool = False) -> migrations.RunPython:
    """A migration operation that creates the index `name` `ON` a table's expression (e.g.
    "catalog_productvariant (UPPER(sku::text))") on PostgreSQL and does nothing elsewhere;
    reversed, it drops it. `analyze`: gather the table's statistics at once, the expression's
    among them, without which the planner misjudges what the index would save until the next
    automatic analysis."""

    def create(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {on}")
            if analyze:
                schema_editor.execute(f"ANALYZE {on.split()[0]}")

    def drop(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}")

    return migrations.RunPython(create, drop)
