"""`make lint`'s dependency audit (scripts/audit_deps.py) tolerates exactly one failure: the
advisory service out of reach. A finding, a partly audited environment or another error fails."""

from __future__ import annotations

import json
import runpy
from pathlib import Path
from typing import Any

import pytest

judge: Any = runpy.run_path(str(Path(__file__).resolve().parents[2] / "scripts" / "audit_deps.py"))["judge"]
NOT_FOUND = "Dependency not found on PyPI and could not be audited: {} (1.0)"


def _out(*deps: dict[str, Any]) -> str:
    return json.dumps({"dependencies": list(deps), "fixes": []})


def test_every_dependency_not_found_is_the_unreachable_service_and_says_so(capsys: Any) -> None:
    out = _out(*({"name": n, "skip_reason": NOT_FOUND.format(n)} for n in ("django", "celery")))
    assert judge(0, out, "") == 0
    assert "NOT AUDITED" in capsys.readouterr().err


def test_a_connection_error_is_the_unreachable_service() -> None:
    assert judge(1, "", "requests.exceptions.ConnectionError: ... NameResolutionError ...") == 0


@pytest.mark.parametrize("returncode, stdout, stderr", [
    (1, _out({"name": "django", "version": "1.0", "vulns": [{"id": "PYSEC-1", "fix_versions": ["1.1"]}]}), ""),
    (0, _out({"name": "django", "version": "1.0", "vulns": []},
             {"name": "local", "skip_reason": NOT_FOUND.format("local")}), ""),
    (2, "", "error: unrecognised argument"),
    (1, "not json", ""),
])
def test_anything_else_fails(returncode: int, stdout: str, stderr: str) -> None:
    assert judge(returncode, stdout, stderr) != 0


def test_a_clean_audit_passes() -> None:
    assert judge(0, _out({"name": "django", "version": "5.2", "vulns": []}), "") == 0
