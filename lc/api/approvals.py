"""Decisions awaiting further checkers (approval levels, issue 20), as the API shows them to the
deciding bank's own people: what is decided, approval n of m, who approved, the threshold facts."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from lc.models import ApprovalAction
from lc.services.approvals import Pending


class ApproverSerializer(serializers.Serializer):
    number = serializers.IntegerField(help_text="1 for the first approval of the decision.")
    user = serializers.UUIDField()
    username = serializers.CharField()
    name = serializers.CharField()
    at = serializers.DateTimeField()


class PendingApprovalSerializer(serializers.Serializer):
    """One decision awaiting further checkers at the caller's bank."""

    target = serializers.UUIDField(help_text="The credit (issuance), amendment or presentation (honour) decided.")
    action = serializers.ChoiceField(choices=ApprovalAction.choices)
    approvals_given = serializers.IntegerField()
    approvals_required = serializers.IntegerField()
    approvers = ApproverSerializer(many=True)
    threshold = serializers.JSONField(help_text="The amount, its conversion into the level's currency by the "
                                                "bank's rate table, the rate used and the level that applies.")

    def to_representation(self, pending: Pending) -> dict[str, Any]:
        field = serializers.DateTimeField()
        return {
            "target": str(pending.target), "action": pending.action, "approvals_given": pending.given,
            "approvals_required": pending.required,
            "approvers": [{"number": a.number, "user": str(a.approver_id), "username": a.approver.username,
                           "name": str(a.approver), "at": field.to_representation(a.at)} for a in pending.approvals],
            "threshold": pending.facts,
        }
