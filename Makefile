# openimi: `make run` starts the product on its embedded defaults; `make test` runs the tests.
.DEFAULT_GOAL := help
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

help:
	@echo "make run    install, migrate, load reference and demo data, start web + worker on :8000"
	@echo "make test   install (with test tools), lint, type-check, then run the whole test suite"
	@echo "             with coverage (fails below the floor in pyproject.toml)"
	@echo "make test-multiprocess  only the multi-process tests (nginx, two gunicorn, two"
	@echo "             workers; backup and restore) against DATABASE_URL (PostgreSQL)"
	@echo "make lint   ruff check and format check"
	@echo "make types  mypy over the packages listed in pyproject.toml"

$(BIN)/python:
	@PY="$$(scripts/find-python.sh)" && echo "Using $$PY" && "$$PY" -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e ".[dev]"
	@touch $(STAMP)

install: $(STAMP)

messages: install
	@cd src/openimi && ../../$(BIN)/openimi compilemessages --verbosity 0

run: install messages
	$(BIN)/openimi migrate --no-input --verbosity 0
	$(BIN)/openimi demo
	@scripts/run.sh

# The gates, in order: lint, types, then the tests with coverage and its floor
# ([tool.coverage.report] fail_under in pyproject.toml).
test: install lint types
	@scripts/system-packages.sh
	@scripts/test-oidc-provider.sh
	@$(MAKE) --no-print-directory messages
	$(BIN)/pytest --cov --cov-report=term $(PYTEST_ARGS)

# Part of `make test` too; this runs them alone (they need PostgreSQL in DATABASE_URL).
test-multiprocess: install messages
	@scripts/system-packages.sh
	$(BIN)/pytest -m multiprocess tests/multiprocess $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

types: install
	$(BIN)/mypy

.PHONY: help install messages run test test-multiprocess lint types
