from django.db import migrations


class Migration(migrations.Migration):
    """`WishlistWatch` moves to the commerce app, which owns wishlists: the table is renamed
    here, rows and all, and `commerce.0002_wishlist_watch` takes the model over without
    touching the database."""

    dependencies = [
        ("outbox", "0002_wishlist_watch"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.AlterModelTable(name="WishlistWatch", table="commerce_wishlistwatch"),
            ],
            state_operations=[
                migrations.DeleteModel(name="WishlistWatch"),
            ],
        ),
    ]
