from django.db import migrations

INDEX = "catalog_search_title_body_gin"


def create_index(apps, schema_editor):
    """On PostgreSQL, index the vector the search backend matches: it filters on
    `title || body` (`modelsearch`'s PostgreSQL backend), which the GIN indexes on `title` and
    on `body` alone cannot serve, so every search read the whole index table, linear in the
    catalog. MariaDB/MySQL and SQLite keep their own full-text tables."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON wagtailsearch_indexentry "
            "USING gin ((title || body))"
        )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0006_listing_price"),
        ("wagtailsearch", "0010_add_text_fields"),
    ]

    operations = [migrations.RunPython(create_index, drop_index)]
