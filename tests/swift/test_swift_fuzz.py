"""A short fuzz run (``make fuzz`` runs 100,000): mutated messages of every type never raise
anything but the module's parse error, which carries a line number."""

from __future__ import annotations

from lc.swift.fuzz import main, run


def test_a_few_thousand_mutated_messages_raise_only_the_parse_error() -> None:
    stats = run(3000, seed=7)
    assert stats["messages"] == 3000
    assert stats["parse_errors"] > 0 and stats["with_findings"] > 0  # both paths were exercised
    assert stats["parse_errors"] + stats["with_findings"] + stats["valid"] == 3000


def test_the_command_reports_and_succeeds(capsys: object) -> None:
    assert main(["--count", "200", "--seed", "3"]) == 0
