# openimi: `make run` starts the product on its embedded defaults; `make test` runs the tests.
.DEFAULT_GOAL := help
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

help:
	@echo "make run    install, migrate, load reference and demo data, start web + worker on :8000"
	@echo "make test   install (with test tools), then run the whole test suite"
	@echo "make lint   ruff check and format check"

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

test: install
	@scripts/system-packages.sh
	@$(MAKE) --no-print-directory messages
	$(BIN)/pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

.PHONY: help install messages run test lint
