from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("lc", "0024_presenter_instructions")]

    operations = []
