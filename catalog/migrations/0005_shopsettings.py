# The shop settings move here from the home app: home.0002 renamed their table to
# catalog_shopsettings, so this only takes the model over, and moves its content type (with
# the permissions that hang on it) to the catalog.

import django.db.models.deletion
from django.db import migrations, models


def content_type_to_catalog(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    if not ContentType.objects.filter(app_label="catalog", model="shopsettings").exists():
        ContentType.objects.filter(app_label="home", model="shopsettings").update(
            app_label="catalog"
        )


def content_type_to_home(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    if not ContentType.objects.filter(app_label="home", model="shopsettings").exists():
        ContentType.objects.filter(app_label="catalog", model="shopsettings").update(
            app_label="home"
        )


class Migration(migrations.Migration):

    dependencies = [
        ("catalog", "0004_variant_archived"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("home", "0002_shopsettings_moves_to_catalog"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="ShopSettings",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("shop_name", models.CharField(default="Nexus", max_length=80)),
                        (
                            "currency_code",
                            models.CharField(
                                default="EUR",
                                help_text="ISO 4217 code, e.g. EUR, USD, GBP, JPY. One currency per shop.",
                                max_length=3,
                            ),
                        ),
                        (
                            "support_email",
                            models.EmailField(default="support@nexus.localhost", max_length=254),
                        ),
                        (
                            "site",
                            models.OneToOneField(
                                editable=False,
                                on_delete=django.db.models.deletion.CASCADE,
                                to="wagtailcore.site",
                            ),
                        ),
                    ],
                    options={"verbose_name": "shop settings"},
                ),
            ],
        ),
        migrations.RunPython(content_type_to_catalog, content_type_to_home),
    ]
