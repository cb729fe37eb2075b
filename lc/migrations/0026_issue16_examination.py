from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("lc", "0025_issue14_audit")]

    operations = []
