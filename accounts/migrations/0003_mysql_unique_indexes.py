"""On MariaDB/MySQL, the unique constraints that Django creates only on PostgreSQL and SQLite
(see nexus/mysql.py): one e-mail per person whatever its case, one default address per user."""

from django.db import migrations

from nexus.mysql import mysql_unique_index


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_address")]

    operations = [
        mysql_unique_index(
            table="accounts_user",
            name="accounts_user_email_ci_unique",
            generated={"email_lower": ("varchar(254)", "LOWER(`email`)")},
            columns=["email_lower"],
        ),
        mysql_unique_index(
            table="accounts_address",
            name="accounts_address_one_default_per_user",
            generated={"default_of_user_id": ("bigint", "IF(`is_default`, `user_id`, NULL)")},
            columns=["default_of_user_id"],
        ),
    ]
