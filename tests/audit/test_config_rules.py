"""Configuration actions have their own rule, as credit actions have lc.access (issue 14)."""

from __future__ import annotations

from typing import Any

import pytest

from lc import access, events
from lc.audit import rules
from lc.audit.record import Operator
from lc.errors import Forbidden


def test_every_configuration_action_has_one_rule_and_none_is_a_credit_action() -> None:
    assert set(rules.CHECKS) == set(events.CONFIG_ACTIONS)
    assert not set(events.CONFIG_ACTIONS) & set(events.ACTIONS)
    assert not set(events.CONFIG_ACTIONS) & set(access.CHECKS)


@pytest.mark.django_db
def test_only_administrators_platform_staff_or_the_shell_manage_a_banks_people(cast: Any) -> None:
    bank = cast.orgs["issuing"]
    rules.check("create_user", cast.users["vhb.admin"], bank)
    rules.check("create_user", Operator("ops"), bank)
    for username in ("vhb.maker", "vhb.auditor", "ncb.maker", "hhl.treasury"):
        with pytest.raises(Forbidden):
            rules.check("create_user", cast.users[username], bank)
    with pytest.raises(Forbidden):
        rules.check("create_user", cast.users["vhb.admin"], bank, privileged=True)  # staff flags: platform only
    with pytest.raises(Forbidden):
        rules.check("verify_chain", cast.users["vhb.admin"])
    rules.check("verify_chain", cast.users["vhb.auditor"])
