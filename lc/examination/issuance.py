"""Checks C01-C11 on terms at issue and amendment time, and the art. 38 transfer rules."""

from __future__ import annotations

import re
from decimal import Decimal

from lc.examination.phrases import normalise_date_phrase
from lc.examination.serde import JsonValue
from lc.examination.text import same_text
from lc.examination.types import (
    ApplicableRules,
    AvailableBy,
    Confirmation,
    CreditTerms,
    Form,
    Issue,
    ShipmentPermission,
)

__all__ = ["diff_terms", "normalise_date_phrase", "rule_sets", "validate_terms", "validate_transfer"]

_DOCUMENTARY_WORDS = re.compile(
    r"CERTIFICATE|INVOICE|DOCUMENT|BILL OF LADING|B/L|WAYBILL|AWB|POLICY|LIST|STATEMENT|DECLARATION|"
    r"COP(Y|IES)|ORIGINAL|DRAFT|REPORT|RECEIPT|EVIDENC|INDICAT|SHOW|MARKED|BEAR|PRESENT|STAT(E|ING)"
)
_INSTRUCTION_WORDS = re.compile(r"\bFEES?\b|CHARGE|DEDUCT|REIMBURS|AMENDMENT|DISCREPAN|PAYMENT WILL")


def rule_sets(terms: CreditTerms) -> frozenset[str]:
    """The rule sets 40E selects (art. 1): UCP always, plus eUCP and/or URR 725."""
    rules = terms.applicable_rules.upper()
    selected = {"UCP"}
    if rules.startswith("EUCP"):
        selected.add("EUCP")
    if "URR" in rules:
        selected.add("URR")
    return frozenset(selected)


def validate_terms(terms: CreditTerms) -> list[Issue]:
    issues: list[Issue] = []
    for check in (
        _c01_rules,
        _c02_form,
        _c03_availability,
        _c04_drafts,
        _c05_expiry,
        _c06_dates,
        _c07_shipment,
        _c08_non_documentary,
        _c10_confirmation,
    ):
        issues.extend(check(terms))
    return issues


def _c01_rules(terms: CreditTerms) -> list[Issue]:
    if terms.applicable_rules.upper() in set(ApplicableRules):
        return []
    return [
        Issue(
            code="C01",
            field="applicable_rules",
            message=f"40E must select UCP 600 (with or without eUCP/URR), not {terms.applicable_rules!r} (art. 1).",
        )
    ]


def _c02_form(terms: CreditTerms) -> list[Issue]:
    if terms.form.upper() in set(Form):
        return []
    return [
        Issue(
            code="C02",
            field="form",
            message=f"40A must be IRREVOCABLE or IRREVOCABLE TRANSFERABLE, not {terms.form!r} (art. 3, 38).",
        )
    ]


def _c03_availability(terms: CreditTerms) -> list[Issue]:
    issues = []
    if not terms.available_with.strip():
        issues.append(
            Issue(
                code="C03",
                field="available_with",
                message="41a must name the bank the credit is available with, or ANY BANK (art. 6(a)).",
            )
        )
    if terms.available_by.upper() not in set(AvailableBy):
        issues.append(
            Issue(
                code="C03",
                field="available_by",
                message=f"41a availability {terms.available_by!r} is not payment, deferred payment, acceptance, negotiation or mixed (art. 6(b)).",
            )
        )
    return issues


def _c04_drafts(terms: CreditTerms) -> list[Issue]:
    issues = []
    drawee = terms.banks.drawee
    if drawee is not None and same_text(drawee.name, terms.applicant.name):
        issues.append(
            Issue(
                code="C04",
                field="banks.drawee",
                message="A credit must not be issued available by a draft drawn on the applicant (art. 6(c)).",
            )
        )
    has_drafts, has_mixed, has_deferred = (
        bool(terms.drafts_at.strip()),
        bool(terms.mixed_payment.strip()),
        bool(terms.deferred_payment.strip()),
    )
    if has_drafts != (drawee is not None):
        issues.append(Issue(code="C04", field="drafts_at", message="42C and 42a must be given together."))
    if has_drafts + has_mixed + has_deferred > 1:
        issues.append(
            Issue(
                code="C04",
                field="drafts_at",
                message="Only one of 42C/42a, 42M or 42P may be given (MT700 network rule).",
            )
        )
    needed = {
        AvailableBy.ACCEPTANCE: has_drafts,
        AvailableBy.DEFERRED_PAYMENT: has_deferred,
        AvailableBy.MIXED: has_mixed,
    }
    if terms.available_by in needed and not needed[AvailableBy(terms.available_by)]:
        issues.append(
            Issue(
                code="C04",
                field="available_by",
                message=f"Availability {terms.available_by} needs its payment details (42C/42a, 42P or 42M).",
            )
        )
    return issues


def _c05_expiry(terms: CreditTerms) -> list[Issue]:
    issues = []
    if terms.expiry_date is None:
        issues.append(Issue(code="C05", field="expiry_date", message="31D must state an expiry date (art. 6(d)(i))."))
    elif terms.expiry_date < terms.issue_date:
        issues.append(Issue(code="C05", field="expiry_date", message="The expiry date is before the date of issue."))
    if not terms.expiry_place.strip():
        issues.append(
            Issue(
                code="C05",
                field="expiry_place",
                message="31D must state the place for presentation (art. 6(d)(ii)).",
            )
        )
    return issues


