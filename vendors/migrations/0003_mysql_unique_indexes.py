"""On MariaDB/MySQL, the unique constraint that Django creates only on PostgreSQL and SQLite
(see nexus/mysql.py): one pending application per user."""

from django.db import migrations

from nexus.mysql import mysql_unique_index


class Migration(migrations.Migration):
    dependencies = [("vendors", "0002_vendor_application_and_suspension")]

    operations = [
        mysql_unique_index(
            table="vendors_vendorapplication",
            name="vendors_application_one_pending_per_user",
            generated={
                "pending_applicant_id": (
                    "bigint",
                    "IF(`status` = 'pending', `applicant_id`, NULL)",
                )
            },
            columns=["pending_applicant_id"],
        ),
    ]
