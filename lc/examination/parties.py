"""Role words and defined terms resolved to parties or issuer kinds before anything is compared.

A credit says "issued by the beneficiary", "to order of the issuing bank", "notify applicant",
"issued by a chamber of commerce", "by an independent surveyor". These are not strings to look
for in a name: the role words name a party of the credit, the kind words name a kind of issuer,
and art. 3's qualifiers ("independent", "competent", "official", ...) allow anyone except the
beneficiary. Documents carry an issuer kind where it matters (``BaseDocument.issuer_kind``); when
they do not, the kind is read from the issuer's name if the name says it, else the examiner judges.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from enum import StrEnum

from lc.examination.names import name_match
from lc.examination.text import Match, covers, tokens
from lc.examination.types import CreditTerms


class IssuerKind(StrEnum):
    """Who issued a document, where the credit or the rules care (art. 20(a)(i), 28(a), ISBP 821)."""

    CARRIER = "carrier"
    MASTER = "master"
    CARRIER_AGENT = "agent for the carrier"
    MASTER_AGENT = "agent for the master"
    INSURER = "insurance company"
    UNDERWRITER = "underwriter"
    INSURER_AGENT = "agent or proxy of the insurer"
    BROKER = "insurance broker"
    CHAMBER_OF_COMMERCE = "chamber of commerce"
    SURVEYOR = "surveyor"
    INSPECTION_COMPANY = "inspection company"
    AUTHORITY = "public authority"
    FREIGHT_FORWARDER = "freight forwarder"


INSURER_KINDS = frozenset({IssuerKind.INSURER, IssuerKind.UNDERWRITER, IssuerKind.INSURER_AGENT})
# Words in a 46A issuer phrase or in an issuer's name, and the kind they name.
_KIND_WORDS: tuple[tuple[str, IssuerKind], ...] = (
    (r"\bBROKER", IssuerKind.BROKER),
    (r"\bUNDERWRIT", IssuerKind.UNDERWRITER),
    (r"\bLLOYD'?S\b", IssuerKind.UNDERWRITER),
    (r"\bINSURANCE|\bASSURANCE|\bINSURER|\bREINSURANCE\b", IssuerKind.INSURER),
    (
        r"\bCHAMBERS?\s+OF\s+(?:INTERNATIONAL\s+)?COMMERCE|\bCCPIT\b|\bCOUNCIL\s+FOR\s+THE\s+PROMOTION\s+OF\s+"
        r"INTERNATIONAL\s+TRADE",
        IssuerKind.CHAMBER_OF_COMMERCE,
    ),
    (r"\bSURVEY", IssuerKind.SURVEYOR),
    (
        r"\bINSPECTION\s+(?:COMPANY|AGENCY|BODY|HOUSE)|\bSGS\b|\bBUREAU\s+VERITAS\b|\bINTERTEK\b|\bCCIC\b",
        IssuerKind.INSPECTION_COMPANY,
    ),
    (
        r"\bAUTHORITY|\bMINISTRY|\bGOVERNMENT|\bCUSTOMS\b|\bCIQ\b|\bGACC\b|\bENTRY[- ]EXIT\s+INSPECTION|\bQUARANTINE\b",
        IssuerKind.AUTHORITY,
    ),
    (r"\bFORWARD", IssuerKind.FREIGHT_FORWARDER),
)
_COMPILED_KINDS = tuple((re.compile(p), k) for p, k in _KIND_WORDS)
# Art. 3: these words before an issuer allow any issuer except the beneficiary.
_ANYONE_BUT_BENEFICIARY = frozenset(
    {
        "INDEPENDENT",
        "COMPETENT",
        "OFFICIAL",
        "QUALIFIED",
        "LOCAL",
        "WELL-KNOWN",
        "WELLKNOWN",
        "FIRST-CLASS",
        "FIRSTCLASS",
        "KNOWN",
        "REPUTABLE",
        "RECOGNISED",
        "RECOGNIZED",
        "ACCREDITED",
        "THIRD",
        "NEUTRAL",
    }
)
_ROLE_WORDS = {
    "BENEFICIARY": "beneficiary",
    "BENEFICIARIES": "beneficiary",
    "BENEFICIARYS": "beneficiary",
    "SELLER": "beneficiary",
    "SELLERS": "beneficiary",
    "EXPORTER": "beneficiary",
    "APPLICANT": "applicant",
    "APPLICANTS": "applicant",  # "applicant's", as tokens() reads it
    "BUYER": "applicant",
    "BUYERS": "applicant",
    "IMPORTER": "applicant",
    "OPENER": "applicant",
}
# The carrier of a transport document, however the credit names it ("issued by the carrier or its
# agent", "by the shipping company"); a transport document's issuer is its carrier (arts 19-25).
_CARRIER_WORDS = frozenset({"CARRIER", "CARRIERS", "SHIPOWNER", "SHIPOWNERS", "MASTER", "CAPTAIN", "AIRLINE"})
_CARRIER_PHRASE = re.compile(r"\bSHIPPING\s+(?:COMPANY|COMPANIES|LINES?)\b|\bSTEAMSHIP\s+(?:COMPANY|LINE)\b")
CARRIER_KINDS = frozenset({IssuerKind.CARRIER, IssuerKind.MASTER, IssuerKind.CARRIER_AGENT, IssuerKind.MASTER_AGENT})
# A party's representative, agent or nominee ("applicant's representative"): who that is cannot be
# read from the document, so only the party itself is certain; anyone else is for the examiner.
_DELEGATE_WORDS = frozenset(
    "REPRESENTATIVE REPRESENTATIVES AGENT AGENTS NOMINEE NOMINEES DELEGATE AUTHORISED AUTHORIZED NOMINATED DESIGNATED "
    "FORWARDER FORWARDERS FORWARDING".split()
)
# Roles no party of the credit fills: whether the issuer is one is for the examiner, never certain.
_UNDEFINED_ROLES = frozenset(
    "MANUFACTURER MANUFACTURERS PRODUCER PRODUCERS MILL MILLS FACTORY SUPPLIER SUPPLIERS SHIPPER SHIPPERS GROWER GROWERS PACKER PACKERS".split()
)
_FILLER = frozenset({"A", "AN", "ANY", "ISSUED", "SIGNED", "MADE", "OUT", "BY", "ONE", "S", "OR", "THEIR", "ITS"})


def kind_from_name(name: str) -> IssuerKind | None:
    """The issuer kind a name states ("Pacific Mutual Insurance Co."), if it states one."""
    text = name.upper().replace("’", "'")
    return next((kind for pattern, kind in _COMPILED_KINDS if pattern.search(text)), None)


def kind_of(issuer_kind: str, issuer_name: str) -> IssuerKind | None:
    """The document's declared issuer kind, else the kind its issuer's name states."""
    try:
        return IssuerKind(issuer_kind) if issuer_kind else kind_from_name(issuer_name)
    except ValueError:
        return kind_from_name(issuer_name)


@dataclass(frozen=True)
class IssuerRule:
    """What a 46A issuer phrase asks for, resolved against the credit's parties."""

    phrase: str
    party: str = ""  # a party's name: beneficiary, applicant, a named company
    kind: IssuerKind | None = None
    not_beneficiary: bool = False  # art. 3 qualifiers: anyone except the beneficiary
    carrier: bool = False  # the carrier, its master or their agent
    delegate: bool = False  # ``party``'s representative or agent: only ``party`` itself is certain
    undefined: bool = False  # a role no party of the credit fills ("the manufacturer"): judged


