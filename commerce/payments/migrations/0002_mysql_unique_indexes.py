"""On MariaDB/MySQL, the unique constraint that Django creates only on PostgreSQL and SQLite
(see nexus/mysql.py): a provider's payment reference belongs to one payment (empty references,
before the provider answered, are not compared)."""

from django.db import migrations

from nexus.mysql import mysql_unique_index


class Migration(migrations.Migration):
    dependencies = [("payments", "0001_initial")]

    operations = [
        mysql_unique_index(
            table="payments_payment",
            name="payments_payment_reference_unique",
            generated={"reference_key": ("varchar(255)", "NULLIF(`reference`, '')")},
            columns=["provider", "reference_key"],
        ),
    ]
