"""The verifiable log: perfect-subtree nodes, signed checkpoints and their publication receipts.

Nodes and checkpoints are append-only like the entries (the function ledger_reject_change()
comes from 0002; the triggers are ENABLE ALWAYS for the same reason). Receipts are mutable
work records: their status and attempt count change while publication is retried.
"""

import uuid

import django.db.models.deletion
from django.db import migrations, models

APPEND_ONLY = r"""
CREATE TRIGGER ledger_node_no_update_delete BEFORE UPDATE OR DELETE ON ledger_node
    FOR EACH ROW EXECUTE FUNCTION ledger_reject_change();
CREATE TRIGGER ledger_node_no_truncate BEFORE TRUNCATE ON ledger_node
    FOR EACH STATEMENT EXECUTE FUNCTION ledger_reject_change();
ALTER TABLE ledger_node ENABLE ALWAYS TRIGGER ledger_node_no_update_delete;
ALTER TABLE ledger_node ENABLE ALWAYS TRIGGER ledger_node_no_truncate;

CREATE TRIGGER ledger_checkpoint_no_update_delete BEFORE UPDATE OR DELETE ON ledger_checkpoint
    FOR EACH ROW EXECUTE FUNCTION ledger_reject_change();
CREATE TRIGGER ledger_checkpoint_no_truncate BEFORE TRUNCATE ON ledger_checkpoint
    FOR EACH STATEMENT EXECUTE FUNCTION ledger_reject_change();
ALTER TABLE ledger_checkpoint ENABLE ALWAYS TRIGGER ledger_checkpoint_no_update_delete;
ALTER TABLE ledger_checkpoint ENABLE ALWAYS TRIGGER ledger_checkpoint_no_truncate;
"""

DROP_APPEND_ONLY = r"""
DROP TRIGGER ledger_checkpoint_no_truncate ON ledger_checkpoint;
DROP TRIGGER ledger_checkpoint_no_update_delete ON ledger_checkpoint;
DROP TRIGGER ledger_node_no_truncate ON ledger_node;
DROP TRIGGER ledger_node_no_update_delete ON ledger_node;
"""


class Migration(migrations.Migration):

    dependencies = [
        ('ledger', '0002_append_only_triggers'),
    ]

    operations = [
        migrations.CreateModel(
            name='Checkpoint',
            fields=[
                ('id', models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                ('origin', models.CharField(max_length=200)),
                ('size', models.BigIntegerField(unique=True)),
                ('root', models.BinaryField(max_length=32)),
                ('note', models.TextField()),
                ('created_at', models.DateTimeField()),
                ('previous', models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='next', to='ledger.checkpoint')),
            ],
            options={
                'db_table': 'ledger_checkpoint',
                'get_latest_by': 'size',
            },
        ),
        migrations.CreateModel(
            name='Receipt',
            fields=[
                ('id', models.BigAutoField(primary_key=True, serialize=False)),
                ('publisher', models.CharField(max_length=200)),
                ('status', models.CharField(choices=[('pending', 'Pending'), ('published', 'Published'), ('failed', 'Failed')], default='pending', max_length=20)),
                ('attempts', models.PositiveIntegerField(default=0)),
                ('data', models.BinaryField(default=b'')),
                ('detail', models.TextField(blank=True, default='')),
                ('created_at', models.DateTimeField()),
                ('updated_at', models.DateTimeField()),
                ('checkpoint', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='receipts', to='ledger.checkpoint')),
            ],
            options={
                'db_table': 'ledger_receipt',
            },
        ),
        migrations.CreateModel(
            name='TreeNode',
            fields=[
                ('pk', models.CompositePrimaryKey('level', 'index', blank=True, editable=False, primary_key=True, serialize=False)),
                ('level', models.SmallIntegerField()),
                ('index', models.BigIntegerField()),
                ('hash', models.BinaryField(max_length=32)),
            ],
            options={
                'db_table': 'ledger_node',
                'constraints': [models.CheckConstraint(condition=models.Q(('index__gte', 0), ('level__gte', 0), ('level__lte', 63)), name='ledger_node_coords_valid')],
            },
        ),
        migrations.AddConstraint(
            model_name='checkpoint',
            constraint=models.CheckConstraint(condition=models.Q(('size__gte', 1)), name='ledger_checkpoint_size_positive'),
        ),
        migrations.AddConstraint(
            model_name='checkpoint',
            constraint=models.UniqueConstraint(condition=models.Q(('previous__isnull', True)), fields=('origin',), name='ledger_checkpoint_one_first'),
        ),
        migrations.AddConstraint(
            model_name='receipt',
            constraint=models.UniqueConstraint(fields=('checkpoint', 'publisher'), name='ledger_receipt_one_per_publisher'),
        ),
        migrations.AddIndex(
            model_name='receipt',
            index=models.Index(condition=models.Q(('status', 'pending')), fields=['updated_at'], name='ledger_receipt_pending'),
        ),
        migrations.RunSQL(APPEND_ONLY, DROP_APPEND_ONLY),
    ]
