# The two commands: `make run` and `make test`. Everything else is a helper for them.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
REQ_STAMP := $(VENV)/.stamp-runtime-$(shell cat requirements.txt | sha1sum | cut -c1-12)
DEV_STAMP := $(VENV)/.stamp-dev-$(shell cat requirements.txt requirements-dev.txt | sha1sum | cut -c1-12)

.PHONY: run serve check test lint format migrate demo demo-large bench e2e-deps messages clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(REQ_STAMP): requirements.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements.txt
	touch $@

$(DEV_STAMP): requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements-dev.txt
	touch $@ $(REQ_STAMP)

## run: set up, migrate, load demo data on first start (embedded SQLite only), serve on http://localhost:8501
run: $(REQ_STAMP)
	$(BIN)/python manage.py migrate
	$(BIN)/python manage.py demo --size small --if-empty --only-embedded
	$(BIN)/python manage.py serve

## serve: the production start: check configuration, database, Redis, schema and secrets, then serve
## (no migration, no demo data; run `manage.py migrate` once per release first)
serve: $(REQ_STAMP)
	$(BIN)/python manage.py check
	$(BIN)/python manage.py serve

check: $(REQ_STAMP)
	$(BIN)/python manage.py check

## test: set up and run the whole suite (lint, types, tests with coverage)
test: $(DEV_STAMP) e2e-deps lint
	$(BIN)/python -m pytest --cov-fail-under=90

lint: $(DEV_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy core db
	$(BIN)/lint-imports

format: $(DEV_STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

migrate: $(REQ_STAMP)
	$(BIN)/python manage.py migrate

demo: $(REQ_STAMP)
	$(BIN)/python manage.py demo --size small

demo-large: $(REQ_STAMP)
	$(BIN)/python manage.py demo --size large

# Translations (Babel): extract every msgid into locale/messages.pot, merge it into the Thai and
# English catalogs, compile the .mo files. Translate the new entries in locale/th/LC_MESSAGES/messages.po;
# `make test` fails while one is missing, untranslated or fuzzy.
messages: $(DEV_STAMP)
	$(BIN)/python -m tools.messages update

# The bench on the large demo set (200k registrations); SIZE=national for 2M (generated once, ~8 GB on MariaDB).
SIZE ?= large
bench: $(DEV_STAMP)
	BENCH_SIZE=$(SIZE) $(BIN)/python -m bench

# Chromium and Thai fonts from Debian for the browser tests (needs root; skipped otherwise).
e2e-deps:
	@bash .ci/install-system-packages

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache .coverage htmlcov
