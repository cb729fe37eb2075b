import json
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ledger.chain import format_time, leaf_data
from ledger.keys import verifiers
from ledger.merkle import leaf_hash, verify_inclusion
from ledger.models import Entry
from ledger.note import NoteError, open_note, parse_checkpoint
from ledger.proofs import ProofError, inclusion_proof_for


class Command(BaseCommand):
    help = "Print entry SEQ with its inclusion proof against the latest checkpoint, verified, as JSON."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("seq", type=int)
        parser.add_argument("--size", type=int, default=None, help="prove against the checkpoint of this size")

    def handle(self, *args: Any, **options: Any) -> None:
        seq = options["seq"]
        entry = Entry.objects.filter(seq=seq).first()
        if entry is None:
            raise CommandError(f"there is no entry {seq}")
        try:
            proof = inclusion_proof_for(seq, options["size"])
        except ProofError as exc:
            raise CommandError(str(exc)) from exc
        checks = self._verify(entry, proof)
        out = {
            "entry": {
                "seq": entry.seq, "kind": entry.kind, "subject": entry.subject, "actor": entry.actor,
                "actor_org": entry.actor_org, "at": format_time(entry.at),
                "payload": json.loads(bytes(entry.payload)), "prev_hash": bytes(entry.prev_hash).hex(),
                "hash": entry.hash_hex,
            },
            "inclusion": proof.as_dict(),
            "verified": checks,
        }
        self.stdout.write(json.dumps(out, indent=2, ensure_ascii=False))
        if not all(checks.values()):
            sys.exit(1)

    @staticmethod
    def _verify(entry: Entry, proof: Any) -> dict[str, bool]:
        """Check what we print, the way an outsider would: against the signed note."""
        digest = bytes(entry.hash)
        try:
            body, _ = open_note(proof.note, verifiers())
            _, size, root, _ = parse_checkpoint(body)
            signed = size == proof.tree_size and root == proof.root
        except NoteError:
            signed, size, root = False, proof.tree_size, proof.root
        return {
            "checkpoint_signature": signed,
            "leaf_is_entry_hash": proof.leaf_hash == leaf_hash(leaf_data(digest)),
            "inclusion": verify_inclusion(leaf_data(digest), entry.seq - 1, size, proof.proof, root),
        }
