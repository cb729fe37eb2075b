"""A credit's JSON terms laid out as the fields of an MT700 (SR 2018), and amendment diffs.

Pure functions of the terms dict: the credit page and the examination screen show the
same layout, values in SWIFT notation (YYMMDD dates, comma decimals) beside their tags.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from lc.examination.issuance import diff_terms
from lc.examination.serde import ExaminationDataError
from lc.examination.types import CreditTerms


@dataclass(frozen=True)
class Field:
    tag: str
    name: Promise | str
    lines: tuple[str, ...]
    key: str = ""  # the terms key it shows (for highlighting changed fields)


def swift_date(value: Any) -> str:
    if not value:
        return ""
    try:
        return dt.date.fromisoformat(str(value)).strftime("%y%m%d")
    except ValueError:
        return str(value)


def swift_amount(value: Any) -> str:
    """32B notation: digits with a comma as decimal mark and no thousands separators."""
    text = str(value or "")
    if "." not in text:
        return f"{text},"
    whole, frac = text.split(".", 1)
    return f"{whole},{frac.rstrip('0')}"


def _party(p: dict[str, Any] | None) -> tuple[str, ...]:
    if not p:
        return ()
    lines = [p.get("name", "")] + [s.strip() for s in str(p.get("address", "")).split(",") if s.strip()]
    if p.get("country"):
        lines.append(p["country"])
    return tuple(line for line in lines if line)


def _bank(b: dict[str, Any] | None) -> tuple[str, ...]:
    if not b:
        return ()
    return tuple(x for x in (b.get("bic", ""), b.get("name", "")) if x)


def _goods(terms: dict[str, Any]) -> tuple[str, ...]:
    lines = []
    for g in terms.get("goods") or []:
        model = f" MODEL {g['model']}" if g.get("model") else ""
        about = "ABOUT " if g.get("quantity_about") else ""
        lines.append(f"{about}{g.get('quantity')} {g.get('unit')} {g.get('description', '').upper()}{model}"
                     f" AT {terms.get('currency', '')} {g.get('unit_price')} PER {str(g.get('unit', '')).rstrip('S')}")
    if terms.get("incoterm"):
        lines.append(f"{terms['incoterm']} {str(terms.get('incoterm_place', '')).upper()} INCOTERMS 2020".strip())
    return tuple(lines)


def _documents(terms: dict[str, Any]) -> tuple[str, ...]:
    return tuple(f"+{str(d.get('text') or d.get('doc_type', '')).upper()}" for d in terms.get("documents") or [])


def _tolerance(terms: dict[str, Any]) -> tuple[str, ...]:
    plus, minus = terms.get("tolerance_plus"), terms.get("tolerance_minus")
    if plus is None and minus is None:
        return ()
    return (f"{int(float(plus or 0)):02d}/{int(float(minus or 0)):02d}",)


def _one(value: Any) -> tuple[str, ...]:
    return (str(value),) if value not in (None, "", []) else ()


def mt700_fields(terms: dict[str, Any]) -> list[Field]:
    """The MT700 fields present in these terms, in message order."""
    banks = terms.get("banks") or {}
    period = terms.get("presentation_period_days")
    rows = [
        Field("27", _("Sequence of total"), ("1/1",)),
        Field("40A", _("Form of documentary credit"), _one(terms.get("form")), "form"),
        Field("20", _("Documentary credit number"), _one(terms.get("credit_number")), "credit_number"),
        Field("31C", _("Date of issue"), _one(swift_date(terms.get("issue_date"))), "issue_date"),
        Field("40E", _("Applicable rules"), _one(terms.get("applicable_rules")), "applicable_rules"),
        Field("31D", _("Date and place of expiry"),
              _one(f"{swift_date(terms.get('expiry_date'))}{str(terms.get('expiry_place', '')).upper()}"),
              "expiry_date"),
        Field("50", _("Applicant"), _party(terms.get("applicant")), "applicant"),
        Field("59", _("Beneficiary"), _party(terms.get("beneficiary")), "beneficiary"),
        Field("32B", _("Currency code, amount"),
              _one(f"{terms.get('currency', '')}{swift_amount(terms.get('amount'))}"), "amount"),
        Field("39A", _("Percentage credit amount tolerance"), _tolerance(terms), "tolerance_plus"),
        Field("41a", _("Available with ... by ..."),
              tuple(x for x in (terms.get("available_with"), terms.get("available_by")) if x), "available_by"),
        Field("42C", _("Drafts at"), _one(terms.get("drafts_at")), "drafts_at"),
        Field("42a", _("Drawee"), _bank(banks.get("drawee")), "banks.drawee"),
        Field("42M", _("Mixed payment details"), _one(terms.get("mixed_payment")), "mixed_payment"),
        Field("42P", _("Negotiation/deferred payment details"), _one(terms.get("deferred_payment")),
              "deferred_payment"),
        Field("43P", _("Partial shipments"), _one(terms.get("partial_shipments")), "partial_shipments"),
        Field("43T", _("Transhipment"), _one(terms.get("transhipment")), "transhipment"),
        Field("44A", _("Place of taking in charge/receipt"), _one(terms.get("place_of_receipt")),
              "place_of_receipt"),
        Field("44E", _("Port of loading/airport of departure"), _one(terms.get("port_of_loading")),
              "port_of_loading"),
        Field("44F", _("Port of discharge/airport of destination"), _one(terms.get("port_of_discharge")),
              "port_of_discharge"),
        Field("44B", _("Place of final destination"), _one(terms.get("final_destination")), "final_destination"),
        Field("44C", _("Latest date of shipment"), _one(swift_date(terms.get("latest_shipment"))),
              "latest_shipment"),
        Field("44D", _("Shipment period"), _one(terms.get("shipment_period")), "shipment_period"),
        Field("45A", _("Description of goods and/or services"), _goods(terms), "goods"),
        Field("46A", _("Documents required"), _documents(terms), "documents"),
        Field("47A", _("Additional conditions"), tuple(terms.get("additional_conditions") or ()),
              "additional_conditions"),
        Field("71D", _("Charges"), _one(terms.get("charges")), "charges"),
        Field("48", _("Period for presentation in days"), _one(period), "presentation_period_days"),
        Field("49", _("Confirmation instructions"), _one(terms.get("confirmation")), "confirmation"),
        Field("58a", _("Requested confirmation party"), _bank(banks.get("confirming")), "banks.confirming"),
        Field("53a", _("Reimbursing bank"), _bank(banks.get("reimbursing")), "banks.reimbursing"),
    ]
    return [f for f in rows if f.lines]


@dataclass(frozen=True)
class Change:
    path: str
    old: str
    new: str


def lookup(data: Any, path: str) -> Any:
    for part in re.findall(r"[^.\[\]]+", path):
        if isinstance(data, list):
            index = int(part)
            data = data[index] if index < len(data) else None
        else:
            data = (data or {}).get(part)
    return data


def show(value: Any) -> str:
    if isinstance(value, (list, dict)):
        return f"{len(value)} item(s)" if isinstance(value, list) else ", ".join(f"{k}: {v}" for k, v in value.items())
    return "" if value is None else str(value)


def terms_diff(old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    """Fields changed between two versions (the examination engine's diff_terms), old and new values."""
    try:
        paths = diff_terms(CreditTerms.from_dict(old), CreditTerms.from_dict(new))
    except ExaminationDataError:
        paths = sorted(k for k in set(old) | set(new) if old.get(k) != new.get(k))
    return [Change(p, show(lookup(old, p)), show(lookup(new, p))) for p in paths]


def flatten(data: Any, prefix: str = "") -> list[tuple[str, str]]:
    """Document data as (field path, value) rows for side-by-side reading."""
    if isinstance(data, dict):
        rows: list[tuple[str, str]] = []
        for key, value in data.items():
            if key == "type":
                continue
            rows += flatten(value, f"{prefix}.{key}" if prefix else key)
        return rows
    if isinstance(data, list):
        if all(not isinstance(v, (dict, list)) for v in data):
            return [(prefix, ", ".join(str(v) for v in data))] if data else []
        rows = []
        for i, value in enumerate(data):
            rows += flatten(value, f"{prefix}[{i}]")
        return rows
    if data in (None, ""):
        return []
    return [(prefix, str(data))]
