# Gonghui task file. `make help` lists the targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help
PYTHON ?= python3
UV := $(shell command -v uv 2>/dev/null || echo .tools/bin/uv)
PY := .venv/bin/python
export UV_LINK_MODE := copy

help: ## List the targets
	@grep -E '^[a-z-]+:.*##' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

.tools/bin/uv:
	$(PYTHON) -m venv .tools && .tools/bin/pip install --quiet uv

setup: $(UV) ## Install Python and front-end packages, compile translations
	$(UV) sync --frozen --quiet
	npm ci --no-audit --no-fund --loglevel=error
	$(PY) manage.py compile_translations -v 0

db: setup ## Create or migrate the database (SQLite in var/ unless DATABASE_URL says otherwise)
	mkdir -p var
	$(PY) manage.py migrate --noinput -v 0

run: db ## Serve the platform at http://127.0.0.1:8000 with the demo district (SQLite, no servers)
	mkdir -p var/broker var/broker-processed
	$(PY) manage.py demo_district --if-empty
	$(PY) manage.py cockpit_snapshots --backfill 12 --if-empty
	$(PY) manage.py collectstatic --noinput -v 0
	.venv/bin/honcho start -f Procfile.dev

# fonts-noto-cjk: without a CJK font the journeys' screenshots show every Chinese character as a box.
BROWSER_PACKAGES = chromium fonts-noto-cjk

browser: ## Debian's Chromium and a CJK font for the browser journeys (installed when missing and we are root)
	@if [ "$$(id -u)" = 0 ] && ! dpkg -s $(BROWSER_PACKAGES) >/dev/null 2>&1; then \
	  (apt-get install -y -qq $(BROWSER_PACKAGES) >/dev/null 2>&1 || \
	   (apt-get update -qq && apt-get install -y -qq $(BROWSER_PACKAGES) >/dev/null)); fi

test: setup browser ## Run the test suite (in parallel; DATABASE_URL picks PostgreSQL)
	.venv/bin/pytest -n 2 --dist loadgroup -q $(PYTEST_ARGS)

lint: setup ## ruff, missing migrations, deployment checks under the production settings
	mkdir -p var
	.venv/bin/ruff check .
	$(PY) manage.py makemigrations --check --dry-run
	DJANGO_SETTINGS_MODULE=gonghui.settings.production SECRET_KEY=$$(head -c 48 /dev/urandom | base64) \
	  PII_ENCRYPTION_KEY=$$(head -c 32 /dev/urandom | base64) PII_HASH_KEY=lint-only \
	  $(PY) manage.py check --deploy --fail-level WARNING

bench: setup ## Benchmarks: figures next to floors measured in the same run (see bench/README.md)
	$(PY) bench/run.py $(BENCH_ARGS)

.PHONY: help setup db run browser test lint bench
