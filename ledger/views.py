"""Public endpoints of the verifiable log: anyone may fetch the keys and checkpoints.

They reveal only what a transparency log publishes anyway (tree sizes, roots, public keys),
so they need no login; witnesses and auditors poll them.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.cache import patch_cache_control
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from ledger.keys import verifier_strings
from ledger.models import Checkpoint
from ledger.proofs import ProofError, consistency_proof_between, latest_checkpoint
from ledger.witnessing import cosigned_note

NOTE_TYPE = "text/plain; charset=utf-8"


@require_GET
@cache_control(public=True, max_age=300)
def keys(request: HttpRequest) -> JsonResponse:
    """The verifier key strings that sign (or signed) our checkpoints."""
    return JsonResponse(verifier_strings(), safe=False)


@require_GET
@cache_control(public=True, max_age=5)
def checkpoint(request: HttpRequest) -> HttpResponse:
    """The latest signed checkpoint note (the C2SP tlog `checkpoint` resource), with the
    witnesses' cosignature lines after the log's signature."""
    cp = latest_checkpoint()
    if cp is None:
        raise Http404("no checkpoint yet")
    return HttpResponse(cosigned_note(cp), content_type=NOTE_TYPE)


@require_GET
def checkpoint_of_size(request: HttpRequest, size: int) -> HttpResponse:
    """A checkpoint with its cosignatures. Witnesses are asked about the latest checkpoint
    only, so once a later one exists no cosignature can be added and it is cached for good."""
    cp = Checkpoint.objects.filter(size=size).first()
    if cp is None:
        raise Http404("no checkpoint of that size")
    response = HttpResponse(cosigned_note(cp), content_type=NOTE_TYPE)
    if Checkpoint.objects.filter(size__gt=size).exists():
        patch_cache_control(response, public=True, max_age=86400, immutable=True)
    else:
        patch_cache_control(response, public=True, max_age=5)
    return response


@require_GET
def consistency(request: HttpRequest, old: int, new: int) -> JsonResponse:
    """RFC 9162 consistency proof PROOF(old, D[new]) (CT's get-sth-consistency), for gossip:
    anyone holding two of our signed checkpoints of different sizes checks the larger extends
    the smaller (ledger.witness.gossip). 404 unless 0 < old <= new <= our latest checkpoint."""
    cp = latest_checkpoint()
    if cp is None or not 0 < old <= new <= cp.size:
        raise Http404(f"no proof from {old} to {new}: our latest checkpoint has size {cp.size if cp else 0}")
    try:
        path = consistency_proof_between(old, new) if old < new else []
    except ProofError as exc:
        raise Http404(str(exc)) from exc
    response = JsonResponse({"old_size": old, "new_size": new, "proof": [h.hex() for h in path]})
    patch_cache_control(response, public=True, max_age=86400, immutable=True)  # a proof never changes
    return response


@require_GET
def proof(request: HttpRequest, seq: int) -> JsonResponse:
    """RFC 9162 inclusion proof of entry `seq` against the latest signed checkpoint.

    Public like a CT log's get-proof endpoint: it shows hashes and the signed note, never the
    entry's payload. 404 while the entry is not yet anchored.
    """
    from ledger.merkle import verify_inclusion_hash
    from ledger.proofs import NotAnchored, inclusion_proof_for

    try:
        found = inclusion_proof_for(seq)
    except NotAnchored as exc:
        raise Http404(str(exc)) from exc
    ok = verify_inclusion_hash(found.leaf_hash, found.leaf_index, found.tree_size, found.proof, found.root)
    return JsonResponse({**found.as_dict(), "verified": ok})
