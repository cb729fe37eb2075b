# Placeholder in the migration chain (filled by the change that needs it).

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('lc', '0021_transfer_requests'),
    ]

    operations = []  # type: ignore[var-annotated]
