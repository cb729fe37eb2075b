# Issue 20: printed documents in Traditional Chinese, and the credit evidence summary.
# Organization.language (en or zh-Hant, default en) chooses whether documents addressed to the
# organisation are printed in zh-Hant beside English; PrintedDocument gains the kind
# evidence_summary and an audience (the one organisation that may read a document printed for
# it). Schema only; reversible.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('lc', '0022_co_drafting'),
    ]

    operations = [
        migrations.AddField(
            model_name='organization',
            name='language',
            field=models.CharField(choices=[('en', 'English'), ('zh-Hant', '繁體中文 (Traditional Chinese)')],
                                   default='en', max_length=10),
        ),
        migrations.AlterField(
            model_name='printeddocument',
            name='kind',
            field=models.CharField(choices=[('credit_advice', 'Advice of credit'), ('amendment_advice', 'Advice of amendment'),
                                            ('refusal_notice', 'Refusal notice'), ('evidence_summary', 'Evidence summary')],
                                   max_length=30),
        ),
        migrations.AddField(
            model_name='printeddocument',
            name='audience',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+',
                                    to='lc.organization'),
        ),
    ]
