"""A refund records when the provider's answer was recorded. Refunds settled before this field
existed are given their creation time, which is when they were asked for and, before refunds
could be resumed later, settled."""

from django.db import migrations, models
from django.db.models import F


def settled_at_from_created_at(apps, schema_editor):
    Refund = apps.get_model("payments", "Refund")
    Refund.objects.exclude(status="pending").update(settled_at=F("created_at"))


class Migration(migrations.Migration):

    dependencies = [
        ('payments', '0003_refund_status'),
    ]

    operations = [
        migrations.AddField(
            model_name='refund',
            name='settled_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.RunPython(settled_at_from_created_at, migrations.RunPython.noop),
    ]
