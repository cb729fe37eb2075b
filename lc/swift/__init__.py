"""SWIFT Category 7 (documentary credits): read, validate and write FIN messages. Pure Python.

For the services:
    terms_to_mt700(terms) -> [MT700, MT701...]          mt700_to_terms(messages, directory=)
    amendment_to_mt707(base=, changes=, number=, amendment_date=) -> [MT707, MT708...]
    mt707_to_amendment(messages, base=, directory=)
    build_mt730 / build_mt732 / build_mt734 / build_mt750 / build_mt752 / build_mt754 / build_mt756
    read_inbound(text) -> Inbound(messages, findings); read_mt734(message); read_payment(message)
    check_field_text(tag, value) -> [Finding]    (before any message is generated)
    parse(text) / serialise(message) / validate(message)
"""

from lc.swift.advices import (
    Payment,
    Refusal,
    build_mt730,
    build_mt732,
    build_mt734,
    build_mt750,
    build_mt752,
    build_mt754,
    build_mt756,
    read_mt734,
    read_payment,
)
from lc.swift.charset import check_field_text
from lc.swift.errors import Finding, MappingProblem, SwiftParseError, TermsMappingError
from lc.swift.fieldcodec import Directory, directory_of
from lc.swift.inbound import Inbound, read_inbound
from lc.swift.message import Field, Message, parse, serialise
from lc.swift.mt700 import TermsFromMessages, mt700_to_terms, terms_to_mt700
from lc.swift.mt707 import AmendmentFromMessages, amendment_to_mt707, mt707_to_amendment
from lc.swift.validate import validate

__all__ = [
    "AmendmentFromMessages", "Directory", "Field", "Finding", "Inbound", "MappingProblem", "Message", "Payment",
    "Refusal", "SwiftParseError", "TermsFromMessages", "TermsMappingError", "amendment_to_mt707", "build_mt730",
    "build_mt732", "build_mt734", "build_mt750", "build_mt752", "build_mt754", "build_mt756", "check_field_text",
    "directory_of", "mt700_to_terms", "mt707_to_amendment", "parse", "read_inbound", "read_mt734", "read_payment",
    "serialise", "terms_to_mt700", "validate",
]
