# The README's commands. `make demo` and `make test` do all set-up on a fresh machine.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
STAMP := $(VENV)/.installed
PORT ?= 8000
export PYTHONPATH := $(CURDIR):$(CURDIR)/platform
export SITE_PORT := $(PORT)

.PHONY: demo test lint bench install messages migrate serve clean-demo

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	bash deploy/system-packages.sh
	touch $(STAMP)

install: $(STAMP)

# Babel compiles the catalogues, so GNU gettext need not be installed (makemessages needs it).
messages: $(STAMP)
	$(VENV)/bin/pybabel -q compile -d locale -D django

migrate: messages
	$(MANAGE) migrate_schemas --shared --noinput -v 0
	$(MANAGE) migrate_template -v 0
	$(MANAGE) migrate_unions --noinput --no-progress -v 1
	$(MANAGE) check_migrations --quick --no-progress

# Runs on the embedded default unless DATABASE_URL / REDIS_URL are set.
demo: migrate
	$(MANAGE) collectstatic --noinput -v 0
	$(MANAGE) seed_demo --no-input
	$(MANAGE) search_reindex --no-input
	$(MANAGE) runserver 0.0.0.0:$(PORT)

test: messages
	bash tests/run.sh

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy platform tenants cms api search

bench: messages
	$(VENV)/bin/pytest tests/benchmarks -p no:xdist -s -q -m "" --no-header

clean-demo:
	rm -rf var/pgdata var/media var/static
