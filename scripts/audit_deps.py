"""`make lint`'s dependency audit: pip-audit over the installed environment, strict about what it
finds, and explicit about the one failure it tolerates.

pip-audit asks PyPI's JSON API (or OSV) for each installed version's advisories. Where that
service cannot be reached (a bank's build host, this sandbox: the per-version JSON answers 404,
OSV does not resolve), pip-audit marks every dependency "not found on PyPI" and still reports
"No known vulnerabilities found" with exit status 0: a silent false pass. This wrapper turns
exactly that case (every dependency skipped as not found, or a connection error to the
service) into a loud notice, and passes every other outcome through: a known vulnerability, a
partly audited environment or any other error fails `make lint`.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

PIP_AUDIT = Path(sys.executable).parent / "pip-audit"
NOT_FOUND = "Dependency not found on PyPI"
UNREACHABLE = ("ConnectionError", "NameResolutionError", "Max retries exceeded")


def unreachable_notice(why: str) -> int:
    print(f"pip-audit: NOT AUDITED: the advisory service cannot be reached from here ({why}).\n"
          "  Run `make lint` where https://pypi.org/pypi/<name>/<version>/json answers to audit the "
          "dependencies; nothing else is tolerated (a finding or any other error fails).", file=sys.stderr)
    return 0


def judge(returncode: int, stdout: str, stderr: str) -> int:
    """The exit status of the audit from pip-audit's own (JSON output)."""
    if returncode != 0 and any(marker in stderr for marker in UNREACHABLE):
        return unreachable_notice(stderr.strip().splitlines()[-1][:200])
    try:
        deps = json.loads(stdout)["dependencies"]
    except (ValueError, KeyError):
        print(stdout + stderr, file=sys.stderr)
        return returncode or 1
    if deps and all(d.get("skip_reason", "").startswith(NOT_FOUND) for d in deps):
        return unreachable_notice(f"all {len(deps)} dependencies answered 'not found on PyPI'")
    found = [f"{d['name']} {d['version']}: {v['id']} (fix: {', '.join(v['fix_versions']) or 'none'})"
             for d in deps for v in d.get("vulns", [])]
    skipped = [d["skip_reason"] for d in deps if d.get("skip_reason")]
    for line in found + skipped:
        print(line, file=sys.stderr)
    print(f"pip-audit: {len(deps)} dependencies, {len(found)} known vulnerabilities, {len(skipped)} not audited")
    return 1 if found or skipped or returncode else 0


def main() -> int:
    run = subprocess.run([str(PIP_AUDIT), "--progress-spinner", "off", "--format", "json"],
                         capture_output=True, text=True, check=False)
    return judge(run.returncode, run.stdout, run.stderr)


if __name__ == "__main__":
    sys.exit(main())
