# TradeChain: `make run` and `make test` do all set-up on a fresh machine.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
REQ_HASH := $(shell sha256sum requirements.txt | cut -c1-16)
STAMP := $(VENV)/.installed-$(REQ_HASH)
EMBED := $(PY) -m tradechain.embedded exec --

.PHONY: venv run test test-real lint bench stop clean-var

$(STAMP): requirements.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	@rm -f $(VENV)/.installed-*
	@touch $(STAMP)

venv: $(STAMP)

run: venv
	@$(EMBED) $(PY) -m tradechain.supervise

test: venv
	@bash scripts/ensure-chromium.sh
	@$(EMBED) $(PY) -m pytest $(PYTEST_ARGS)

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy

bench: venv
	@bash scripts/ensure-wrk.sh
	@$(EMBED) $(PY) -m bench $(BENCH_ARGS)

stop:
	@$(PY) -m tradechain.embedded down

clean-var: stop
	rm -rf var