def _c06_dates(terms: CreditTerms) -> list[Issue]:
    if not terms.shipment_period.strip():
        return []
    try:
        _, end = normalise_date_phrase(terms.shipment_period)
    except ValueError:
        return [
            Issue(
                code="C06",
                field="shipment_period",
                message=f"44D {terms.shipment_period!r} is not a date expression art. 3 can resolve.",
            )
        ]
    if terms.expiry_date is not None and end is not None and end > terms.expiry_date:
        return [
            Issue(
                code="C06",
                field="shipment_period",
                message=f"44D ends {end.isoformat()}, after expiry.",
                severity="warning",
            )
        ]
    return []


def _c07_shipment(terms: CreditTerms) -> list[Issue]:
    issues = []
    if (terms.latest_shipment is None) == (not terms.shipment_period.strip()):
        issues.append(
            Issue(
                code="C07",
                field="latest_shipment",
                message="Exactly one of 44C (latest shipment date) and 44D (shipment period) must be given.",
            )
        )
    for name in ("partial_shipments", "transhipment"):
        value = getattr(terms, name)
        if value.upper() not in set(ShipmentPermission):
            issues.append(
                Issue(
                    code="C07",
                    field=name,
                    message=f"{name.replace('_', ' ')} must be ALLOWED, CONDITIONAL or NOT ALLOWED, not {value!r}.",
                )
            )
    if terms.latest_shipment and terms.expiry_date and terms.latest_shipment > terms.expiry_date:
        issues.append(
            Issue(
                code="C07",
                field="latest_shipment",
                message="Latest shipment date is after expiry.",
                severity="warning",
            )
        )
    return issues


def is_non_documentary(condition: str) -> bool:
    """A condition that no document is called on to evidence (art. 14(h), ISBP 821 A26)."""
    text = condition.upper()
    return not _DOCUMENTARY_WORDS.search(text) and not _INSTRUCTION_WORDS.search(text)


def _c08_non_documentary(terms: CreditTerms) -> list[Issue]:
    issues = []
    for i, requirement in enumerate(terms.documents):
        if requirement.text and is_non_documentary(requirement.text):
            issues.append(_non_documentary(f"documents[{i}].text", requirement.text))
    for i, condition in enumerate(terms.additional_conditions):
        if is_non_documentary(condition):
            issues.append(_non_documentary(f"additional_conditions[{i}]", condition))
    return issues


def _non_documentary(field: str, text: str) -> Issue:
    return Issue(
        code="C08",
        field=field,
        message=f"Non-documentary condition, will be disregarded at examination (art. 14(h)): {text}",
        severity="warning",
    )


def _c10_confirmation(terms: CreditTerms) -> list[Issue]:
    value = terms.confirmation.upper()
    if value not in set(Confirmation):
        return [
            Issue(
                code="C10",
                field="confirmation",
                message=f"49 must be CONFIRM, MAY ADD or WITHOUT, not {terms.confirmation!r}.",
            )
        ]
    if value != Confirmation.WITHOUT and terms.banks.confirming is None:
        return [
            Issue(
                code="C10",
                field="banks.confirming",
                message="Confirmation is requested (49) but no confirming bank (58a) is named to confirm or decline (art. 8(d)).",
            )
        ]
    return []


def diff_terms(old: CreditTerms, new: CreditTerms) -> list[str]:
    """Dotted paths of the fields that differ (for amendments, art. 10, and transfers)."""
    changed: list[str] = []
    _diff(old.to_dict(), new.to_dict(), "", changed)
    return changed


def _diff(a: JsonValue, b: JsonValue, path: str, out: list[str]) -> None:
    if isinstance(a, dict) and isinstance(b, dict):
        for key in sorted(set(a) | set(b)):
            _diff(a.get(key), b.get(key), f"{path}.{key}" if path else key, out)
    elif isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            _diff(x, y, f"{path}[{i}]", out)
    elif a != b:
        out.append(path)


_TRANSFER_FREE = re.compile(r"^(beneficiary|applicant|form)(\.|$)")


def validate_transfer(original: CreditTerms, transferred: CreditTerms) -> list[Issue]:
    """C11, art. 38(g)(h): only reductions and curtailments, and a higher insurance percentage."""
    if not original.transferable:
        return [Issue(code="C11", field="form", message="The credit is not designated transferable (art. 38(b)).")]
    issues = []
    for path in diff_terms(original, transferred):
        if _TRANSFER_FREE.match(path):
            continue  # the second beneficiary, the first beneficiary as applicant (38(g))
        problem = _transfer_change(path, original, transferred)
        if problem:
            issues.append(Issue(code="C11", field=path, message=problem))
    return issues


def _transfer_change(path: str, original: CreditTerms, transferred: CreditTerms) -> str:
    old, new = _lookup(original.to_dict(), path), _lookup(transferred.to_dict(), path)
    leaf = re.sub(r"\[\d+\]", "", path).split(".")[-1]
    if leaf in {"amount", "unit_price", "presentation_period_days"} and _le(new, old):
        return ""
    if leaf in {"expiry_date", "latest_shipment"} and isinstance(old, str) and isinstance(new, str) and new <= old:
        return ""  # ISO dates compare in calendar order
    if leaf == "insurance_percent" and _le(old or "110", new or "110"):
        return ""
    return f"{path} may not be changed on transfer from {old!r} to {new!r} (art. 38(g))."


def _le(a: JsonValue, b: JsonValue) -> bool:
    try:
        return Decimal(str(a)) <= Decimal(str(b))
    except ArithmeticError:
        return False


def _lookup(data: JsonValue, path: str) -> JsonValue:
    for part in re.findall(r"[^.\[\]]+", path):
        if isinstance(data, list):
            data = data[int(part)] if part.isdigit() and int(part) < len(data) else None
        else:
            data = data.get(part) if isinstance(data, dict) else None
    return data
