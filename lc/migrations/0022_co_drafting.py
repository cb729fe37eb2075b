# Issue 20: co-drafting. The applicant shares its draft application with the beneficiary
# (LetterOfCredit.draft_shared_at, read by the credit visibility rule), each revision of the
# shared draft is a numbered DraftVersion with the SHA-256 of its terms, and the parties comment
# field by field (DraftComment). Schema only; reversible.

import uuid

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('lc', '0021_transfer_requests'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='letterofcredit',
            name='draft_shared_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.CreateModel(
            name='DraftVersion',
            fields=[
                ('id', models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                ('number', models.PositiveIntegerField()),
                ('terms', models.JSONField()),
                ('terms_sha256', models.CharField(max_length=64)),
                ('created_at', models.DateTimeField()),
                ('created_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+',
                                                 to=settings.AUTH_USER_MODEL)),
                ('credit', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE,
                                             related_name='draft_versions', to='lc.letterofcredit')),
            ],
            options={
                'ordering': ['credit', 'number'],
                'constraints': [models.UniqueConstraint(fields=('credit', 'number'), name='lc_draft_version_unique')],
            },
        ),
        migrations.CreateModel(
            name='DraftComment',
            fields=[
                ('id', models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                ('field', models.CharField(max_length=64)),
                ('text', models.TextField()),
                ('suggested_value', models.TextField(blank=True)),
                ('created_at', models.DateTimeField()),
                ('resolved_at', models.DateTimeField(blank=True, null=True)),
                ('author', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+',
                                             to=settings.AUTH_USER_MODEL)),
                ('credit', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE,
                                             related_name='draft_comments', to='lc.letterofcredit')),
                ('resolved_by', models.ForeignKey(blank=True, null=True,
                                                  on_delete=django.db.models.deletion.PROTECT, related_name='+',
                                                  to=settings.AUTH_USER_MODEL)),
                ('version', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='comments',
                                              to='lc.draftversion')),
            ],
            options={
                'ordering': ['credit', 'created_at'],
                'constraints': [models.CheckConstraint(
                    condition=models.Q(models.Q(('resolved_at__isnull', True), ('resolved_by__isnull', True)),
                                       models.Q(('resolved_at__isnull', False), ('resolved_by__isnull', False)),
                                       _connector='OR'),
                    name='lc_draft_comment_resolved_together')],
            },
        ),
    ]