def issuer_rule(phrase: str, terms: CreditTerms) -> IssuerRule:
    return _issuer_rule(phrase, terms.beneficiary.name, terms.applicant.name)


@functools.lru_cache(maxsize=512)
def _issuer_rule(phrase: str, beneficiary: str, applicant: str) -> IssuerRule:
    words = [w for w in tokens(phrase) if w not in _FILLER]
    roles = {_ROLE_WORDS[w] for w in words if w in _ROLE_WORDS}
    if set(words) & _ANYONE_BUT_BENEFICIARY:
        return IssuerRule(phrase, not_beneficiary=True)
    if set(words) & _CARRIER_WORDS or _CARRIER_PHRASE.search(phrase.upper()):
        return IssuerRule(phrase, carrier=True)
    delegate = bool(set(words) & _DELEGATE_WORDS)
    if roles == {"beneficiary"}:
        return IssuerRule(phrase, party=beneficiary, delegate=delegate)
    if roles == {"applicant"}:
        return IssuerRule(phrase, party=applicant, delegate=delegate)
    if set(words) & _UNDEFINED_ROLES:
        return IssuerRule(phrase, undefined=True)
    named = re.sub(r"^\s*(?:MESSRS\.?|M/S\.?)\s+", "", phrase.strip(), flags=re.IGNORECASE)
    kind = None if named != phrase.strip() else kind_from_name(phrase)
    if kind is not None:
        return IssuerRule(phrase, kind=kind)
    return IssuerRule(phrase, party=named)  # a named issuer: "Messrs SGS", "ABC Testing Ltd"


