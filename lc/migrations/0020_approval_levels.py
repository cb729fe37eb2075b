# Approval levels (issue 20): per bank, amount thresholds (in a reporting currency) above which
# issuance, an amendment's increase, honour on a waiver and honour need one or two further
# checkers; one row per checker's approval of a decision awaiting them. Schema only, reversible.

import uuid

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

ACTIONS = [
    ("issuance", "Issuance of a credit"),
    ("amendment_increase", "Amendment increasing the amount"),
    ("waiver", "Honour on the applicant's waiver of discrepancies"),
    ("honour", "Honour of a presentation"),
]


class Migration(migrations.Migration):

    dependencies = [
        ('lc', '0019_bank_time_zone'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='ApprovalLevel',
            fields=[
                ('id', models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                ('action', models.CharField(choices=ACTIONS, max_length=20)),
                ('currency', models.CharField(help_text="The bank's reporting currency for this threshold.",
                                              max_length=3)),
                ('threshold', models.DecimalField(decimal_places=4, max_digits=18)),
                ('extra_checkers', models.PositiveSmallIntegerField()),
                ('updated_at', models.DateTimeField()),
                ('bank', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT,
                                           related_name='approval_levels', to='lc.organization')),
                ('updated_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT,
                                                 related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'ordering': ['bank', 'action', 'extra_checkers'],
                'constraints': [
                    models.UniqueConstraint(fields=('bank', 'action', 'extra_checkers'),
                                            name='lc_approval_level_unique'),
                    models.CheckConstraint(condition=models.Q(extra_checkers__in=(1, 2)),
                                           name='lc_approval_level_one_or_two'),
                    models.CheckConstraint(condition=models.Q(threshold__gte=0),
                                           name='lc_approval_level_threshold_nonnegative'),
                ],
            },
        ),
        migrations.CreateModel(
            name='Approval',
            fields=[
                ('id', models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                ('action', models.CharField(choices=ACTIONS, max_length=20)),
                ('target', models.UUIDField()),
                ('number', models.PositiveSmallIntegerField()),
                ('required', models.PositiveSmallIntegerField()),
                ('amount', models.DecimalField(decimal_places=4, max_digits=18)),
                ('currency', models.CharField(max_length=3)),
                ('facts', models.JSONField(default=dict)),
                ('params', models.JSONField(default=dict)),
                ('open', models.BooleanField(default=True)),
                ('at', models.DateTimeField()),
                ('approver', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+',
                                               to=settings.AUTH_USER_MODEL)),
                ('bank', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+',
                                           to='lc.organization')),
                ('credit', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='approvals',
                                             to='lc.letterofcredit')),
            ],
            options={
                'ordering': ['credit', 'at', 'number'],
                'indexes': [models.Index(fields=['credit', 'open'], name='lc_approval_credit_open')],
                'constraints': [
                    models.UniqueConstraint(condition=models.Q(open=True), fields=('target', 'approver'),
                                            name='lc_approval_distinct_people'),
                    models.UniqueConstraint(condition=models.Q(open=True), fields=('target', 'number'),
                                            name='lc_approval_number_unique'),
                ],
            },
        ),
    ]
