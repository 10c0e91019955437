# 质量奖 Cycles — the two commands: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
# make test runs the suite on two workers (the machine's two cores), each with its own database and Redis db
TEST_WORKERS ?= 2
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD := 1

.PHONY: run test venv setup-db screenshots bench backup restore check-python clean

check-python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "需要 Python 3.11 或更新版本 (Python 3.11+ required)")'

$(VENV)/.installed: requirements.txt | check-python
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@$(PY) -m pip install -q --upgrade pip >/dev/null 2>&1 || true
	$(PY) -m pip install -q -r requirements.txt
	@touch $@

venv: $(VENV)/.installed

setup-db: venv
	@bash scripts/system_deps.sh run
	$(PY) manage.py migrate --noinput -v 0
	$(PY) manage.py load_rulesets
	$(PY) manage.py seed_demo

## make run: the web app and a Celery worker (embedded beat) on SQLite and a filesystem broker.
run: setup-db
	@PORT=$(PORT) bash scripts/run.sh

## make test: the whole suite on a throwaway PostgreSQL and Redis, a real Celery worker, headless Chromium.
test: venv
	@bash scripts/system_deps.sh test
	@bash scripts/with_services.sh $(PY) -m pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)

screenshots: venv
	@SCREENSHOTS=1 bash scripts/with_services.sh $(PY) -m pytest -m browser -q

bench: venv
	@bash scripts/system_deps.sh test
	@bash scripts/with_services.sh $(PY) bench/run.py

backup: venv
	@$(PY) manage.py backup --out $${OUT:-var/backups}

restore: venv
	@test -n "$(FROM)" || (echo "用法: make restore FROM=var/backups/<dir>"; exit 2)
	@$(PY) manage.py restore --from $(FROM)

clean:
	rm -rf var/db.sqlite3 var/broker var/media var/celerybeat-schedule*
