"""The ledger's audit console: read-only views of the chain, the intake and the checkpoints.

Nothing here can add, change or delete a ledger row (the models and PostgreSQL refuse too);
the one action, requeueing a failed publication, calls ledger.publishers.
"""

from __future__ import annotations

import json
from typing import Any

from django.contrib import admin, messages
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.functional import cached_property
from django.utils.html import format_html

from ledger.anchoring import anchoring_lag
from ledger.models import Checkpoint, Cosignature, Entry, PendingEntry, Receipt, Witnessed, WitnessStatus
from ledger.proofs import proof_status
from ledger.publishers import requeue_failed


class EstimatedCountPaginator(Paginator):  # type: ignore[type-arg]
    """count(*) over millions of entries takes seconds; the planner's estimate is instant.

    Only the unfiltered list is estimated: a filtered or searched list is counted exactly.
    """

    @cached_property
    def count(self) -> int:
        qs = self.object_list
        if isinstance(qs, QuerySet) and not qs.query.where:
            with connection.cursor() as cur:
                cur.execute("SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass", [qs.model._meta.db_table])
                row = cur.fetchone()
            if row and row[0] > 100_000:
                return int(row[0])
        return super().count


class ReadOnlyMixin:
    """Audit pages (ledger here, credits in lc.admin): visible, never editable from the admin."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyAdmin(ReadOnlyMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    pass


def pretty_json(raw: bytes | memoryview) -> str:
    text = bytes(raw).decode("utf-8", "replace")
    try:
        text = json.dumps(json.loads(text), indent=2, ensure_ascii=False, sort_keys=True)
    except ValueError:
        pass  # shown as stored: a payload that is not JSON is itself a finding
    return format_html('<pre style="white-space: pre-wrap">{}</pre>', text)


@admin.register(Entry)
class EntryAdmin(ReadOnlyAdmin):
    list_display = ("seq", "kind", "subject", "actor", "actor_org", "at", "short_hash")
    list_filter = ("kind", "actor_org", "at")
    search_fields = ("subject", "kind", "actor")
    ordering = ("-seq",)
    paginator = EstimatedCountPaginator
    show_full_result_count = False
    fields = ("seq", "kind", "subject", "actor", "actor_org", "at", "sequenced_at", "intake_id",
              "payload_json", "prev_hash_hex", "hash_hex", "anchoring")
    readonly_fields = fields

    @admin.display(description="hash")
    def short_hash(self, obj: Entry) -> str:
        return obj.hash_hex[:12]

    @admin.display(description="payload")
    def payload_json(self, obj: Entry) -> str:
        return pretty_json(obj.payload)

    @admin.display(description="previous hash")
    def prev_hash_hex(self, obj: Entry) -> str:
        return bytes(obj.prev_hash).hex()

    @admin.display(description="anchored")
    def anchoring(self, obj: Entry) -> str:
        status = proof_status([obj.seq])[obj.seq]
        if not status["anchored"]:
            return "not yet: waiting for the next checkpoint"
        return f"yes, first in checkpoint {status['checkpoint_size']} (manage.py ledger_proof {obj.seq})"


@admin.register(PendingEntry)
class PendingEntryAdmin(ReadOnlyAdmin):
    list_display = ("id", "kind", "subject", "actor", "actor_org", "at")
    search_fields = ("subject", "kind", "actor")
    ordering = ("id",)
    fields = ("id", "kind", "subject", "actor", "actor_org", "at", "payload_json")
    readonly_fields = fields

    @admin.display(description="payload")
    def payload_json(self, obj: PendingEntry) -> str:
        return pretty_json(obj.payload)


class ReceiptInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Receipt
    fields = ("publisher", "status", "attempts", "updated_at", "data_size", "detail")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description="receipt bytes")
    def data_size(self, obj: Receipt) -> int:
        return len(bytes(obj.data))


@admin.register(Checkpoint)
class CheckpointAdmin(ReadOnlyAdmin):
    list_display = ("size", "created_at", "short_root", "signed_by", "publications")
    ordering = ("-size",)
    fields = ("size", "created_at", "origin", "root_hex", "previous", "signed_by", "note_text")
    readonly_fields = fields
    inlines = (ReceiptInline,)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Checkpoint]:
        return super().get_queryset(request).prefetch_related("receipts")

    @admin.display(description="root")
    def short_root(self, obj: Checkpoint) -> str:
        return obj.root_hex[:16]

    @admin.display(description="signed by")
    def signed_by(self, obj: Checkpoint) -> str:
        return ", ".join(obj.signatures)

    @admin.display(description="publications")
    def publications(self, obj: Checkpoint) -> str:
        return ", ".join(f"{r.publisher.rsplit('.', 1)[-1]}: {r.status}" for r in obj.receipts.all())

    @admin.display(description="signed note")
    def note_text(self, obj: Checkpoint) -> str:
        return format_html("<pre>{}</pre>", obj.note)

    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        lag = anchoring_lag()
        age = "never" if lag.checkpoint_age_seconds is None else f"{lag.checkpoint_age_seconds:.0f} s ago"
        summary = (
            f"Anchoring lag: chain head {lag.head}, latest checkpoint {lag.anchored} (signed {age}); "
            f"{lag.entries} entries not yet anchored"
            + (f", the oldest sequenced {lag.oldest_waiting_seconds:.0f} s ago." if lag.entries else ".")
        )
        return super().changelist_view(request, {**(extra_context or {}), "anchoring_lag": summary, "lag": lag})


@admin.register(Receipt)
class ReceiptAdmin(ReadOnlyAdmin):
    list_display = ("checkpoint_size", "publisher", "status", "attempts", "updated_at")
    list_filter = ("status", "publisher")
    ordering = ("-id",)
    fields = ("checkpoint", "publisher", "status", "attempts", "created_at", "updated_at", "detail")
    readonly_fields = fields
    actions = ("requeue",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Receipt]:
        return super().get_queryset(request).select_related("checkpoint")

    @admin.display(description="checkpoint", ordering="checkpoint__size")
    def checkpoint_size(self, obj: Receipt) -> int:
        return obj.checkpoint.size

    @admin.action(description="Publish the selected failed receipts again")
    def requeue(self, request: HttpRequest, queryset: QuerySet[Receipt]) -> None:
        count = requeue_failed([r.id for r in queryset])
        self.message_user(request, f"{count} failed publications queued again", messages.SUCCESS)

    def has_requeue_permission(self, request: HttpRequest) -> bool:
        # A real permission, although the admin shows receipts read-only: requeueing changes one.
        return request.user.has_perm("ledger.change_receipt")


@admin.register(Cosignature)
class CosignatureAdmin(ReadOnlyAdmin):
    """Witness cosignatures as received (append-only, like the checkpoints they sign)."""

    list_display = ("checkpoint_size", "witness", "key_name", "timestamp", "received_at")
    list_filter = ("witness",)
    ordering = ("-id",)
    fields = ("checkpoint", "witness", "key_name", "timestamp", "received_at", "line")
    readonly_fields = fields

    def get_queryset(self, request: HttpRequest) -> QuerySet[Cosignature]:
        return super().get_queryset(request).select_related("checkpoint")

    @admin.display(description="checkpoint", ordering="checkpoint__size")
    def checkpoint_size(self, obj: Cosignature) -> int:
        return obj.checkpoint.size


@admin.register(Witnessed)
class WitnessedAdmin(ReadOnlyAdmin):
    list_display = ("size", "witnessed_at")
    ordering = ("-size",)
    fields = ("size", "witnessed_at")
    readonly_fields = fields


@admin.register(WitnessStatus)
class WitnessStatusAdmin(ReadOnlyAdmin):
    list_display = ("witness", "url", "cosigned_size", "last_status", "attempted_at", "cosigned_at", "detail")
    fields = list_display
    readonly_fields = fields
