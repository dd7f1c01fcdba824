# make demo: set up .venv and run the whole pipeline on the bundled sample data (SQLite).
# make test: set up .venv with test dependencies and run the whole suite.
# make lint: ruff (rules and formatting) and mypy, as .ci/run runs them before the tests.
# make smoke: the CI smoke run: harvester check --offline, then the pipeline on the bundled sample
#             in a temporary SQLite store; fails on any non-zero exit or a wrong set of domains.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
DEMO   := demo

.PHONY: demo demo-reset test lint format smoke bench clean schema

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	$(BIN)/python -m compileall -q harvester_cli  # bytecode even where PYTHONDONTWRITEBYTECODE is set
	touch $(STAMP)

# demo: the pipeline on a copy of examples/sample whose dates end yesterday (examples/sample/rebase.py),
# into the store demo/harvester.db; prints the three runs, the top domains of the last 7 days and
# the commands to explore the store. demo-reset removes demo/.
demo: $(STAMP)
	@rm -rf $(DEMO) && mkdir -p $(DEMO)
	@$(BIN)/python examples/sample/rebase.py examples/sample $(DEMO)/sample
	@set -e; unset HARVESTER_ENV_FILE; \
	export HARVESTER_DATABASE_URL="sqlite:///$(CURDIR)/$(DEMO)/harvester.db" HARVESTER_SOURCE=files \
	       HARVESTER_FILES_DIR="$(CURDIR)/$(DEMO)/sample"; \
	$(BIN)/harvester init; \
	$(BIN)/harvester run; \
	$(BIN)/harvester domains --since 7d --top 10
	@echo 'The demo store is $(DEMO)/harvester.db (files source on $(DEMO)/sample). Explore it from here:'
	@echo '  . $(BIN)/activate'
	@for cmd in domains links jobs budget; do \
	    echo "  HARVESTER_DATABASE_URL=sqlite:///\$$(pwd)/$(DEMO)/harvester.db harvester $$cmd"; done
	@echo 'make demo-reset removes it.'

demo-reset:
	rm -rf $(DEMO)

smoke: $(STAMP)
	@set -e; dir=$$(mktemp -d); trap 'rm -rf "$$dir"' EXIT; bin="$(abspath $(BIN))"; \
	unset HARVESTER_ENV_FILE; cd "$$dir"; \
	export HARVESTER_DATABASE_URL="sqlite:///$$dir/harvester.db" HARVESTER_SOURCE=files \
	       HARVESTER_FILES_DIR="$(CURDIR)/examples/sample" HARVESTER_LOCK_DIR="$$dir/locks"; \
	echo "smoke: check --offline (no store yet)"; "$$bin/harvester" check --offline; \
	echo "smoke: init"; "$$bin/harvester" init; \
	echo "smoke: check --offline"; "$$bin/harvester" check --offline; \
	echo "smoke: run"; "$$bin/harvester" run; \
	echo "smoke: domains = examples/sample/expected_domains.txt"; \
	"$$bin/harvester" domains --format json > domains.json; \
	"$$bin/python" -c 'import json, sys; print("\n".join(sorted(d["domain"] for d in json.load(sys.stdin))))' \
	    < domains.json | diff -u "$(CURDIR)/examples/sample/expected_domains.txt" -; \
	"$$bin/harvester" jobs --hours 1; \
	echo "smoke: ok"

# the suite runs in TEST_WORKERS processes (pytest-xdist; at most 4, one per core): every test has
# its own SQLite file or PostgreSQL schema, ports and lock directory. TEST_WORKERS=0 runs it in one.
TEST_WORKERS ?= auto
test: $(STAMP)
	$(BIN)/python -m pytest -q -n $(TEST_WORKERS) --maxprocesses 4 --dist worksteal $(PYTEST_ARGS)

# lint: ruff's rules and formatting, then mypy over the package (settings in pyproject.toml).
# format: rewrite the files as ruff formats them and fix what ruff can fix by itself.
LINT_STAMP := $(VENV)/.lint-installed
$(LINT_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[test,lint]'
	touch $(LINT_STAMP)

lint: $(LINT_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: $(LINT_STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[test,bench]'
	$(BIN)/python bench/extract.py
	$(BIN)/python bench/harvest.py

schema: $(STAMP)
	$(BIN)/harvester init --print-sql --dialect postgresql > schema.sql

clean:
	rm -rf $(VENV) $(DEMO) .pytest_cache *.egg-info
