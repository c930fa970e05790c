"""schema.graphql at the repository root is the schema the code serves."""

from pathlib import Path

from django.conf import settings
from strawberry.printer import print_schema

from graphql_api.schema import schema

SCHEMA_FILE = Path(settings.BASE_DIR) / "schema.graphql"
REGENERATE = "python manage.py export_schema graphql_api.schema --path schema.graphql"


def test_schema_file_matches_the_code():
    assert SCHEMA_FILE.exists(), f"schema.graphql is missing: run `{REGENERATE}`."
    assert SCHEMA_FILE.read_text(encoding="utf-8") == print_schema(schema), (
        f"schema.graphql is out of date: run `{REGENERATE}` and commit it."
    )
