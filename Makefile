# SRM Academy. `make run` and `make test` each set up everything they need.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
DEV_ENV := DEBUG=true

.PHONY: run test lint format content clean bench

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Stamps re-install only when pyproject.toml changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check -e ".[test]"
	touch $@ $(VENV)/.installed

content: $(VENV)/.installed
	$(DEV_ENV) $(BIN)/python manage.py migrate --noinput
	$(DEV_ENV) $(BIN)/python manage.py load_content

run: content
	$(DEV_ENV) $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

test: $(VENV)/.installed-test
	$(BIN)/pytest

# The other supported Django: the current release (6.1) on Python 3.12+, in its own
# virtual environment. `.ci/run` runs the PostgreSQL pass with it.
# The first Python 3.12 or 3.13 that runs (a pyenv shim can exist and not run).
PYTHON_NEXT ?= $(shell for p in python3.12 $(wildcard $(HOME)/.pyenv/versions/3.12*/bin/python3.12) \
	python3.13 $(wildcard $(HOME)/.pyenv/versions/3.13*/bin/python3.13); do \
	"$$p" -c "" 2>/dev/null && { echo "$$p"; break; }; done)
VENV_NEXT := .venv-django61
$(VENV_NEXT)/.installed-test: pyproject.toml
	@test -n "$(PYTHON_NEXT)" || { echo "Django 6.1 needs Python 3.12 or newer: none found (set PYTHON_NEXT)." >&2; exit 1; }
	$(PYTHON_NEXT) -m venv $(VENV_NEXT)
	$(VENV_NEXT)/bin/pip install --quiet --disable-pip-version-check -e ".[test]" "django>=6.1,<6.2"
	touch $@

# Speed as a share of a bare Django view (bench/speed.py); wrk comes from apt if missing.
bench: $(VENV)/.installed
	@command -v wrk >/dev/null || { command -v apt-get >/dev/null && \
		{ apt-get install -y wrk >/dev/null 2>&1 || sudo -n apt-get install -y wrk >/dev/null 2>&1; }; } || true
	$(BIN)/python bench/speed.py $(BENCH_ARGS)

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.installed-test
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Simulated learners sitting an exam against gunicorn on 127.0.0.1 (bench/load.py):
# `make load`, or `make load ARGS="--db postgres --servers 2 --learners 200"`.
.PHONY: load
$(VENV)/.installed-bench: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check -e ".[bench]"
	touch $@ $(VENV)/.installed

load: $(VENV)/.installed-bench
	$(BIN)/python bench/load.py $(ARGS)

clean:
	rm -rf $(VENV) $(VENV_NEXT) staticfiles
