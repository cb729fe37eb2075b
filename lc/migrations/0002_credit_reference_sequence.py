"""Credit numbers (MT700 field 20) come from a PostgreSQL sequence: gaps are harmless
here (unlike the ledger), and concurrent applications never collide."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("lc", "0001_initial")]

    operations = [
        migrations.RunSQL(
            "CREATE SEQUENCE lc_credit_reference_seq START 100",
            "DROP SEQUENCE lc_credit_reference_seq",
        )
    ]
