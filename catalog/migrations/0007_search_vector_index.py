from django.db import migrations

from catalog.postgresql_indexes import postgresql_index

# On PostgreSQL, index the vector the search backend matches: it filters on `title || body`
# (`modelsearch`'s PostgreSQL backend), which the GIN indexes on `title` and on `body` alone
# cannot serve, so every search read the whole index table, linear in the catalog.
# MariaDB/MySQL and SQLite keep their own full-text tables.
INDEX = "catalog_search_title_body_gin"


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0006_listing_price"),
        ("wagtailsearch", "0010_add_text_fields"),
    ]

    operations = [postgresql_index(INDEX, "wagtailsearch_indexentry USING gin ((title || body))")]
