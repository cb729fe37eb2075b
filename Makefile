# TradeChain: `make run` and `make test` do all set-up on a fresh machine.
# `make run` installs the runtime only (requirements.txt); test, lint and bench install the tools
# too (requirements-dev.txt). Each set has its own stamp, named by the hash of its files, so a
# changed requirement reinstalls exactly the set that depends on it.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip install --quiet --disable-pip-version-check
RUN_HASH := $(shell cat requirements.txt | sha256sum | cut -c1-16)
DEV_HASH := $(shell cat requirements.txt requirements-dev.txt | sha256sum | cut -c1-16)
RUN_STAMP := $(VENV)/.req-run-$(RUN_HASH)
DEV_STAMP := $(VENV)/.req-dev-$(DEV_HASH)
EMBED := $(PY) -m tradechain.embedded exec --

.PHONY: venv venv-dev run test test-real lint bench bench-ab chaos backup restore stop clean-var

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip

$(RUN_STAMP): requirements.txt | $(PY)
	$(PIP) -r requirements.txt
	@rm -f $(VENV)/.req-run-* $(VENV)/.installed-*
	@touch $@

# requirements-dev.txt starts with `-r requirements.txt`: this also brings the runtime up to date.
$(DEV_STAMP): requirements.txt requirements-dev.txt | $(PY)
	$(PIP) -r requirements-dev.txt
	@rm -f $(VENV)/.req-dev-* $(VENV)/.req-run-* $(VENV)/.installed-*
	@touch $@ $(RUN_STAMP)

venv: $(RUN_STAMP)

venv-dev: $(DEV_STAMP)

run: venv
	@$(EMBED) $(PY) -m tradechain.supervise

test: venv-dev
	@bash scripts/ensure-chromium.sh
	@$(EMBED) $(PY) -m pytest $(PYTEST_ARGS)

# ruff; mypy with the Django/DRF plugins on everything, and --strict on the pure cores and the ledger;
# import-linter's contracts (pyproject.toml) keep the layers and the pure cores honest; bandit (no
# high finding unreviewed, .bandit.yml) and pip-audit (scripts/audit_deps.py: it says so loudly,
# and passes, only when the advisory service cannot be reached) guard the code and the supply chain.
lint: venv-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy
	$(VENV)/bin/mypy --strict ledger outbox lc/examination lc/swift lc/printing lc/money.py
	$(VENV)/bin/lint-imports
	$(VENV)/bin/bandit -q -c .bandit.yml -r lc ledger tradechain outbox --severity-level high
	$(PY) scripts/audit_deps.py

bench: venv-dev
	@bash scripts/ensure-wrk.sh
	@$(EMBED) $(PY) -m bench $(BENCH_ARGS)

# The real-action ledger benchmark, this tree against an earlier commit in alternating turns on
# this machine (issue 13: "within 10 % of today's throughput"; 6ce5790 is the tree before it).
AB_ARGS ?= --baseline 6ce5790 --pairs 3
bench-ab: venv-dev
	@$(EMBED) $(PY) -m bench.ab_ledger $(AB_ARGS)

# The fault suite (issue 15; tests/chaos/): a real stack in a temporary TRADECHAIN_VAR of its own
# (never var/), faults on its embedded PostgreSQL and Redis and its processes; rows of RELIABILITY.md.
chaos: venv-dev
	@TRADECHAIN_VAR=$$(mktemp -d /tmp/tc-chaos-harness.XXXXXX) $(PY) -m pytest tests/chaos/chaos_faults.py -v $(CHAOS_ARGS)

# One archive under var/backups/: a PostgreSQL custom-format dump and the document store.
backup: venv
	@$(EMBED) $(PY) -m tradechain.backup create $(BACKUP_ARGS)

# The newest archive, or BACKUP=path; then verify_ledger and the check against the published
# checkpoint. Stop `make run` first: the database is replaced.
restore: venv
	@$(EMBED) $(PY) -m tradechain.backup restore $(BACKUP) $(RESTORE_ARGS)

# SWIFT parser and validator on 100,000 mutated messages (issue 18).
.PHONY: fuzz
fuzz: venv
	$(PY) -m lc.swift.fuzz --count 100000

stop:
	@$(PY) -m tradechain.embedded down

clean-var: stop
	rm -rf var
