# Entry points. `make run` and `make test` set everything up on a fresh machine.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
HOST ?= 127.0.0.1
PORT ?= 8000
# make test runs the tests on a process per core (pytest-xdist), each test file on one.
TEST_WORKERS ?= auto

.PHONY: help install run test lint bench loadtest outage backup restore clean

help:
	@echo "make run    set up (venv, install, migrate, seed, local admin) and serve http://$(HOST):$(PORT)/"
	@echo "make test   set up and run ruff, the migration check and the test suite"
	@echo "make bench  time the timeline and record pages on 100,000 synthetic events"
	@echo "make loadtest  32 clients for 60 s on gunicorn (a worker per core) at 100,000 events (needs wrk)"
	@echo "make outage stop a database of its own for 15 s under 4 clients; count what failed"
	@echo "make backup [FILE=…] [NO_SESSIONS=1]   back up the database (DATABASE_URL)"
	@echo "make restore FILE=…                    restore a backup into it, replacing its data"

$(VENV)/.installed: pyproject.toml setup.py native/tracker_counting.pyx
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11+ is needed"'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet '.[test]'
	rm -rf build *.egg-info
	touch $@

install: $(VENV)/.installed

run: export DEBUG ?= 1
run: install
	$(MANAGE) migrate --noinput
	$(MANAGE) load_seed
	$(MANAGE) ensure_local_admin --url http://$(HOST):$(PORT)/admin/
	$(MANAGE) runserver $(HOST):$(PORT)

test: export SECRET_KEY ?= test-only-not-a-secret
test: install
	$(VENV)/bin/ruff check .
	$(MANAGE) makemigrations --check --dry-run
	$(PY) -m pytest -n $(TEST_WORKERS) --dist loadfile

lint: install
	$(VENV)/bin/ruff check .

bench: export SECRET_KEY ?= bench-only-not-a-secret
bench: install
	$(PY) -m bench.run

loadtest: export SECRET_KEY ?= bench-only-not-a-secret
loadtest: install
	@command -v wrk >/dev/null || { echo "make loadtest needs wrk: apt-get install wrk"; exit 2; }
	$(PY) -m bench.loadtest

outage: export SECRET_KEY ?= bench-only-not-a-secret
outage: install
	$(PY) -m bench.outage

backup: install
	$(MANAGE) backup_database $(if $(FILE),--output $(FILE)) $(if $(NO_SESSIONS),--without-sessions)

restore: install
	@test -n "$(FILE)" || { echo "usage: make restore FILE=backups/….dump"; exit 2; }
	$(MANAGE) restore_database $(FILE)

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache build *.egg-info
