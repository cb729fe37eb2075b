# Presenter's instructions on a refused presentation (UCP 600 art. 16(c)(iii)), the state
# 'returned' for documents sent back after refusal, and eUCP 2.1 art. e12 requests to re-present
# a corrupted electronic record. Written by hand (schema only; reversible).

import uuid

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('lc', '0023_printed_languages'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name='presentation',
            name='state',
            field=models.CharField(choices=[('received', 'Received (incomplete)'), ('under_examination', 'Under examination'), ('complying', 'Complying'), ('discrepant', 'Discrepant'), ('waiver_requested', 'Waiver requested'), ('refused', 'Refused'), ('honoured', 'Honoured'), ('reimbursed', 'Reimbursed'), ('settled', 'Settled'), ('lapsed', 'Deemed not presented (eUCP e6)'), ('returned', 'Refused, documents returned')], default='received', max_length=20),
        ),
        migrations.CreateModel(
            name='PresenterInstruction',
            fields=[
                ('id', models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                ('kind', models.CharField(choices=[('return_documents', 'Return the documents'), ('hold_pending', 'Hold the documents pending further instructions'), ('deliver_against_waiver', "Release the documents against the applicant's waiver")], max_length=30)),
                ('note', models.TextField(blank=True)),
                ('at', models.DateTimeField()),
                ('given_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('presentation', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='instructions', to='lc.presentation')),
            ],
            options={
                'ordering': ['presentation', 'at'],
            },
        ),
        migrations.CreateModel(
            name='RePresentationRequest',
            fields=[
                ('id', models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                ('reason', models.TextField()),
                ('requested_at', models.DateTimeField()),
                ('days_used', models.PositiveSmallIntegerField()),
                ('deadline_before', models.DateField()),
                ('re_present_by', models.DateField()),
                ('re_presented_at', models.DateTimeField(blank=True, null=True)),
                ('document', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='lc.document')),
                ('presentation', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='re_presentations', to='lc.presentation')),
                ('re_presented_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('replacement', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='lc.document')),
                ('requested_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'ordering': ['presentation', 'requested_at'],
                'constraints': [models.UniqueConstraint(condition=models.Q(('re_presented_at__isnull', True)), fields=('presentation',), name='lc_one_open_re_presentation')],
            },
        ),
    ]
