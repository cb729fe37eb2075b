"""The dashboard: work queues for the person's roles, and charts of the book.

Every queue is one LIMITed query whose window count gives the queue's full size, and every
chart is one GROUP BY in the database: the page costs the same with 30 or 30,000 credits.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Sum, Window
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lc.banking import BankingCalendar
from lc.models import (
    LIVE_STATES,
    OPEN_FOR_EXAMINATION,
    Amendment,
    AmendmentState,
    Confirmation,
    CreditState,
    Discrepancy,
    DiscrepancyStatus,
    Facility,
    LetterOfCredit,
    Organization,
    Presentation,
    PresentationState,
    Role,
    User,
)
from lc.portal import charts
from lc.portal.access import is_bank_user, org_of, portal_view, render_page
from lc.services.common import calendar_for, years_around
from lc.services.money import facility_summary
from ledger.witnessing import witnessing_status

QUEUE_SIZE = 8
EXPIRY_HORIZON_DAYS = 30
STATE_TONES = {"draft": "pending", "submitted": "pending", "pending_approval": "pending", "issued": "live",
               "advised": "live", "received": "pending", "settled": "closed", "cancelled": "closed",
               "expired": "closed"}


@dataclass
class Queue:
    key: str
    title: Promise | str
    kind: str  # "credit", "presentation" or "amendment": how rows are drawn
    rows: list[Any] = field(default_factory=list)
    total: int = 0
    hint: Promise | str = ""


def _queue(key: str, title: Promise, kind: str, qs: QuerySet[Any], hint: Promise | str = "") -> Queue:
    """The first QUEUE_SIZE rows, with the full count from a window function (one query)."""
    rows = list(qs.annotate(queue_total=Window(Count("pk")))[:QUEUE_SIZE])
    return Queue(key, title, kind, rows, rows[0].queue_total if rows else 0, hint)


def deadline_tone(deadline: dt.date | None, today: dt.date, calendar: BankingCalendar) -> str:
    """Red on the day (or past it), amber on the banking day before, as the deadline timer warns."""
    if deadline is None:
        return ""
    if deadline <= today:
        return "due"
    eve = deadline - dt.timedelta(days=1)
    while not calendar.is_banking_day(eve) and eve > today:
        eve -= dt.timedelta(days=1)
    return "soon" if today >= eve else "ok"


def _credits() -> QuerySet[LetterOfCredit]:
    return LetterOfCredit.objects.select_related("applicant", "beneficiary").defer("draft_terms")


def _presentations() -> QuerySet[Presentation]:
    return Presentation.objects.select_related("credit").defer("credit__draft_terms")


def _amendments() -> QuerySet[Amendment]:
    return Amendment.objects.select_related("credit").defer("credit__draft_terms")


def bank_queues(user: User, org: Organization, today: dt.date) -> list[Queue]:
    maker, checker, examiner = (user.has_role(r) for r in (Role.MAKER, Role.CHECKER, Role.EXAMINER))
    queues: list[Queue] = []
    if maker:
        queues.append(_queue("prepare", gettext_lazy("Applications to prepare"), "credit", _credits().filter(
            issuing_bank=org, state=CreditState.SUBMITTED).order_by("updated_at")))
        queues.append(_queue("amend", gettext_lazy("Amendments to prepare"), "amendment", _amendments().filter(
            credit__issuing_bank=org, state=AmendmentState.PROPOSED).order_by("created_at")))
    if checker:
        queues.append(_queue("approve", gettext_lazy("Approvals waiting for you"), "credit", _credits().filter(
            issuing_bank=org, state=CreditState.PENDING_APPROVAL).exclude(issue_maker=user).order_by("updated_at"),
            gettext_lazy("Never your own: four eyes.")))
        queues.append(_queue("approve-amendment", gettext_lazy("Amendments to approve"), "amendment",
                             _amendments().filter(credit__issuing_bank=org, state=AmendmentState.PENDING_APPROVAL)
                             .exclude(maker=user).order_by("created_at")))
    if maker or checker:
        queues.append(_queue("advise", gettext_lazy("Credits to advise"), "credit", _credits().filter(
            advising_bank=org, state__in=(CreditState.ISSUED, CreditState.RECEIVED)).order_by("issued_at")))
        queues.append(_queue("confirm", gettext_lazy("Confirmation requests"), "credit", _credits().filter(
            confirming_bank=org, confirmation=Confirmation.REQUESTED, state__in=LIVE_STATES).order_by("issued_at")))
        queues.append(_queue("honour", gettext_lazy("Complying presentations to honour"), "presentation",
                             _presentations().filter(presented_to=org, state=PresentationState.COMPLYING)
                             .order_by("examined_at")))
        queues.append(_queue("reimburse", gettext_lazy("To reimburse or settle"), "presentation",
                             _presentations().filter(credit__issuing_bank=org, state__in=(
                                 PresentationState.HONOURED, PresentationState.REIMBURSED)).order_by("honoured_at")))
    if examiner or maker:
        queues.append(_queue("examine", gettext_lazy("Presentations to examine"), "presentation",
                             _presentations().filter(presented_to=org, state__in=OPEN_FOR_EXAMINATION)
                             .order_by("examination_deadline", "created_at"),
                             gettext_lazy("Five banking days following presentation (art. 14(b)).")))
    return queues


def shared_queues(org: Organization, today: dt.date) -> list[Queue]:
    visible = LetterOfCredit.objects.visible_to(org)
    return [
        _queue("beneficiary", gettext_lazy("Amendments awaiting the beneficiary"), "amendment",
               _amendments().filter(credit__in=visible.values("pk"), state=AmendmentState.ISSUED)
               .order_by("issued_at")),
        _queue("expiring", gettext_lazy("Credits expiring soon"), "credit", _credits().filter(
            pk__in=visible.values("pk"), state__in=LIVE_STATES, expiry_date__gte=today,
            expiry_date__lte=today + dt.timedelta(days=EXPIRY_HORIZON_DAYS)).order_by("expiry_date"),
            gettext_lazy("Within %(days)s days.") % {"days": EXPIRY_HORIZON_DAYS}),
    ]


def corporate_queues(org: Organization, today: dt.date) -> list[Queue]:
    mine = _credits().filter(pk__in=LetterOfCredit.objects.visible_to(org).values("pk")).order_by("-updated_at")
    return [_queue("mine", gettext_lazy("Your credits"), "credit", mine), *shared_queues(org, today)]


def _money(value: Decimal) -> str:
    return number_format(value, decimal_pos=0, use_l10n=True, force_grouping=True)


def book_charts(org: Organization) -> dict[str, Any]:
    visible = LetterOfCredit.objects.visible_to(org)
    by_state = dict(visible.order_by().values_list("state").annotate(n=Count("pk")))
    bars = [charts.Bar(str(CreditState(s).label), by_state[s], str(by_state[s]), STATE_TONES[s])
            for s in CreditState.values if by_state.get(s)]
    exposure = list(visible.filter(state__in=LIVE_STATES).order_by().values("currency")
                    .annotate(total=Sum(F("amount") - F("drawn_amount")), n=Count("pk")).order_by("-total"))
    money_bars = [charts.Bar(row["currency"], row["total"], f"{_money(row['total'])}", "live") for row in exposure]
    return {
        "state_chart": charts.bar_chart(bars, _("Credits by state")),
        "exposure_chart": charts.bar_chart(money_bars, _("Open exposure by currency")),
        "rate": discrepancy_rate(org),
        "live_count": sum(by_state.get(s, 0) for s in LIVE_STATES),
        "total_count": sum(by_state.values()),
        "exposure": exposure,
        "facility_chart": facility_chart(org),
    }


def facility_chart(org: Organization) -> Any:
    """Facility utilisation (issue 13): per applicant for the bank that granted the facilities,
    per bank for the applicant holding them; each bar is utilisation against the limit."""
    facilities = Facility.objects.filter(Q(bank=org) | Q(applicant=org)).select_related("bank", "applicant")
    bars = []
    for f in facilities.order_by("applicant__name", "bank__name"):
        summary = facility_summary(f)
        used = Decimal(summary["utilised"]) if summary["utilised"] is not None else Decimal(0)
        share = used / f.limit * 100 if f.limit else Decimal(0)
        name = f.applicant.name if f.bank_id == org.pk else f.bank.name
        shown = f"{share:.0f}% of {f.currency} {_money(f.limit)}" if summary["utilised"] is not None else _("no rate")
        bars.append(charts.Bar(name, min(share, Decimal(100)), shown, "closed" if share > 100 else "live"))
    return charts.bar_chart(bars, _("Facility utilisation"))


def discrepancy_rate(org: Organization) -> dict[str, Any]:
    """Share of examined presentations with at least one confirmed discrepancy."""
    confirmed = Discrepancy.objects.filter(presentation=OuterRef("pk"), status=DiscrepancyStatus.CONFIRMED)
    scope = Q(presented_to=org) if org.is_bank else Q(credit__in=LetterOfCredit.objects.visible_to(org).values("pk"))
    agg = (Presentation.objects.filter(scope, examined_at__isnull=False).annotate(bad=Exists(confirmed))
           .aggregate(total=Count("pk"), discrepant=Count("pk", filter=Q(bad=True))))
    total, bad = agg["total"] or 0, agg["discrepant"] or 0
    rate = bad / total if total else None
    caption = _("%(bad)s of %(total)s") % {"bad": bad, "total": total}
    return {"total": total, "discrepant": bad,
            "chart": charts.ring(rate, caption, _("Discrepancy rate on first examination"))}


@portal_view
def dashboard_view(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    org = org_of(request)
    today = org.local_date(timezone.now())  # the day at the signed-in organisation's place
    if is_bank_user(user):
        queues = bank_queues(user, org, today) + shared_queues(org, today)
        calendar = calendar_for(org, years_around(today))
    else:
        queues, calendar = corporate_queues(org, today), BankingCalendar()
    queues.sort(key=lambda q: not q.rows)  # work first; empty queues after (stable order within each)
    for q in queues:
        if q.kind == "presentation":
            for p in q.rows:
                p.tone = deadline_tone(p.examination_deadline, today, calendar) if p.state in OPEN_FOR_EXAMINATION \
                    else ""
                p.days_left = (p.examination_deadline - today).days if p.examination_deadline else None
    context = {"queues": queues, "today": today, "role_labels": [Role(r).label for r in user.roles],
               "waiting": sum(q.total for q in queues if q.key not in ("mine", "expiring")), **book_charts(org),
               # Read-only, for bank staff: whether the counterparty banks' witnesses keep up with the log.
               "witnessing": witnessing_status() if is_bank_user(user) else None}
    return render_page(request, "portal/dashboard.html", context, nav="dashboard")
