"""Every validation rule with a passing and a failing message: SWIFT's code, the tag, the line."""

from __future__ import annotations

import pytest

from lc.swift import Finding, parse, validate

BASE_700 = [
    ":27:1/1", ":40A:IRREVOCABLE", ":20:HKLC2025000123", ":31C:250310", ":40E:UCP LATEST VERSION",
    ":31D:250615NINGBO", ":50:HARBOURVIEW IMPORTS LIMITED", ":59:NINGBO BRIGHT HOUSEWARES CO LTD",
    ":32B:USD125000,00", ":41A:ADVICNSHXXX", "BY NEGOTIATION", ":42C:AT SIGHT", ":42A:ISSUHKHHXXX",
    ":44C:250531", ":45A:+10000 UNITS VACUUM FLASKS AT USD 12.50 PER UNIT", ":49:WITHOUT",
]


def message(mt: str, lines: list[str]) -> list[Finding]:
    text = "\r\n".join([f"{{1:F01ISSUHKHHAXXX0000000000}}{{2:I{mt}ADVICNSHXXXXN}}{{4:", *lines, "-}"])
    return validate(parse(text))


def edit(lines: list[str], old: str, new: str | None) -> list[str]:
    """Replace the line starting with ``old`` (None deletes it; a list value inserts lines)."""
    at = next(i for i, ln in enumerate(lines) if ln.startswith(old))
    return lines[:at] + ([] if new is None else new.split("\n")) + lines[at + 1:]


def line_of(lines: list[str], start: str) -> int:
    return next(i for i, ln in enumerate(lines) if ln.startswith(start)) + 2  # block 4 starts on line 1


def codes(findings: list[Finding]) -> list[tuple[str, str, int]]:
    return [(f.code, f.tag, f.line) for f in findings]


def test_the_base_message_is_valid() -> None:
    assert message("700", BASE_700) == []


@pytest.mark.parametrize(("old", "new", "code", "tag", "at"), [
    (":20:", ":20:/HKLC2025", "T26", "20", ":20:"),
    (":20:", ":20:HKLC2025/", "T26", "20", ":20:"),
    (":20:", ":20:HKLC//2025", "T26", "20", ":20:"),
    (":41A:", ":41A:ADVICNSHXX", "T28", "41A", ":41A:"),
    (":41A:", ":41A:ADV1CNSHXXX", "T27", "41A", ":41A:"),
    (":42A:", ":42A:ISSUQQHHXXX", "T29", "42A", ":42A:"),
    (":50:", ":50:HARBOURVIEW IMPORTS LIMITED\n18 CONNAUGHT ROAD [CENTRAL]", "M60", "50", "18 CONNAUGHT"),
    (":45A:", ":45A:+10000 UNITS VACUUM FLASKS AT USD 12.50 PER UNIT\n+PACKED IN CARTONS ~ 20 PER BOX", "M60", "45A", "+PACKED"),
    (":31C:", ":31C:250231", "T50", "31C", ":31C:"),
    (":32B:", ":32B:XYZ125000,00", "T52", "32B", ":32B:"),
    (":32B:", ":32B:USD125000", "T40", "32B", ":32B:"),
    (":32B:", ":32B:JPY125000,5", "C03", "32B", ":32B:"),
    (":40A:", ":40A:REVOCABLE", "T08", "40A", ":40A:"),
    (":49:", ":49:MAYBE!!", "M60", "49", ":49:"),
    (":31D:", ":31D:2506", "T12", "31D", ":31D:"),
])
def test_a_field_error_reports_swift_code_tag_and_line(old: str, new: str, code: str, tag: str, at: str) -> None:
    lines = edit(BASE_700, old, new)
    assert codes(message("700", lines)) == [(code, tag, line_of(lines, at))]


def test_z_characters_are_allowed_in_z_fields_only() -> None:
    assert message("700", edit(BASE_700, ":45A:", ":45A:+GOODS @ 50% & MORE; SEE <LIST> #1")) == []
    lines = edit(BASE_700, ":31D:", ":31D:250615NINGBO @ PORT")
    assert codes(message("700", lines)) == [("M60", "31D", line_of(lines, ":31D:"))]


def test_a_lone_carriage_return_is_m60() -> None:
    lines = edit(BASE_700, ":50:", ":50:HARBOURVIEW\rIMPORTS")
    assert codes(message("700", lines)) == [("M60", "50", line_of(lines, ":50:"))]


def test_c90_drafts_with_drawee_or_mixed_alone_or_deferred_alone() -> None:
    assert message("700", edit(edit(BASE_700, ":42C:", ":42M:PAY 50 PCT AT SIGHT"), ":42A:", None)) == []
    assert message("700", edit(edit(BASE_700, ":42C:", ":42P:180 DAYS AFTER B/L DATE"), ":42A:", None)) == []
    lines = edit(BASE_700, ":42A:", None)
    assert codes(message("700", lines)) == [("C90", "42C", line_of(lines, ":42C:"))]
    lines = edit(BASE_700, ":42A:", ":42A:ISSUHKHHXXX\n:42M:PAY 50 PCT AT SIGHT")
    assert codes(message("700", lines)) == [("C90", "42C", line_of(lines, ":42C:"))]


