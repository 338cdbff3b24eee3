# charte: `make run` serves the demo, `make test` checks everything. Nothing else to install.
SHELL := /bin/bash
.DEFAULT_GOAL := help

# uv may be missing, or installed under another Python than the one .python-version selects.
UV = $(shell uv --version >/dev/null 2>&1 && echo uv || echo python -m uv)
PY := .venv/bin/python
# Each checkout gets its own test databases, so that two checkouts can test side by side.
CHECKOUT_ID := $(shell pwd | cksum | cut -d' ' -f1)
PG_URL ?= postgres://postgres@127.0.0.1:5432/postgres
PYTEST_ARGS ?=
REQUIRE_POSTGRES ?= 0

.PHONY: help install run test lint typecheck checks test-sqlite test-postgres browser unzip npm pdf pdftotext messages screenshots bench clean

help:
	@echo "make run    install, migrate, seed the demo and serve on http://127.0.0.1:8000 (Ctrl-C stops)"
	@echo "make test   lint, type check and the whole suite on SQLite and PostgreSQL"
	@echo "make audit  the locked dependencies against the advisories, bandit, check --deploy"

.venv/.installed: pyproject.toml uv.lock
	@uv --version >/dev/null 2>&1 || python -m uv --version >/dev/null 2>&1 || python -m pip install --quiet uv
	$(UV) sync --frozen
	@touch $@

install: .venv/.installed pdf
	@$(PY) manage.py compilemessages --ignore=.venv --ignore=node_modules --ignore=var -v0

run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	$(PY) manage.py devserver

# A Debian package installed when its command is missing: $(call debian,COMMAND,WHAT FOR), or
# $(call debian,COMMAND,WHAT FOR,PACKAGE) when the package is named otherwise.
define debian
@command -v $(1) >/dev/null 2>&1 || { \
	echo "Installing Debian's $(or $(3),$(1)) $(2)..."; \
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q $(or $(3),$(1)) >/dev/null 2>&1 || \
	{ apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q $(or $(3),$(1)) >/dev/null; }; }
endef

# WeasyPrint draws PDFs (reports, login cards, letters) with Pango, a Debian library; poppler's
# pdftotext reads them back in the tests, a reader independent of the one that wrote them.
pdf:
	@ldconfig -p | grep -q libharfbuzz-subset || { echo "Installing Debian's Pango for the PDFs..."; \
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 >/dev/null 2>&1 || \
	{ apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 >/dev/null; }; }

pdftotext:
	$(call debian,pdftotext,to read the PDFs back in the tests,poppler-utils)

# Debian's Chromium drives the end-to-end tests; it is never downloaded by the test tools.
browser:
	$(call debian,chromium,for the end-to-end tests)

# Info-ZIP's unzip reads the access archives in the tests: a second, independent reader.
unzip:
	$(call debian,unzip,for the tests)

# Test tools from npm (the IAB reference TC string decoder, axe-core), reinstalled from the
# lockfile whenever it changes; nothing from node_modules is ever served to visitors.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

npm: node_modules/.installed

lint: install
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	.venv/bin/lint-imports --no-cache

typecheck: install
	$(PY) -m mypy .

checks: install
	$(PY) manage.py check --fail-level WARNING
	$(PY) manage.py makemigrations --check --dry-run

# The whole suite runs on PostgreSQL, the production database. On SQLite, the embedded default,
# it runs again but for the tests whose outcome does not depend on the database's engine
# (marked `e2e` or `once`: the browser, the walks of the whole site, the tooling); when
# PostgreSQL does not answer, SQLite runs them all. Files: on the S3-compatible server (moto's,
# started on loopback by the tests, tests/object_storage.py) in the PostgreSQL run, on local
# disk in the SQLite run, so that both storages carry the whole suite.
PG_ANSWERS = $(PY) -c "import psycopg; psycopg.connect('$(PG_URL)', connect_timeout=3).close()" 2>/dev/null

test-sqlite: install browser unzip pdftotext npm
	@if $(PG_ANSWERS); then \
		echo "=== Test suite on SQLite (what depends on the database's engine) ==="; \
		DATABASE_URL=sqlite:///var/test-sqlite.sqlite3 TEST_DATABASE_NAME= TEST_FILE_STORAGE=local $(PY) -m pytest -n 2 --dist worksteal -p no:cacheprovider -m "not e2e and not once" $(PYTEST_ARGS); \
	else \
		echo "=== Test suite on SQLite ==="; \
		DATABASE_URL=sqlite:///var/test-sqlite.sqlite3 TEST_DATABASE_NAME= TEST_FILE_STORAGE=local $(PY) -m pytest -n 2 --dist worksteal -p no:cacheprovider $(PYTEST_ARGS); \
	fi

test-postgres: install browser unzip pdftotext npm
	@if $(PG_ANSWERS); then \
		echo "=== Test suite on PostgreSQL ==="; \
		DATABASE_URL=$(PG_URL) TEST_DATABASE_NAME=test_charte_$(CHECKOUT_ID) TEST_FILE_STORAGE=s3 $(PY) -m pytest -n 2 --dist worksteal -p no:cacheprovider --create-db $(PYTEST_ARGS); \
	elif [ "$(REQUIRE_POSTGRES)" = "1" ]; then \
		echo "!!! PostgreSQL does not answer at $(PG_URL), and it is required here. Failing."; exit 1; \
	else \
		echo; echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"; \
		echo "!!! PostgreSQL does not answer at $(PG_URL): the suite ran on SQLite ONLY."; \
		echo "!!! Production runs on PostgreSQL; start it and run make test again."; \
		echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"; echo; \
	fi

test: lint typecheck checks bandit test-sqlite test-postgres
	@echo "All checks passed."

# Security scanning (scripts/audit.py says what each check does). bandit needs no network and
# runs in make test, against its reviewed baseline; the dependency audit asks the advisory
# service (PyPI by default, AUDIT_SERVICE=osv for OSV) and exits 3 when it cannot be reached.
.PHONY: audit bandit
audit: install
	$(PY) scripts/audit.py

bandit: install
	$(PY) scripts/audit.py code

messages: install
	cd charte && for app in */; do [ -d "$$app/locale" ] && (cd $$app && ../../$(PY) ../../manage.py makemessages -l en --no-obsolete -v0); done; true
	$(PY) manage.py compilemessages --ignore=.venv --ignore=node_modules --ignore=var -v0

screenshots: install browser
	$(PY) scripts/screenshots.py

bench: install
	$(PY) -m bench

clean:
	rm -rf .venv var .mypy_cache .ruff_cache node_modules
