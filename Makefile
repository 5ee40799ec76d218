# Two commands for a fresh machine:
#   make run   — set up, migrate SQLite, load the demo data, serve on http://127.0.0.1:8000
#   make test  — set up and run every test (browser tests included); honours DATABASE_URL
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

# Python >= 3.12: the first of python3.13 / python3.12 that really runs (pyenv shims can exist
# without a working interpreter), then pyenv's own installs.
PYTHON ?= $(shell for p in python3.13 python3.12; do \
	  if command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; assert sys.version_info >= (3, 12)' >/dev/null 2>&1; then echo $$p; exit 0; fi; \
	done; \
	for p in $${PYENV_ROOT:-$$HOME/.pyenv}/versions/3.13*/bin/python3.13 $${PYENV_ROOT:-$$HOME/.pyenv}/versions/3.12*/bin/python3.12; do \
	  if [ -x "$$p" ]; then echo $$p; exit 0; fi; \
	done)

.PHONY: run test setup setup-dev chromium migrate demo lint messages clean

$(VENV)/bin/activate:
	@if [ -z "$(PYTHON)" ]; then \
	  echo "Trílogo needs Python 3.12 or newer: install python3.13 or python3.12 (e.g. 'apt-get install python3.13 python3.13-venv', or pyenv), then run make again." >&2; \
	  exit 1; fi
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.txt | $(VENV)/bin/activate
	$(VENV)/bin/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(VENV)/bin/activate
	$(VENV)/bin/pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.runtime

setup: $(VENV)/.runtime
setup-dev: $(VENV)/.dev

migrate: setup
	DEBUG=$${DEBUG:-1} $(PY) manage.py migrate --noinput

demo: migrate
	DEBUG=$${DEBUG:-1} $(PY) manage.py seed_demo

run: demo
	@echo ""
	@echo "Trílogo is at http://$(HOST):$(PORT)/ (Ctrl+C stops it)."
	DEBUG=$${DEBUG:-1} $(PY) manage.py runserver $(HOST):$(PORT)

chromium:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = "0" ]; then apt-get update -qq && apt-get install -y -qq chromium; \
	  else echo "The browser tests need Debian's chromium: sudo apt-get install chromium" >&2; exit 1; fi; \
	fi

# One worker per core (pytest-xdist, a database each): the suite took 21 min on one
# core of a slow 2-core machine, 12 min on two.
test: setup-dev chromium
	$(VENV)/bin/pytest -n auto $(PYTEST_ARGS)

lint: setup-dev
	$(VENV)/bin/ruff check .

messages: setup-dev
	DEBUG=1 $(PY) manage.py makemessages -l pt_BR --ignore=.venv --ignore=staticfiles
	DEBUG=1 $(PY) manage.py compilemessages -l pt_BR --ignore=.venv

clean:
	rm -rf $(VENV) artifacts .pytest_cache staticfiles
