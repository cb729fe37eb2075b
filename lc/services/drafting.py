"""Co-drafting (issue 20): the applicant shares its draft application with the beneficiary, the
parties comment field by field, the applicant revises (each revision a numbered version with
the SHA-256 of its terms) and resolves comments. Submitting the application to the issuing bank
freezes the draft and its comments (lc.access.drafting); the banks then read the history.

Who sees the draft is the credit visibility rule (LetterOfCredit.objects.visible_to): a shared
draft is visible to its beneficiary, so lock_credit answers anyone else "no such credit"."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from lc import events
from lc.errors import InvalidInput, NotFound
from lc.integrations.webhooks import emit
from lc.models import DraftComment, DraftVersion, LetterOfCredit, User
from lc.services.common import ObjectId, check, lock_credit, now_or, record
from lc.services.credits import _denormalise, complete_terms, parse_terms
from lc.swift.fieldcodec import TAGS
from ledger.chain import canonical

MAX_TEXT = 2000
# MT700 tags a comment may name instead of a terms key (the tags the terms are written to).
MT700_TAGS = frozenset(tag for tag in TAGS.values() if not tag.startswith("block"))


def terms_sha256(terms: dict[str, Any]) -> str:
    """SHA-256 of the terms' RFC 8785 bytes: the form the ledger hashes, so anyone re-derives it."""
    return hashlib.sha256(canonical(terms)).hexdigest()


def _drafting_parties(credit: LetterOfCredit) -> list[Any]:
    """Who hears of a draft by webhook: its two parties (the banks do not see a draft)."""
    return [credit.applicant, credit.beneficiary]


def _new_version(credit: LetterOfCredit, actor: User, now: dt.datetime) -> DraftVersion:
    last = credit.draft_versions.order_by("-number").first()
    return DraftVersion.objects.create(credit=credit, number=(last.number + 1) if last else 1,
                                       terms=credit.draft_terms, terms_sha256=terms_sha256(credit.draft_terms),
                                       created_by=actor, created_at=now)


def _version_facts(version: DraftVersion) -> dict[str, Any]:
    return {"credit": str(version.credit_id), "reference": version.credit.reference,
            "version": version.number, "terms_sha256": version.terms_sha256}


@transaction.atomic
def share_draft(*, actor: User, credit_id: ObjectId, now: dt.datetime | None = None) -> LetterOfCredit:
    """The applicant shows its draft to the beneficiary for comments: version 1 is the draft as it
    stands."""
    now = now_or(now)
    credit = lock_credit(actor, credit_id)
    check("share_draft", actor, credit, now, credit)
    credit.draft_shared_at = credit.updated_at = now
    credit.save(update_fields=["draft_shared_at", "updated_at"])
    version = _new_version(credit, actor, now)
    facts = {**_version_facts(version), "beneficiary": credit.beneficiary.ledger_id}
    record(events.DRAFT_SHARED, subject=credit.subject, actor=actor, at=now, payload={**facts, "terms": version.terms})
    emit(credit, events.DRAFT_SHARED, facts, to=_drafting_parties(credit))
    return credit


@transaction.atomic
def revise_draft(*, actor: User, credit_id: ObjectId, terms: dict[str, Any],
                 now: dt.datetime | None = None) -> DraftVersion:
    """The applicant revises the shared draft: the next version, its terms and their hash ledgered."""
    now = now_or(now)
    credit = lock_credit(actor, credit_id)
    check("revise_draft", actor, credit, now, credit)
    completed = complete_terms(terms, credit)
    parsed = parse_terms(completed)
    if terms_sha256(completed) == terms_sha256(credit.draft_terms):
        raise InvalidInput("the terms are the same as the current version",
                           [{"field": "terms", "message": "unchanged"}])
    credit.draft_terms, credit.updated_at = completed, now
    _denormalise(credit, parsed)
    credit.save()
    version = _new_version(credit, actor, now)
    facts = _version_facts(version)
    record(events.DRAFT_REVISED, subject=credit.subject, actor=actor, at=now, payload={**facts, "terms": version.terms})
    emit(credit, events.DRAFT_REVISED, facts, to=_drafting_parties(credit))
    return version


def _check_field(credit: LetterOfCredit, field: str) -> None:
    head = field.split(".")[0].split("[")[0]
    if field in TAGS or head in credit.draft_terms or field in MT700_TAGS:
        return
    raise InvalidInput(f"{field!r} is neither a field of the draft terms nor an MT700 tag",
                       [{"field": "field", "message": "not a field of the terms or an MT700 tag"}])


def _check_text(name: str, value: str, required: bool) -> str:
    value = value.strip()
    if required and not value:
        raise InvalidInput(f"the {name.replace('_', ' ')} is empty", [{"field": name, "message": "required"}])
    if len(value) > MAX_TEXT:
        raise InvalidInput(f"the {name.replace('_', ' ')} is longer than {MAX_TEXT} characters",
                           [{"field": name, "message": f"at most {MAX_TEXT} characters"}])
    return value


@transaction.atomic
def comment_on_draft(*, actor: User, credit_id: ObjectId, field: str, text: str, suggested_value: str = "",
                     now: dt.datetime | None = None) -> DraftComment:
    """A party comments on one field of the current version, optionally suggesting its value."""
    now = now_or(now)
    credit = lock_credit(actor, credit_id)
    check("comment_on_draft", actor, credit, now, credit)
    field = field.strip()
    _check_field(credit, field)
    text, suggested_value = _check_text("text", text, True), _check_text("suggested_value", suggested_value, False)
    version = credit.draft_versions.order_by("-number").first()
    assert version is not None  # shared drafts have version 1 from the share
    comment = DraftComment.objects.create(credit=credit, version=version, field=field, text=text,
                                          suggested_value=suggested_value, author=actor, created_at=now)
    facts = {**_version_facts(version), "comment": str(comment.id), "field": field}
    record(events.DRAFT_COMMENTED, subject=credit.subject, actor=actor, at=now,
           payload={**facts, "text": text, "suggested_value": suggested_value})
    emit(credit, events.DRAFT_COMMENTED, facts, to=_drafting_parties(credit))
    return comment


@transaction.atomic
def resolve_draft_comment(*, actor: User, comment_id: ObjectId, now: dt.datetime | None = None) -> DraftComment:
    """The applicant marks a comment resolved (taken into a revision, or answered)."""
    now = now_or(now)
    try:
        credit_id = DraftComment.objects.values_list("credit_id", flat=True).get(pk=comment_id)
    except (DraftComment.DoesNotExist, ValueError, TypeError, ValidationError) as exc:
        raise NotFound("no such comment") from exc
    credit = lock_credit(actor, credit_id)  # credit first, then the comment (the fixed lock order)
    comment = DraftComment.objects.select_for_update(of=("self",)).select_related("version").get(pk=comment_id)
    check("resolve_draft_comment", actor, credit, now, comment)
    comment.resolved_by, comment.resolved_at = actor, now
    comment.save(update_fields=["resolved_by", "resolved_at"])
    facts = {"credit": str(credit.id), "reference": credit.reference, "comment": str(comment.id),
             "field": comment.field, "version": comment.version.number}
    record(events.DRAFT_COMMENT_RESOLVED, subject=credit.subject, actor=actor, at=now, payload=facts)
    emit(credit, events.DRAFT_COMMENT_RESOLVED, facts, to=_drafting_parties(credit))
    return comment
