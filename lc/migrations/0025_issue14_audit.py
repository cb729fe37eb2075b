"""Issue 14: a webhook subscription's delivery log outlives any attempt to delete it (PROTECT
instead of CASCADE). Django keeps on_delete in Python, so no SQL runs; reversible."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("lc", "0024_presenter_instructions")]

    operations = [
        migrations.AlterField(
            model_name="webhookdelivery",
            name="subscription",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT, related_name="deliveries", to="lc.webhooksubscription"
            ),
        ),
    ]
