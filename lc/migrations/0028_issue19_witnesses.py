from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("lc", "0027_issue17_security")]

    operations = []
