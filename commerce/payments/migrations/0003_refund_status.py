"""Refunds are recorded pending before the provider is called, then settled succeeded or failed;
at most one refund of an order is pending (on MariaDB/MySQL as a generated-column unique index,
see nexus/mysql.py)."""

from django.conf import settings
from django.db import migrations, models

from nexus.mysql import mysql_unique_index


class Migration(migrations.Migration):

    dependencies = [
        ('commerce', '0001_initial'),
        ('payments', '0002_mysql_unique_indexes'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='refund',
            name='failure_message',
            field=models.TextField(blank=True),
        ),
        migrations.AddField(
            model_name='refund',
            name='status',
            field=models.CharField(choices=[('pending', 'Pending'), ('succeeded', 'Succeeded'), ('failed', 'Failed')], default='succeeded', max_length=20),
        ),
        migrations.AddConstraint(
            model_name='refund',
            constraint=models.UniqueConstraint(condition=models.Q(('status', 'pending')), fields=('order',), name='payments_refund_one_pending_per_order'),
        ),
        mysql_unique_index(
            table="payments_refund",
            name="payments_refund_one_pending_per_order",
            generated={
                "pending_order_key": ("bigint", "IF(`status` = 'pending', `order_id`, NULL)")
            },
            columns=["pending_order_key"],
        ),
    ]
