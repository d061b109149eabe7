# One command per habit, the same locally and in CI. `make help` lists them.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
CONSTRAINTS := requirements/constraints.txt
export PYTHONPATH := $(CURDIR)/platform:$(CURDIR)
export DJANGO_SETTINGS_MODULE ?= config.settings.dev
HOST ?= 127.0.0.1
PORT ?= 8000
PO_FILES = $(shell find platform sme cms marketplace_connectors -path '*/locale/*/LC_MESSAGES/django.po' 2>/dev/null)
VAR_DIRS := var/celery-results var/media

.DEFAULT_GOAL := help
.PHONY: help run test lint bench load soak backup restore install install-test messages migrate seed browser-deps sso-provider-deps worker beat web lock clean

help: ## Show this help
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade "pip>=24"

# Stamps: nothing is reinstalled unless pyproject.toml or the constraints changed.
$(VENV)/.installed: $(PY) pyproject.toml $(CONSTRAINTS)
	$(PIP) install -q -c $(CONSTRAINTS) -e .
	@touch $@

$(VENV)/.installed-test: $(VENV)/.installed pyproject.toml $(CONSTRAINTS)
	$(PIP) install -q -c $(CONSTRAINTS) -e ".[test]"
	@touch $@

install: $(VENV)/.installed ## Create .venv and install pinned dependencies

install-test: $(VENV)/.installed-test

messages: $(VENV)/.installed ## Compile the .po translation catalogs (pure Python, no gettext needed)
	@for po in $(PO_FILES); do $(VENV)/bin/pybabel compile -D django -i $$po -o $${po%.po}.mo 2>&1 >/dev/null | grep -v '^compiling catalog' ; test $${PIPESTATUS[0]} -eq 0 || exit 1; done

$(VAR_DIRS):
	@mkdir -p $@

migrate: install $(VAR_DIRS) ## Apply database migrations
	$(PY) manage.py migrate --noinput

seed: migrate ## Load the demo data (idempotent)
	$(PY) manage.py seed_demo

run: install messages $(VAR_DIRS) ## Install, migrate, load demo data, start web + worker + scheduler + sandbox marketplaces and messaging
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo > var/demo-logins.txt
	@trap 'kill 0' INT TERM EXIT; \
	( sleep 10; printf '\n  Ready: http://$(HOST):$(PORT)/   (Ctrl-C stops web, worker and scheduler)\n\n'; \
	  cat var/demo-logins.txt; echo ) & \
	$(PY) manage.py run_sandbox_marketplaces --push-to http://$(HOST):$(PORT) & \
	$(PY) manage.py run_sandbox_messaging & \
	platform/deploy/keep-running $(VENV)/bin/celery -A config worker -l info --concurrency 2 -n worker@%h & \
	$(VENV)/bin/celery -A config beat -l info & \
	$(PY) manage.py runserver $(HOST):$(PORT) & \
	wait

browser-deps: ## Make sure Debian's Chromium is installed (installs it when running as root)
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
	    echo "Installing Debian's chromium for the browser tests..."; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else \
	    echo "Browser tests need Debian's Chromium at /usr/bin/chromium: run 'sudo apt-get install chromium'."; \
	    exit 1; \
	  fi; \
	fi

# The SSO tests sign in through oidc-provider (an OpenID Certified provider, Node.js), pinned in
# tests/sso_provider/package-lock.json; Debian's nodejs and npm are installed when absent (as root).
SSO_PROVIDER_DIR := tests/sso_provider
sso-provider-deps: ## Install the test identity provider (Node.js oidc-provider, from its lock file)
	@if ! command -v node >/dev/null || ! command -v npm >/dev/null; then \
	  if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
	    echo "Installing Debian's nodejs and npm for the SSO tests..."; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null; \
	  else \
	    echo "The SSO tests need Node.js and npm: run 'sudo apt-get install nodejs npm'."; \
	    exit 1; \
	  fi; \
	fi
	@if [ ! -f $(SSO_PROVIDER_DIR)/node_modules/.package-lock.json ] || \
	    [ $(SSO_PROVIDER_DIR)/package-lock.json -nt $(SSO_PROVIDER_DIR)/node_modules/.package-lock.json ]; then \
	  npm ci --prefix $(SSO_PROVIDER_DIR) --no-audit --no-fund --loglevel=error; \
	fi

lint: install-test ## ruff and the migrations check
	$(VENV)/bin/ruff check .
	DJANGO_SETTINGS_MODULE=config.settings.test $(PY) manage.py makemigrations --check --dry-run

# Browser tests run in a session of their own: they need live_server's transactional database, and starting
# from a freshly migrated one keeps them independent of what the other tests did.
test: install-test messages browser-deps sso-provider-deps $(VAR_DIRS) lint ## Install test dependencies, lint, run every test
	DJANGO_SETTINGS_MODULE=config.settings.test $(VENV)/bin/pytest --ignore=tests/e2e $(PYTEST_ARGS)
	DJANGO_SETTINGS_MODULE=config.settings.test $(VENV)/bin/pytest tests/e2e $(PYTEST_ARGS)

soak: install-test messages $(VAR_DIRS) ## Soak the broker for longer: web, beat and two workers, SOAK_TASKS tasks (default 100,000)
	SOAK_TASKS=$${SOAK_TASKS:-100000} DJANGO_SETTINGS_MODULE=config.settings.test $(VENV)/bin/pytest -m soak -s tests/config/test_soak.py $(PYTEST_ARGS)

backup: install $(VAR_DIRS) ## Back up the database and uploaded files into BACKUP_DIR (var/backups); keeps BACKUP_KEEP (14)
	$(PY) manage.py backup

restore: install $(VAR_DIRS) ## Restore the newest backup (BACKUP=folder for another) into an empty DATABASE_URL, then check it
	$(PY) manage.py restore $(if $(BACKUP),--backup $(BACKUP)) $(RESTORE_ARGS)

bench: install-test messages browser-deps $(VAR_DIRS) ## Run the benchmarks; results go to docs/benchmarks.md
	DJANGO_SETTINGS_MODULE=config.settings.test $(PY) benchmarks/run.py

load: install-test messages $(VAR_DIRS) ## Load test: gunicorn + PostgreSQL + Redis + 2 workers under Locust (LOAD_* settings in benchmarks/load/run_load.py)
	nice -n $${LOAD_NICE:-0} $(PY) benchmarks/load/run_load.py

lock: $(PY) ## Re-resolve dependencies and rewrite the constraints file
	$(PIP) install -q -e ".[test]"
	$(PIP) freeze --exclude-editable > $(CONSTRAINTS)

clean: ## Remove the virtualenv and local data
	rm -rf $(VENV) var
