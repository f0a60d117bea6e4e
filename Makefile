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
	rm -rf $(VENV) staticfiles
