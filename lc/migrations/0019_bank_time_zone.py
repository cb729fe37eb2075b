# Placeholder in the migration chain (filled by the change that needs it).

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('lc', '0018_waiver_decision_note'),
    ]

    operations = []  # type: ignore[var-annotated]
