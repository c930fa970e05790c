from django.db import migrations, models


class Migration(migrations.Migration):
    """Takes over `WishlistWatch` from the outbox app: its table, renamed to
    commerce_wishlistwatch by `outbox.0003_wishlist_watch_to_commerce`, keeps its rows."""

    dependencies = [
        ("commerce", "0001_initial"),
        ("outbox", "0003_wishlist_watch_to_commerce"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="WishlistWatch",
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
                        ("product_id", models.PositiveBigIntegerField(unique=True)),
                        ("price", models.DecimalField(decimal_places=2, max_digits=12)),
                        ("is_in_stock", models.BooleanField()),
                        ("changes", models.PositiveIntegerField(default=0)),
                        ("updated_at", models.DateTimeField(auto_now=True)),
                    ],
                ),
            ],
            database_operations=[],
        ),
    ]
