# Vikno: `make run` to try it, `make test` to test it. `make` alone lists the targets.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
HOST ?= 127.0.0.1
PORT ?= 8000
# Debian packages the portal needs to issue documents: WeasyPrint renders PDFs with Pango and these fonts.
RUN_SYSTEM_PACKAGES := fonts-dejavu-core libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0
# Debian packages the tests need: the browser, documents, and the SMS gateway (Kannel, with its fakesmsc test SMSC).
TEST_SYSTEM_PACKAGES := chromium gettext kannel kannel-extras $(RUN_SYSTEM_PACKAGES)

# The sandbox card acquirer (LiqPay's protocol, test cards, no money) with the portal's demo merchant keys.
SANDBOX_ACQUIRER := $(PYTHON) tools/sandbox-acquirer/server.py --host 127.0.0.1 --port 8002 \
  --db var/sandbox-acquirer.sqlite3 --merchant sandbox_vikno_demo:sandbox_vikno_demo_private_key_not_secret

.DEFAULT_GOAL := help
.PHONY: help setup run test lint typecheck check-migrations messages demo worker demo-eid sandbox-acquirer bench bench-applications bench-notifications bench-payments bench-audit bench-privacy system-deps run-deps clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "} {printf "  make %-18s %s\n", $$1, $$2}'

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	@touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

src/vikno/web/static/vikno/vikno.css: node_modules/.installed $(wildcard src/vikno/web/scss/*.scss)
	npm run --silent build

messages: $(VENV)/.installed ## Compile the translations (.po to .mo)
	@for dir in $$(find src/vikno -type d -name locale); do \
	  $(VENV)/bin/pybabel compile --statistics -D django -d $$dir || exit 1; \
	done

setup: $(VENV)/.installed src/vikno/web/static/vikno/vikno.css messages ## Create the virtualenv, install packages, build CSS and translations
	@mkdir -p var

demo: setup run-deps ## Migrate the embedded database and load the demo catalogue and online services (idempotent)
	$(MANAGE) demo_keys
	$(MANAGE) migrate --noinput
	$(MANAGE) load_demo
	$(MANAGE) demo_pki
	$(MANAGE) demo_definitions
	$(MANAGE) demo_fee_accounts

run: demo ## Set everything up and serve the portal on http://127.0.0.1:8000 with a worker, the demo eID and the sandbox acquirer
	@$(MANAGE) demo_accounts
	@set -m; $(MANAGE) worker & worker=$$!; $(MANAGE) demo_eid & eid=$$!; \
	$(SANDBOX_ACQUIRER) & acquirer=$$!; \
	trap 'kill $$worker $$eid $$acquirer 2>/dev/null; wait $$worker $$eid $$acquirer 2>/dev/null' EXIT INT TERM; \
	$(MANAGE) runserver $(HOST):$(PORT)

worker: setup ## Run only the background task worker
	$(MANAGE) worker

demo-eid: setup ## Run only the demo eID provider (made-up citizens) on http://127.0.0.1:8001
	$(MANAGE) demo_eid

sandbox-acquirer: ## Run only the sandbox card acquirer (test cards, no real money) on http://127.0.0.1:8002
	$(SANDBOX_ACQUIRER)

system-deps: ## Install the Debian packages the browser tests need (as root)
	@missing=""; for p in $(TEST_SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else echo "Please install:$$missing (sudo apt-get install$$missing)"; exit 1; fi; \
	fi

run-deps: ## Install the Debian packages that issuing documents needs (as root; otherwise says which are missing)
	@command -v dpkg >/dev/null || exit 0; missing=""; \
	for p in $(RUN_SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else echo "Documents cannot be issued until you install:$$missing (sudo apt-get install$$missing)"; fi; \
	fi

test: setup system-deps ## Set everything up and run the whole test suite
	$(VENV)/bin/pytest $(PYTEST_ARGS)

lint: setup ## ruff lint and format check
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: setup ## mypy with django-stubs
	$(VENV)/bin/mypy src

check-migrations: setup ## Fail when a model change has no migration
	$(MANAGE) makemigrations --check --dry-run

bench: demo ## Print the search benchmark figures
	$(PY) bench/search_bench.py

bench-applications: setup ## Print submission and queue figures on PostgreSQL (DATABASE_URL's server; BENCH_ARGS=--keep)
	$(PY) bench/applications_bench.py $(BENCH_ARGS)

bench-notifications: setup ## Print how many notifications per second the workers send to SMTP and to Kannel (PostgreSQL; BENCH_ARGS=...)
	$(PY) bench/notifications_bench.py $(BENCH_ARGS)

bench-payments: setup ## Print card callbacks per second, statement import and reconciliation figures (PostgreSQL; BENCH_ARGS=...)
	$(PY) bench/payments_bench.py $(BENCH_ARGS)

bench-privacy: setup ## Print what encryption at rest costs and how fast keys rotate (PostgreSQL; BENCH_ARGS=...)
	$(PY) bench/privacy_bench.py $(BENCH_ARGS)

bench-audit: setup ## Print audit appends per second (1 and 8 writers), seal and verify figures (PostgreSQL; BENCH_ARGS=...)
	$(PY) bench/audit_bench.py $(BENCH_ARGS)

clean: ## Remove the virtualenv, node packages and local data
	rm -rf $(VENV) node_modules var src/vikno/web/static/vikno
