# The shop settings move to the catalog app (catalog.0005 takes the model over). The table is
# renamed, not copied, so the settings already saved stay as they are.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("home", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.AlterModelTable(name="ShopSettings", table="catalog_shopsettings"),
            ],
            state_operations=[
                migrations.DeleteModel(name="ShopSettings"),
            ],
        ),
    ]
