# Placeholder in the migration chain (filled by the change that needs it).

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('lc', '0023_printed_languages'),
    ]

    operations = []  # type: ignore[var-annotated]
