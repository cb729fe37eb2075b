from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("lc", "0026_issue16_examination")]

    operations = []
