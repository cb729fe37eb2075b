# Issue 20: transfer as a full action (UCP 600 art. 38): the first beneficiary's request, the
# transferring bank's maker and checker, the advice to the second beneficiary.

import uuid

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('lc', '0020_approval_levels'),
    ]

    operations = [
        migrations.CreateModel(
            name='TransferRequest',
            fields=[
                ('id', models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                ('state', models.CharField(choices=[
                    ('requested', 'Requested by the first beneficiary'),
                    ('prepared', 'Prepared, awaiting checker'),
                    ('transferred', 'Approved: credit transferred'),
                    ('advised', 'Advised to the second beneficiary'),
                    ('rejected', 'Rejected by the transferring bank'),
                ], default='requested', max_length=20)),
                ('changes', models.JSONField(default=dict)),
                ('note', models.TextField(blank=True)),
                ('reason', models.TextField(blank=True)),
                ('requested_at', models.DateTimeField()),
                ('prepared_at', models.DateTimeField(blank=True, null=True)),
                ('approved_at', models.DateTimeField(blank=True, null=True)),
                ('advised_at', models.DateTimeField(blank=True, null=True)),
                ('rejected_at', models.DateTimeField(blank=True, null=True)),
                ('credit', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE,
                                             related_name='transfer_requests', to='lc.letterofcredit')),
                ('second_beneficiary', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT,
                                                         related_name='transfers_requested_for',
                                                         to='lc.organization')),
                ('requested_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+',
                                                   to=settings.AUTH_USER_MODEL)),
                ('maker', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT,
                                            related_name='+', to=settings.AUTH_USER_MODEL)),
                ('checker', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT,
                                              related_name='+', to=settings.AUTH_USER_MODEL)),
                ('transferred_credit', models.OneToOneField(blank=True, null=True,
                                                            on_delete=django.db.models.deletion.PROTECT,
                                                            related_name='transfer_request',
                                                            to='lc.letterofcredit')),
            ],
            options={
                'ordering': ['credit', 'requested_at'],
                'constraints': [
                    models.CheckConstraint(condition=models.Q(('maker', models.F('checker')), _negated=True),
                                           name='lc_transfer_maker_not_checker'),
                    models.UniqueConstraint(condition=models.Q(('state', 'rejected'), _negated=True),
                                            fields=('credit',), name='lc_transfer_one_per_credit'),
                ],
            },
        ),
    ]
