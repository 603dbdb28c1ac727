# The two set-up commands: `make run` and `make test` (see README.md).
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Rewritten whenever requirements.lock or pyproject.toml change, so a second run skips pip.
STAMP := $(VENV)/.minqing-installed

# Extra arguments: make run ARGS='--port 8001'; make test PYTEST_ARGS='-x tests/core'.
ARGS ?=
PYTEST_ARGS ?=
# Two xdist workers: the machines have two cores (measured in docs/operations.md).
XDIST ?= -n 2

.PHONY: help install run test lint format lock clean

help:
	@echo "make run    创建 .venv、安装、迁移、载入示范数据并启动 http://127.0.0.1:8000/"
	@echo "            create .venv, install, migrate, load the demo city, serve on :8000"
	@echo "make test   ruff + 全部测试（SQLite）+ 数据库测试（临时 PostgreSQL）"
	@echo "            ruff + the whole suite on SQLite + again on a throwaway PostgreSQL"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): requirements.lock pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	@touch $@

install: $(STAMP)

run: $(STAMP)
	$(BIN)/python manage.py serve $(ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# The SQLite half ignores a MINQING_DATABASE_URL from the caller's shell: tests must never
# touch a real database. scripts/pg_test.py starts its own cluster for the second half.
# After failing tests (pytest exit 1) the PostgreSQL half still runs, so one log shows
# whether a failure is database-specific; Ctrl-C or any other pytest error stops at once.
test: lint
	@trap 'exit 130' INT TERM; \
	echo "== make test 1/2: SQLite"; \
	env -u MINQING_DATABASE_URL $(BIN)/python -m pytest $(XDIST) $(PYTEST_ARGS); \
	sqlite=$$?; \
	if [ $$sqlite -gt 1 ]; then exit $$sqlite; fi; \
	echo "== make test 2/2: PostgreSQL"; \
	$(BIN)/python scripts/pg_test.py -- $(XDIST) $(PYTEST_ARGS) || exit $$?; \
	exit $$sqlite

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Refresh requirements.lock after editing pyproject.toml (needs uv: pip install uv).
lock:
	uv pip compile pyproject.toml --extra dev -o requirements.lock

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache build *.egg-info
