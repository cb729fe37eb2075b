"""Witness cosignatures (issue 19): cosignatures and witnessed checkpoints, append-only like
the other ledger tables (ledger_reject_change() comes from 0002; ENABLE ALWAYS so that
session_replication_role = replica does not skip them). The witness status table is a mutable
work record, like ledger_receipt.
"""

import django.db.models.deletion
from django.db import migrations, models

APPEND_ONLY = r"""
CREATE TRIGGER ledger_cosignature_no_update_delete BEFORE UPDATE OR DELETE ON ledger_cosignature
    FOR EACH ROW EXECUTE FUNCTION ledger_reject_change();
CREATE TRIGGER ledger_cosignature_no_truncate BEFORE TRUNCATE ON ledger_cosignature
    FOR EACH STATEMENT EXECUTE FUNCTION ledger_reject_change();
ALTER TABLE ledger_cosignature ENABLE ALWAYS TRIGGER ledger_cosignature_no_update_delete;
ALTER TABLE ledger_cosignature ENABLE ALWAYS TRIGGER ledger_cosignature_no_truncate;

CREATE TRIGGER ledger_witnessed_no_update_delete BEFORE UPDATE OR DELETE ON ledger_witnessed
    FOR EACH ROW EXECUTE FUNCTION ledger_reject_change();
CREATE TRIGGER ledger_witnessed_no_truncate BEFORE TRUNCATE ON ledger_witnessed
    FOR EACH STATEMENT EXECUTE FUNCTION ledger_reject_change();
ALTER TABLE ledger_witnessed ENABLE ALWAYS TRIGGER ledger_witnessed_no_update_delete;
ALTER TABLE ledger_witnessed ENABLE ALWAYS TRIGGER ledger_witnessed_no_truncate;
"""

DROP_APPEND_ONLY = r"""
DROP TRIGGER ledger_witnessed_no_truncate ON ledger_witnessed;
DROP TRIGGER ledger_witnessed_no_update_delete ON ledger_witnessed;
DROP TRIGGER ledger_cosignature_no_truncate ON ledger_cosignature;
DROP TRIGGER ledger_cosignature_no_update_delete ON ledger_cosignature;
"""


class Migration(migrations.Migration):

    dependencies = [
        ('ledger', '0005_intake_delete_guard_per_statement'),
    ]

    operations = [
        migrations.CreateModel(
            name='Witnessed',
            fields=[
                ('checkpoint', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, primary_key=True, related_name='witnessed', serialize=False, to='ledger.checkpoint')),
                ('size', models.BigIntegerField(unique=True)),
                ('policy_sha256', models.BinaryField(max_length=32)),
                ('witnessed_at', models.DateTimeField()),
            ],
            options={
                'verbose_name_plural': 'witnessed checkpoints',
                'db_table': 'ledger_witnessed',
            },
        ),
        migrations.CreateModel(
            name='WitnessStatus',
            fields=[
                ('witness', models.CharField(max_length=200, primary_key=True, serialize=False)),
                ('url', models.CharField(max_length=500)),
                ('cosigned_size', models.BigIntegerField(null=True)),
                ('last_status', models.IntegerField(default=0)),
                ('detail', models.TextField(blank=True, default='')),
                ('attempted_at', models.DateTimeField(null=True)),
                ('cosigned_at', models.DateTimeField(null=True)),
            ],
            options={
                'verbose_name_plural': 'witness status',
                'db_table': 'ledger_witness_status',
            },
        ),
        migrations.CreateModel(
            name='Cosignature',
            fields=[
                ('id', models.BigAutoField(primary_key=True, serialize=False)),
                ('witness', models.CharField(max_length=200)),
                ('key_name', models.CharField(max_length=200)),
                ('key_id', models.BinaryField(max_length=4)),
                ('timestamp', models.BigIntegerField()),
                ('line', models.TextField()),
                ('received_at', models.DateTimeField()),
                ('checkpoint', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='cosignatures', to='ledger.checkpoint')),
            ],
            options={
                'db_table': 'ledger_cosignature',
                'constraints': [models.UniqueConstraint(fields=('checkpoint', 'key_name', 'key_id'), name='ledger_cosignature_one_per_key')],
            },
        ),
        migrations.RunSQL(APPEND_ONLY, DROP_APPEND_ONLY),
    ]