def issuer_verdict(
    rule: IssuerRule, issuer_name: str, issuer_kind: str, terms: CreditTerms, *, transport: bool = False
) -> Match:
    """Does the document's issuer meet the credit's issuer phrase? ``transport``: the document is
    a transport document, whose issuer is its carrier (who signed it is art. 20(a)(i), C21)."""
    by_beneficiary = name_match(terms.beneficiary.name, issuer_name)
    if rule.not_beneficiary:
        return {Match.SAME: Match.DIFFERENT, Match.CLOSE: Match.CLOSE}.get(by_beneficiary, Match.SAME)
    if rule.carrier:
        return Match.SAME if transport or kind_of(issuer_kind, issuer_name) in CARRIER_KINDS else Match.CLOSE
    if rule.undefined:
        return Match.CLOSE
    if rule.party:
        verdict = name_match(rule.party, issuer_name)
        verdict = Match.SAME if verdict == Match.DIFFERENT and covers(rule.party, issuer_name) else verdict
        if rule.delegate and verdict == Match.DIFFERENT:
            # The beneficiary cannot act for the applicant; anyone else might: the examiner judges.
            by_applicant_side = rule.party != terms.beneficiary.name
            return Match.DIFFERENT if by_applicant_side and by_beneficiary == Match.SAME else Match.CLOSE
        return verdict
    if rule.kind is None:
        return Match.SAME
    if by_beneficiary == Match.SAME and not issuer_kind:
        return Match.DIFFERENT  # the beneficiary is not a chamber of commerce or a surveyor
    shown = kind_of(issuer_kind, issuer_name)
    if shown is None:
        return Match.CLOSE  # the name does not say what the issuer is: the examiner judges
    return Match.SAME if _kind_meets(rule.kind, shown) else Match.DIFFERENT


def _kind_meets(wanted: IssuerKind, shown: IssuerKind) -> bool:
    if wanted in INSURER_KINDS:
        return shown in INSURER_KINDS  # art. 28(a): insurer, underwriter or their agent or proxy
    if wanted in (IssuerKind.SURVEYOR, IssuerKind.INSPECTION_COMPANY):
        return shown in (IssuerKind.SURVEYOR, IssuerKind.INSPECTION_COMPANY)
    return wanted == shown


def resolve_roles(phrase: str, issuing_bank: str, applicant: str, beneficiary: str) -> str:
    """A consignee or notify phrase with its role words replaced by the parties' names."""
    text = phrase.upper()
    replacements = (
        (r"\b(?:THE\s+)?ISSUING\s+BANK\b|\bL/?C\s+ISSUING\s+BANK\b", issuing_bank.upper()),
        (r"\b(?:THE\s+)?(?:APPLICANT|BUYERS?|IMPORTER)\b", applicant.upper()),
        (r"\b(?:THE\s+)?(?:BENEFICIARY|SELLERS?|EXPORTER)\b", beneficiary.upper()),
    )
    for pattern, name in replacements:
        if name:
            text = re.sub(pattern, name.replace("\\", "\\\\"), text)  # a name is literal text, not a template
    return text


@dataclass(frozen=True)
class Consignee:
    to_order: bool
    named: str  # the party to whose order, or to whom, the goods are consigned ("" = shipper)


def read_consignee(text: str) -> Consignee:
    """ "To order", "to order of shipper" (the same: ISBP 821 E), "to order of X", or "X"."""
    upper = " ".join(text.upper().split())
    upper = re.sub(r"^(?:MADE\s+OUT\s+|ISSUED\s+|CONSIGNED\s+)?(?:TO\s+)?(?:THE\s+)?", "", upper)
    match = re.match(r"^ORDER(?:\s+OF\s+(?:THE\s+)?(?P<of>.*))?$", upper)
    if match:
        named = (match.group("of") or "").strip(" .")
        return Consignee(True, "" if named in ("", "SHIPPER", "SHIPPERS", "THE SHIPPER") else named)
    return Consignee(False, upper.strip(" ."))


def consignee_verdict(wanted: str, shown: str, terms: CreditTerms) -> Match:
    """The consignee a transport document shows, against the consignee the credit asks for."""
    names = (terms.banks.issuing.name, terms.applicant.name, terms.beneficiary.name)
    bic = terms.banks.issuing.bic.strip().upper()[:8]
    if len(bic) == 8 and terms.banks.issuing.name.strip():
        # "TO ORDER OF VHBKHKHH": the issuing bank named by its BIC (8 or 11 characters).
        pattern = rf"\b{re.escape(bic)}(?:[A-Z0-9]{{3}})?\b"
        shown = re.sub(pattern, terms.banks.issuing.name.upper().replace("\\", "\\\\"), shown.upper())
    return _consignee_verdict(wanted, shown, names)


@functools.lru_cache(maxsize=1024)
def _consignee_verdict(wanted: str, shown: str, names: tuple[str, str, str]) -> Match:
    want, got = read_consignee(resolve_roles(wanted, *names)), read_consignee(resolve_roles(shown, *names))
    if want.to_order != got.to_order:
        return Match.DIFFERENT
    if not want.named:
        return Match.SAME if not got.named else Match.DIFFERENT
    verdict = name_match(want.named, got.named)
    return Match.SAME if verdict != Match.SAME and covers(want.named, got.named) else verdict
