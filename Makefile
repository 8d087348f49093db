# toolc — every target creates the environment it needs, so a fresh clone needs only Python 3.11+ and make.
# The environment holds the pinned requirements.lock plus toolc itself, installed editable from
# this checkout, so every target runs the same `toolc` command a user installs.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
TOOLC := $(VENV)/bin/toolc
STAMP := $(VENV)/.installed
CLIENT ?= claude-code
TRANSPORT ?= stdio

.PHONY: all generate check test lint fmt typecheck gencheck serve dist verify bench lock clean help redis

all: generate

help:
	@echo "make generate   compile tools.yaml + clients/ into generated/ and print each client's table"
	@echo "make check      everything CI runs: format, lint, types, tests, generated/ up to date, verify"
	@echo "make test       the test suite only"
	@echo "make lint       ruff check; make fmt rewrites formatting"
	@echo "make dist       toolc's own wheel, and one installable server per client, in dist/"
	@echo "make verify     conformance suite + MCP Inspector against the builds (installs Node tools into .tools/)"
	@echo "make bench      toolc vs a hand-written low-level mcp server vs FastMCP, in one run (docs/benchmarks.md)"
	@echo "make serve      serve one client build (CLIENT=name TRANSPORT=stdio|http)"

$(STAMP): requirements.lock pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@$(PY) -m pip install -q --disable-pip-version-check -r requirements.lock
	@$(PY) -m pip install -q --disable-pip-version-check --no-deps --no-build-isolation -e .
	@touch $(STAMP)

# redis-server for the shared-state tests (tests/state start their own on a free port): installed
# quietly when missing and running as root, as on CI; elsewhere those tests are skipped.
redis:
	@command -v redis-server >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing redis-server (tests/state need it)"; \
	    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends redis-server; } >/dev/null; \
	  else \
	    echo "redis-server is missing and cannot be installed here: tests/state will be skipped"; \
	  fi; }

generate: $(STAMP)
	$(TOOLC) generate

gencheck: $(STAMP)
	$(TOOLC) check

test: $(STAMP) redis
	$(PY) -m pytest -q

lint: $(STAMP)
	$(PY) -m ruff check .

fmt: $(STAMP)
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

typecheck: $(STAMP)
	$(PY) -m mypy

check: $(STAMP) redis
	$(PY) -m ruff format --check .
	$(PY) -m ruff check .
	$(PY) -m mypy
	$(PY) -m pytest -q
	$(TOOLC) check
	$(PY) verify/run.py

dist: $(STAMP)
	$(TOOLC) dist
	rm -f dist/toolc-[0-9]*.whl && $(PY) -m pip wheel -q --disable-pip-version-check --no-deps --no-build-isolation -w dist .

verify: $(STAMP)
	$(PY) verify/run.py

bench: $(STAMP)
	$(PY) bench/run.py
	$(PY) bench/batch_bench.py

serve: $(STAMP)
	$(TOOLC) serve --client $(CLIENT) --transport $(TRANSPORT)

# Re-resolve the dependency ranges of pyproject.toml into requirements.lock.
lock:
	rm -rf .lockenv && $(PYTHON) -m venv .lockenv
	.lockenv/bin/pip install -q --disable-pip-version-check ".[dev]"
	{ echo "# Exact versions for a reproducible environment (make installs from this file)."; \
	  echo "# Regenerate with: make lock"; \
	  .lockenv/bin/pip freeze --exclude toolc; } > requirements.lock
	rm -rf .lockenv

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis
