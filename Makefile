# os2bos_plone: two commands on a fresh machine, 'make start' and 'make test'.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTANCE := instance
# The settings (storage, port, site id, ...) are the operator's: instance.env (KEY=VALUE, see
# instance.env.example), the environment for one call. scripts/make_instance.py reads them; every
# target that uses the instance runs through it ($(RUN)), which writes instance/etc/ only when it
# does not exist and otherwise refuses settings it was not written with: only 'make instance'
# rewrites it, so a cron 'make jobs' uses the storage the site is served from.
RUN := $(BIN)/python scripts/make_instance.py --run

PIP_INSTALL := $(BIN)/pip install --quiet --disable-pip-version-check -c constraints.txt

.PHONY: help
help: ## Show the targets
	@grep -hE '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN{FS=":.*?## "}{printf "  %-18s %s\n", $$1, $$2}'

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: $(BIN)/python constraints.txt setup.cfg pyproject.toml
	@echo "Installerer de fastlåste afhængigheder (constraints.txt) i $(VENV) ..."
	$(PIP_INSTALL) pip setuptools wheel
	$(PIP_INSTALL) --no-build-isolation -e '.[test,deploy,bench]'
	@touch $@

.PHONY: install
install: $(VENV)/.installed ## Create .venv and install the pinned dependencies

.PHONY: instance
instance: install ## (Re)write instance/etc from instance.env and the environment (the only target that rewrites it)
	@$(BIN)/python scripts/make_instance.py

.PHONY: site
site: install ## Create the Plone site with the add-on and demo data (kept when it exists)
	$(RUN) $(BIN)/zconsole run {etc}/zope.conf scripts/create_site.py

.PHONY: demo
demo: install ## Load the demo data into the existing site (idempotent)
	$(RUN) $(BIN)/zconsole run {etc}/zope.conf scripts/load_demo.py

.PHONY: jobs
jobs: install ## The nightly jobs in order (JOB=<name> for one, DATE=ÅÅÅÅ-MM-DD to run as of a day)
	JOB="$(JOB)" DATE="$(DATE)" $(RUN) $(BIN)/zconsole run {etc}/zope.conf scripts/run_jobs.py

.PHONY: start
start: site ## Install, create the site and serve it in the foreground
	@$(RUN) sh -c 'echo; \
	  echo "Bevilling og Styring kører på http://$$HOST:$$PORT/$$SITE_ID"; \
	  echo "  Administrator: $$ADMIN_USER / $${ADMIN_PASSWORD:-admin}"; \
	  echo "  Demobrugere (adgangskode bosdemo2026): sagsbehandler, teamleder, afsnitsleder,"; \
	  echo "  udvalgssekretaer, okonomi, ledelse, regelmotor"; \
	  echo "Stop med Ctrl-C."; echo'
	$(RUN) $(BIN)/runwsgi {etc}/zope.ini

.PHONY: seed
seed: install ## Update the classification from the shipped seed data (APPLY=1 writes)
	SOURCE=seed $(RUN) $(BIN)/zconsole run {etc}/zope.conf scripts/import_classification.py

.PHONY: import-os2bos
import-os2bos: install ## Import an OS2BOS installation's classification: DIR=... (APPLY=1 writes)
	SOURCE=os2bos DIR="$(DIR)" $(RUN) $(BIN)/zconsole run {etc}/zope.conf scripts/import_classification.py

.PHONY: import-xlsx
import-xlsx: install ## Import a classification workbook: FILE=... (APPLY=1 writes)
	SOURCE=xlsx FILE="$(FILE)" $(RUN) $(BIN)/zconsole run {etc}/zope.conf scripts/import_classification.py

.PHONY: zeoserver
zeoserver: install ## Serve the FileStorage under VAR_DIR through ZEO on ZEO_ADDRESS (for STORAGE=zeo instances)
	$(RUN) $(BIN)/runzeo -C {etc}/zeo.conf

# Days the date-sensitive tests (marker "dates") run as, besides today: the year's turn, the end
# of February in a common and a leap year, and a day in mid-year.
BOS_DAYS ?= 2026-12-31 2027-01-01 2027-02-28 2028-02-29 2027-06-15

.PHONY: test
test: install chromium ## Lint (ruff), import layers, the whole test suite (browser tests included), then the date-sensitive tests on other days
	$(BIN)/ruff check src tests scripts benchmarks
	$(BIN)/ruff format --check src tests scripts benchmarks
	$(BIN)/lint-imports
	$(BIN)/pytest
	$(MAKE) --no-print-directory test-dates

.PHONY: test-storage
test-storage: install postgresql ## Several instances for real: two instances on a ZEO server and on PostgreSQL 15 (RelStorage), tests/storage
	$(BIN)/pytest -p no:warnings -m storage tests/storage

.PHONY: test-dates
test-dates: install ## The date-sensitive tests (plans, costs, overview, renewal) as of each day in BOS_DAYS
	@set -e; for day in $(BOS_DAYS); do \
		echo "== Tests marked 'dates' as of $$day (BOS_TODAY)"; \
		BOS_TODAY=$$day $(BIN)/pytest -q -p no:warnings -m dates; \
	done

.PHONY: chromium
chromium: ## Debian's chromium for the browser tests (apt-get, only when missing)
	@test -x /usr/bin/chromium || { \
		echo "Installing Debian's chromium for the browser tests"; \
		if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
		DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y chromium \
		|| { $$SUDO apt-get update && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y chromium; }; }

# Debian's PostgreSQL 15 for 'make test-storage' (which runs its own cluster in a temp dir).
PG_BIN ?= /usr/lib/postgresql/15/bin

.PHONY: postgresql
postgresql: ## Debian's PostgreSQL 15 server binaries for the storage tests (apt-get, only when missing)
	@test -x $(PG_BIN)/initdb || { \
		echo "Installing Debian's postgresql-15 for the storage tests"; \
		if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
		DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y postgresql-15 \
		|| { $$SUDO apt-get update && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y postgresql-15; }; }

.PHONY: lint
lint: install ## Lint only
	$(BIN)/ruff check src tests scripts benchmarks

.PHONY: format
format: install ## Format and fix imports
	$(BIN)/ruff check --fix src tests scripts benchmarks
	$(BIN)/ruff format src tests scripts benchmarks

.PHONY: bench
bench: install ## Build the synthetic municipality in var/bench and measure it (BENCH_CASES=2000)
	$(BIN)/python -m benchmarks.run

.PHONY: load
load: install ## Load run: 20 locust users for 60 s against two instances on a fresh ZEO server, localhost (LOAD_USERS, LOAD_SECONDS, LOAD_CASES=200)
	$(BIN)/python -m benchmarks.load

# Backups (scripts/backup.py) read the same settings as every target: BACKUP_DIR (VAR_DIR/backups),
# BACKUP_KEEP (full backups kept; empty: all). FileStorage and the ZEO server's FileStorage: repozo
# plus a snapshot of the blobs; RelStorage: pg_dump/pg_restore. See the README, "Backup and restore".
.PHONY: backup
backup: install ## Back up the storage into BACKUP_DIR: repozo + blobs, or pg_dump (FULL=1: a full backup)
	FULL="$(FULL)" $(RUN) $(BIN)/python scripts/backup.py backup

.PHONY: restore
restore: install ## Restore the newest backup into the configured storage (FROM=dir, DATE=ÅÅÅÅ-MM-DD[-TT-MM-SS] UTC, TARGET=dir|DSN, FORCE=1 over data)
	FROM="$(FROM)" DATE="$(DATE)" TARGET="$(TARGET)" FORCE="$(FORCE)" $(RUN) $(BIN)/python scripts/backup.py restore

.PHONY: pack
pack: install ## Pack the storage: history older than DAYS (7) and unreferenced objects and blobs
	DAYS="$(DAYS)" $(RUN) $(BIN)/python scripts/backup.py pack

.PHONY: i18n
i18n: install ## Rebuild the .pot and sync the Danish .po files
	$(BIN)/i18ndude rebuild-pot --pot src/os2bos_plone/locales/os2bos_plone.pot --create os2bos_plone src/os2bos_plone
	$(BIN)/i18ndude sync --pot src/os2bos_plone/locales/os2bos_plone.pot src/os2bos_plone/locales/da/LC_MESSAGES/os2bos_plone.po

.PHONY: constraints
constraints: ## Re-resolve constraints.txt from requirements/top-level.txt (deliberate!)
	rm -rf /tmp/os2bos-constraints-venv
	$(PYTHON) -m venv /tmp/os2bos-constraints-venv
	/tmp/os2bos-constraints-venv/bin/pip install --quiet -U pip setuptools wheel
	/tmp/os2bos-constraints-venv/bin/pip install --quiet -r requirements/top-level.txt
	{ echo "# Complete pin set of a known-good Plone 6.2.2 resolution for os2bos_plone."; \
	  echo "# Regenerate deliberately with 'make constraints' (see requirements/top-level.txt)."; \
	  echo "# Every install (Makefile, CI, buildout versions.cfg) uses this file."; \
	  /tmp/os2bos-constraints-venv/bin/pip freeze --all | grep -E '^(pip|setuptools|wheel)=='; \
	  /tmp/os2bos-constraints-venv/bin/pip freeze | sort -f; } > constraints.txt
	@! grep -E '^[A-Za-z0-9_.-]+==[0-9.]+(a|b|rc|\.dev)[0-9]*$$' constraints.txt || (echo "Pre-release pinned: check constraints.txt"; exit 1)
	$(MAKE) buildout-versions

.PHONY: buildout-versions
buildout-versions: ## Regenerate versions.cfg (buildout pins) from constraints.txt
	$(PYTHON) scripts/buildout_versions.py constraints.txt > versions.cfg

.PHONY: clean
clean: ## Remove the environment and generated instance config (keeps var/ data)
	rm -rf $(VENV) $(INSTANCE) build src/*.egg-info
