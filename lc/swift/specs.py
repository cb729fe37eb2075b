"""One field-spec table per message type: tag, name, format per letter option (SWIFT notation,
``$`` = new line), mandatory or optional, order (position in the table), repetition, code words.

Field lists follow ../shared/SWIFT.md (SR2018+ layouts, unchanged in SR2025). Where the primer
is silent the current (SR2023+) SWIFT layout is followed and says so beside the field.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

BIC = "4!a2!a2!c[3!c]"
OPT_A = f"[/34x$]{BIC}"  # party identifier line ([/1!a][/34x] folded into /34x), then the BIC
OPT_B = "[/34x$][35x]"  # party identifier, location
OPT_D = "[/34x$]4*35x"  # party identifier, name and address
AMOUNT = "3!a15d"
DATE_AMOUNT = "6!n3!a15d"
NARRATIVE = "100*65z"

FORM_CODES = ("IRREVOCABLE", "IRREVOCABLE TRANSFERABLE")
RULES_CODES = ("UCP LATEST VERSION", "EUCP LATEST VERSION", "UCPURR LATEST VERSION", "EUCPURR LATEST VERSION", "OTHR")
AVAILABLE_CODES = ("BY PAYMENT", "BY DEF PAYMENT", "BY ACCEPTANCE", "BY NEGOTIATION", "BY MIXED PYMT")
SHIPMENT_CODES = ("ALLOWED", "CONDITIONAL", "NOT ALLOWED")
CONFIRMATION_CODES = ("CONFIRM", "MAY ADD", "WITHOUT")
# SR2018+ (not in the primer): 22A purpose of an MT707, 71N payer of amendment charges, the
# MT734 77B disposal codes, the MT752 23 further-identification codes.
PURPOSE_CODES = ("ACNF", "ADVI", "ISSU")
CHARGE_PAYER_CODES = ("APPL", "BENE", "OTHR")
DISPOSAL_CODES = ("HOLD", "NOTIFY", "PREVINST", "RETURN")
FURTHER_ID_CODES = ("ACCEPT", "DEBIT", "NEGOTIATE", "REIMBURSE", "REMITTED", "SEE72")
AMENDMENT_CODES = ("ADD", "DELETE", "REPALL")


@dataclass(frozen=True)
class FieldSpec:
    tag: str  # "20", "32B", or "41a" for a field with letter options
    name: str
    formats: dict[str, str]  # option letter ("" when none) -> format
    mandatory: bool = False
    max_repeat: int = 1
    codes: tuple[str, ...] = ()  # code words of the field (the code line for 41a, 71N, 77B)

    @property
    def number(self) -> str:
        return self.tag[:2]

    def format_for(self, tag: str) -> str | None:
        """The format of a concrete tag ("41A") under this spec, None when it does not fit."""
        if tag == self.tag:  # "41a" itself: the name-and-address option stands for the field
            return self.formats.get("") or self.formats.get("D") or next(iter(self.formats.values()))
        if self.tag.endswith("a") and tag[:2] == self.number and len(tag) == 3:
            return self.formats.get(tag[2])
        return None


@dataclass(frozen=True)
class MessageSpec:
    mt: str
    name: str
    fields: tuple[FieldSpec, ...]
    amount_tags: tuple[str, ...] = field(default=())  # C02: one currency across these

    def spec_for(self, tag: str) -> tuple[int, FieldSpec] | None:
        return self.index.get(tag)

    @functools.cached_property
    def index(self) -> dict[str, tuple[int, FieldSpec]]:
        """Every concrete tag ("41A", "41D", "32B") -> (position, spec)."""
        out: dict[str, tuple[int, FieldSpec]] = {}
        for index, spec in enumerate(self.fields):
            for letter in spec.formats:
                out[spec.number + letter if spec.tag.endswith("a") else spec.tag] = (index, spec)
        return out


def f(tag: str, name: str, fmt: str | dict[str, str], mandatory: bool = False, *, codes: tuple[str, ...] = (),
      repeat: int = 1) -> FieldSpec:
    formats = fmt if isinstance(fmt, dict) else {"": fmt}
    return FieldSpec(tag, name, formats, mandatory, repeat, codes)


M = True
_AD = {"A": OPT_A, "D": OPT_D}
_ABD = {"A": OPT_A, "B": OPT_B, "D": OPT_D}
_AB_AMOUNT = {"A": DATE_AMOUNT, "B": AMOUNT}
SEQUENCE = f("27", "Sequence of Total", "1!n/1!n", M)

MT700 = MessageSpec("700", "Issue of a Documentary Credit", (
    SEQUENCE,
    f("40A", "Form of Documentary Credit", "24x", M, codes=FORM_CODES),
    f("20", "Documentary Credit Number", "16x", M),
    f("23", "Reference to Pre-Advice", "16x"),
    f("31C", "Date of Issue", "6!n", M),
    f("40E", "Applicable Rules", "30x[/35x]", M, codes=RULES_CODES),
    f("31D", "Date and Place of Expiry", "6!n29x", M),
    f("51a", "Applicant Bank", _AD),
    f("50", "Applicant", "4*35x", M),
    f("59", "Beneficiary", "[/34x$]4*35x", M),
    f("32B", "Currency Code, Amount", AMOUNT, M),
    f("39A", "Percentage Credit Amount Tolerance", "2n/2n"),
    f("39C", "Additional Amounts Covered", "4*35x"),
    f("41a", "Available With ... By ...", {"A": f"{BIC}$14x", "D": "4*35x$14x"}, M, codes=AVAILABLE_CODES),
    f("42C", "Drafts at ...", "3*35x"),
    f("42a", "Drawee", _AD),
    f("42M", "Mixed Payment Details", "4*35x"),
    f("42P", "Negotiation/Deferred Payment Details", "4*35x"),
    f("43P", "Partial Shipments", "11x", codes=SHIPMENT_CODES),
    f("43T", "Transhipment", "11x", codes=SHIPMENT_CODES),
    f("44A", "Place of Taking in Charge/Dispatch from .../Place of Receipt", "140z"),
    f("44E", "Port of Loading/Airport of Departure", "140z"),
    f("44F", "Port of Discharge/Airport of Destination", "140z"),
    f("44B", "Place of Final Destination/For Transportation to .../Place of Delivery", "140z"),
    f("44C", "Latest Date of Shipment", "6!n"),
    f("44D", "Shipment Period", "6*65x"),
    f("45A", "Description of Goods and/or Services", NARRATIVE),
    f("46A", "Documents Required", NARRATIVE),
    f("47A", "Additional Conditions", NARRATIVE),
    f("49G", "Special Payment Conditions for Beneficiary", NARRATIVE),
    f("49H", "Special Payment Conditions for Bank Only", NARRATIVE),
    f("71D", "Charges", "6*35z"),
    f("48", "Period for Presentation in Days", "3n[/35x]"),
    f("49", "Confirmation Instructions", "7!x", M, codes=CONFIRMATION_CODES),
    f("58a", "Requested Confirmation Party", _AD),
    f("53a", "Reimbursing Bank", _AD),
    f("78", "Instructions to the Paying/Accepting/Negotiating Bank", "12*65x"),
    f("57a", "'Advise Through' Bank", _ABD),
    f("72Z", "Sender to Receiver Information", "6*35z"),
), amount_tags=("32B",))

MT701 = MessageSpec("701", "Issue of a Documentary Credit (continuation)", (
    SEQUENCE,
    f("20", "Documentary Credit Number", "16x", M),
    f("45A", "Description of Goods and/or Services", NARRATIVE),
    f("46A", "Documents Required", NARRATIVE),
    f("47A", "Additional Conditions", NARRATIVE),
    f("49G", "Special Payment Conditions for Beneficiary", NARRATIVE),
    f("49H", "Special Payment Conditions for Bank Only", NARRATIVE),
))

_AMENDMENT_HEAD = (
    SEQUENCE,
    f("20", "Sender's Reference", "16x", M),
    f("21", "Receiver's Reference", "16x", M),
    f("23", "Issuing Bank's Reference", "16x", M),
)

MT707 = MessageSpec("707", "Amendment to a Documentary Credit", (
    *_AMENDMENT_HEAD,
    f("52a", "Issuing Bank", _AD),
    f("50B", "Non-Bank Issuer", "4*35x"),
    f("31C", "Date of Issue", "6!n", M),
    f("26E", "Number of Amendment", "3n", M),
    f("30", "Date of Amendment", "6!n", M),
    f("22A", "Purpose of Message", "4!c", M, codes=PURPOSE_CODES),
    f("23S", "Cancellation Request", "6!a", codes=("CANCEL",)),
    f("40A", "Form of Documentary Credit", "24x", codes=FORM_CODES),
    f("40E", "Applicable Rules", "30x[/35x]", codes=RULES_CODES),
    f("31D", "Date and Place of Expiry", "6!n29x"),
    f("50", "Changed Applicant Details", "4*35x"),
    f("59", "Beneficiary", "[/34x$]4*35x"),
    f("32B", "Increase of Documentary Credit Amount", AMOUNT),
    f("33B", "Decrease of Documentary Credit Amount", AMOUNT),
    f("39A", "Percentage Credit Amount Tolerance", "2n/2n"),
    f("39C", "Additional Amounts Covered", "4*35x"),
    f("41a", "Available With ... By ...", {"A": f"{BIC}$14x", "D": "4*35x$14x"}, codes=AVAILABLE_CODES),
    f("42C", "Drafts at ...", "3*35x"),
    f("42a", "Drawee", _AD),
    f("42M", "Mixed Payment Details", "4*35x"),
    f("42P", "Negotiation/Deferred Payment Details", "4*35x"),
    f("43P", "Partial Shipments", "11x", codes=SHIPMENT_CODES),
    f("43T", "Transhipment", "11x", codes=SHIPMENT_CODES),
    f("44A", "Place of Taking in Charge/Dispatch from .../Place of Receipt", "140z"),
    f("44E", "Port of Loading/Airport of Departure", "140z"),
    f("44F", "Port of Discharge/Airport of Destination", "140z"),
    f("44B", "Place of Final Destination/For Transportation to .../Place of Delivery", "140z"),
    f("44C", "Latest Date of Shipment", "6!n"),
    f("44D", "Shipment Period", "6*65x"),
    f("45B", "Description of Goods and/or Services", NARRATIVE),
    f("46B", "Documents Required", NARRATIVE),
    f("47B", "Additional Conditions", NARRATIVE),
    f("49M", "Special Payment Conditions for Beneficiary", NARRATIVE),
    f("49N", "Special Payment Conditions for Bank Only", NARRATIVE),
    f("71D", "Charges", "6*35z"),
    f("71N", "Amendment Charge Payable By", "4!c[$6*35z]", codes=CHARGE_PAYER_CODES),
    f("48", "Period for Presentation in Days", "3n[/35x]"),
    f("49", "Confirmation Instructions", "7!x", codes=CONFIRMATION_CODES),
    f("58a", "Requested Confirmation Party", _AD),
    f("53a", "Reimbursing Bank", _AD),
    f("78", "Instructions to the Paying/Accepting/Negotiating Bank", "12*65x"),
    f("57a", "'Advise Through' Bank", _ABD),
    f("72Z", "Sender to Receiver Information", "6*35z"),
), amount_tags=("32B", "33B"))

MT708 = MessageSpec("708", "Amendment to a Documentary Credit (continuation)", (
    *_AMENDMENT_HEAD,
    f("26E", "Number of Amendment", "3n", M),
    f("30", "Date of Amendment", "6!n", M),
    f("45B", "Description of Goods and/or Services", NARRATIVE),
    f("46B", "Documents Required", NARRATIVE),
    f("47B", "Additional Conditions", NARRATIVE),
    f("49M", "Special Payment Conditions for Beneficiary", NARRATIVE),
    f("49N", "Special Payment Conditions for Bank Only", NARRATIVE),
))

_REFS = (f("20", "Sender's Reference", "16x", M), f("21", "Related Reference", "16x", M))
_72Z = f("72Z", "Sender to Receiver Information", "6*35z")
_79Z = f("79Z", "Narrative", "35*50z")
_77J = f("77J", "Discrepancies", "70*50z", M)

MT730 = MessageSpec("730", "Acknowledgement", (
    *_REFS,
    f("25", "Account Identification", "35x"),
    f("30", "Date of the Message Being Acknowledged", "6!n", M),
    f("32a", "Amount of Charges", {"B": AMOUNT, "D": DATE_AMOUNT}),
    f("57a", "Account With Bank", _ABD),
    f("71D", "Charges", "6*35z"),
    _72Z,
    _79Z,
), amount_tags=("32a",))

MT734 = MessageSpec("734", "Advice of Refusal", (
    *_REFS,
    f("32A", "Date and Amount of Utilisation", DATE_AMOUNT, M),
    f("73A", "Charges Claimed", "6*35z"),
    f("33a", "Total Amount Claimed", _AB_AMOUNT),
    f("57a", "Account With Bank", _ABD),
    _72Z,
    _77J,
    f("77B", "Disposal of Documents", "3*35x", M, codes=DISPOSAL_CODES),
), amount_tags=("32A", "33a"))

MT750 = MessageSpec("750", "Advice of Discrepancy", (
    *_REFS,
    f("32B", "Principal Amount", AMOUNT, M),
    f("33B", "Additional Amount", AMOUNT),
    f("71D", "Charges to be Deducted", "6*35z"),
    f("73A", "Charges to be Added", "6*35z"),
    f("34B", "Total Amount to be Paid", AMOUNT),
    f("57a", "Account With Bank", _ABD),
    _72Z,
    _77J,
), amount_tags=("32B", "33B", "34B"))

MT752 = MessageSpec("752", "Authorisation to Pay, Accept or Negotiate", (
    *_REFS,
    f("23", "Further Identification", "16x", M, codes=FURTHER_ID_CODES),
    f("30", "Date of Advice of Discrepancy or Mailing", "6!n", M),
    f("32B", "Total Amount Advised", AMOUNT),
    f("71D", "Charges Deducted", "6*35z"),
    f("33a", "Net Amount", _AB_AMOUNT),
    f("53a", "Sender's Correspondent", _ABD),
    f("54a", "Receiver's Correspondent", _ABD),
    _72Z,
    _79Z,
), amount_tags=("32B", "33a"))

MT754 = MessageSpec("754", "Advice of Payment/Acceptance/Negotiation", (
    *_REFS,
    f("32a", "Principal Amount Paid/Accepted/Negotiated", _AB_AMOUNT, M),
    f("33B", "Additional Amounts", AMOUNT),
    f("71D", "Charges Deducted", "6*35z"),
    f("73A", "Charges Added", "6*35z"),
    f("34a", "Total Amount Claimed", _AB_AMOUNT),
    f("53a", "Reimbursing Bank", _ABD),
    f("57a", "Account With Bank", _ABD),
    f("58a", "Beneficiary Bank", _AD),
    _72Z,
    f("77", "Narrative", "20*35x"),
), amount_tags=("32a", "33B", "34a"))

MT756 = MessageSpec("756", "Advice of Reimbursement or Payment", (
    *_REFS,
    f("32B", "Total Amount Claimed", AMOUNT, M),
    f("33A", "Amount Reimbursed or Paid", DATE_AMOUNT, M),
    f("53a", "Sender's Correspondent", _ABD),
    f("54a", "Receiver's Correspondent", _ABD),
    _72Z,
    _79Z,
), amount_tags=("32B", "33A"))

# The primer lists MT732 without M/O flags; 20, 21, 30 and 32B are mandatory in the SWIFT layout.
MT732 = MessageSpec("732", "Advice of Discharge", (
    *_REFS,
    f("30", "Date of Advice of Payment/Acceptance/Negotiation", "6!n", M),
    f("32B", "Amount of Utilisation", AMOUNT, M),
    _72Z,
), amount_tags=("32B",))

SPECS: dict[str, MessageSpec] = {s.mt: s for s in (MT700, MT701, MT707, MT708, MT730, MT734, MT750, MT752, MT754,
                                                   MT756, MT732)}


@functools.cache
@functools.cache
def field_format(tag: str) -> str:
    """The format of a concrete tag in the credit messages (MT700, then MT707), "35x" if unknown."""
    for spec in (MT700, MT707, MT734, MT730):
        for fspec in spec.fields:
            fmt = fspec.format_for(tag)
            if fmt is not None:
                return fmt
    return "35x"
