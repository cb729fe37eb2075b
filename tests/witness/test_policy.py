"""tlog-policy: parsing by the spec's rules, and the quorum "two of three, one outside"."""

from __future__ import annotations

import pytest

from ledger.note import generate_signer
from ledger.witness.cosignature import generate_cosigner
from ledger.witness.policy import PolicyError, parse_policy

LOG = generate_signer("tc.test/log")[1]
OP, BANK_A, BANK_B = (generate_cosigner(f"tc.test/{n}")[1] for n in ("op", "a", "b"))

TWO_OF_THREE_ONE_OUTSIDE = f"""# the operator runs one witness, each counterparty bank another
log {LOG}
witness operator {OP} http://127.0.0.1:1
witness bank-a\t{BANK_A}   http://127.0.0.1:2
witness bank-b {BANK_B}
group any-two 2 operator bank-a bank-b
group outside any bank-a bank-b
group witnessed all any-two outside
quorum witnessed
"""


@pytest.mark.parametrize("cosigned, met", [
    (set(), False), ({"operator"}, False), ({"bank-a"}, False),
    ({"operator", "bank-a"}, True), ({"operator", "bank-b"}, True), ({"bank-a", "bank-b"}, True),
    ({"operator", "bank-a", "bank-b"}, True),
])
def test_two_of_three_with_one_outside_the_operator(cosigned: set[str], met: bool) -> None:
    policy = parse_policy(TWO_OF_THREE_ONE_OUTSIDE)

    assert policy.satisfied(cosigned) is met
    assert policy.describe() == "all of (2 of (operator, bank-a, bank-b), any of (bank-a, bank-b))"
    assert policy.witnesses["bank-a"].url == "http://127.0.0.1:2" and policy.witnesses["bank-b"].url == ""


def test_quorum_none_needs_no_cosignature() -> None:
    assert parse_policy(f"log {LOG}\nquorum none\n").satisfied(())


@pytest.mark.parametrize("text, error", [
    (f"witness w {OP}\n", "exactly one quorum"),
    (f"witness w {OP}\nquorum w\nquorum w\n", "second quorum"),
    (f"witness w {OP}\nquorum x\n", "no earlier line"),
    (f"quorum w\nwitness w {OP}\n", "no earlier line"),  # names are defined before use
    (f"witness w {OP}\nwitness w {BANK_A}\nquorum w\n", "already defined"),
    (f"witness w {OP}\nwitness v {OP}\nquorum w\n", "same public key"),
    (f"witness w {OP}\ngroup g 2 w\nquorum g\n", "threshold"),
    (f"witness w {OP}\ngroup g 01 w\nquorum g\n", "threshold"),
    (f"witness w {OP}\ngroup g any w w\nquorum g\n", "twice"),
    (f"witness w {OP}\ngroup g any none\nquorum g\n", "not a witness or group"),
    (f"witness none {OP}\nquorum none\n", "already defined"),
    (f"witness w {LOG}\nquorum w\n", "0x04"),  # a log key (type 0x01) is not a cosigner key
    (f"witness w {OP}\nquorum w\x0b\n", "control"),
    (f"witnesses w {OP}\nquorum w\n", "not a log, witness"),
])
def test_invalid_policies_are_refused(text: str, error: str) -> None:
    with pytest.raises(PolicyError, match=error):
        parse_policy(text)


def test_only_space_and_tab_separate_items() -> None:
    # U+00A0 is opaque inside a name, not a separator: "w\u00a0x" is one (undefined) name.
    with pytest.raises(PolicyError, match="no earlier line"):
        parse_policy(f"witness w {OP}\nquorum w\u00a0x\n")


def test_the_specs_example_policy_needs_two_x_witnesses_and_one_y_witness() -> None:
    """c2sp.org/tlog-policy "Example policy", with real keys in place of its elided <vkey>s."""
    keys = {name: generate_cosigner(f"tc.test/{name}")[1] for name in ("X1", "X2", "X3", "Y1", "Y2", "Y3")}
    text = (f"log {LOG}\n\n"
            + "".join(f"witness {n} {keys[n]}\n" for n in ("X1", "X2", "X3"))
            + "group X-witnesses 2 X1 X2 X3\n\n"
            + "".join(f"witness {n} {keys[n]}\n" for n in ("Y1", "Y2", "Y3"))
            + "group Y-witnesses any Y1 Y2 Y3\n\ngroup X-and-Y all X-witnesses Y-witnesses\nquorum X-and-Y\n")

    policy = parse_policy(text)

    assert len(policy.logs) == 1 and len(policy.witnesses) == 6
    assert policy.satisfied({"X1", "X3", "Y2"}) and policy.satisfied({"X1", "X2", "X3", "Y1", "Y2", "Y3"})
    assert not policy.satisfied({"X1", "Y1", "Y2", "Y3"})  # one X is not two
    assert not policy.satisfied({"X1", "X2", "X3"})  # no Y