def test_d06_latest_date_or_shipment_period_not_both() -> None:
    assert message("700", edit(BASE_700, ":44C:", ":44D:SECOND HALF OF MAY 2025")) == []
    lines = edit(BASE_700, ":44C:", ":44C:250531\n:44D:SECOND HALF OF MAY 2025")
    assert codes(message("700", lines)) == [("D06", "44D", line_of(lines, ":44D:"))]


def test_58a_is_required_when_49_is_confirm_or_may_add() -> None:
    for value in ("CONFIRM", "MAY ADD"):
        lines = edit(BASE_700, ":49:", f":49:{value}")
        assert codes(message("700", lines)) == [("U58", "58a", line_of(lines, ":49:"))]
        assert message("700", edit(BASE_700, ":49:", f":49:{value}\n:58A:ADVICNSHXXX")) == []


def test_c02_one_currency_across_amount_fields() -> None:
    base = [":20:NCBPRES0001", ":21:HKLC2025000123", ":32B:USD125000,00", ":34B:USD124920,00",
            ":77J:+LATE PRESENTATION"]
    assert message("750", base) == []
    lines = edit(base, ":34B:", ":34B:EUR124920,00")
    assert codes(message("750", lines)) == [("C02", "34B", line_of(lines, ":34B:"))]


def test_mt734_charges_claimed_need_the_total_claimed() -> None:
    base = [":20:HKLC2025000123", ":21:NCBPRES0001", ":32A:250610USD125000,00", ":73A:DISCREPANCY FEE USD 80",
            ":33B:USD80,00", ":77J:+LATE PRESENTATION", ":77B:/HOLD/"]
    assert message("734", base) == []
    lines = edit(base, ":33B:", None)
    assert codes(message("734", lines)) == [("C17", "33a", line_of(lines, ":73A:"))]
    lines = edit(base, ":33B:", ":33B:EUR80,00")
    assert codes(message("734", lines)) == [("C02", "33B", line_of(lines, ":33B:"))]


def test_a_missing_mandatory_field_is_reported_where_it_belongs() -> None:
    lines = edit(BASE_700, ":31C:", None)
    assert codes(message("700", lines)) == [("MISSING", "31C", line_of(lines, ":40E:"))]
    lines = edit(BASE_700, ":49:", None)
    assert codes(message("700", lines)) == [("MISSING", "49", len(lines) + 2)]  # the '-}' line


def test_a_field_out_of_order_is_reported_at_its_line() -> None:
    lines = edit(edit(BASE_700, ":40A:", None), ":20:", ":20:HKLC2025000123\n:40A:IRREVOCABLE")
    assert codes(message("700", lines)) == [("ORDER", "40A", line_of(lines, ":40A:"))]


def test_repeated_unknown_and_wrong_option_fields() -> None:
    lines = edit(BASE_700, ":20:", ":20:HKLC2025000123\n:20:HKLC2025000124")
    assert codes(message("700", lines)) == [("REPEAT", "20", line_of(lines, ":20:HKLC2025000124"))]
    lines = edit(BASE_700, ":44C:", ":44C:250531\n:99Z:HELLO")
    assert codes(message("700", lines)) == [("UNKNOWN", "99Z", line_of(lines, ":99Z:"))]
    lines = edit(BASE_700, ":42A:", ":42B:HONG KONG")
    assert codes(message("700", lines)) == [("C90", "42C", line_of(lines, ":42C:")),
                                            ("OPTION", "42B", line_of(lines, ":42B:"))]


def test_sequence_27_in_credit_and_continuation() -> None:
    lines = edit(BASE_700, ":27:", ":27:2/3")
    assert codes(message("700", lines)) == [("T12", "27", 2)]
    assert message("701", [":27:2/3", ":20:HKLC2025000123", ":45A:+MORE GOODS"]) == []
    assert codes(message("701", [":27:1/3", ":20:HKLC2025000123"])) == [("T12", "27", 2)]
    assert codes(message("701", [":27:9/9", ":20:HKLC2025000123"])) == [("T12", "27", 2)]


def test_the_text_block_limit_is_m50() -> None:
    long = [":45A:" + "+" + "X" * 64] + ["Y" * 65] * 99
    lines = edit(BASE_700, ":45A:", "\n".join(long)) + [":46A:" + "+" + "D" * 64] + ["E" * 65] * 60
    lines = [*edit(lines, ":49:", None), ":49:WITHOUT"]
    assert ("M50", "", 1) in codes(message("700", lines))
    assert "M50" not in [f.code for f in message("700", BASE_700)]


def test_unknown_message_type() -> None:
    assert codes(message("999", [":20:X"])) == [("UNKNOWN", "", 1)]
