# make demo: set up .venv and run the whole pipeline on the bundled sample data (SQLite).
# make test: set up .venv with test dependencies and run the whole suite.
# make smoke: the CI smoke run: harvester check --offline, then the pipeline on the bundled sample
#             in a temporary SQLite store; fails on any non-zero exit or a wrong set of domains.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
DEMO   := demo

.PHONY: demo test smoke bench clean schema

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	$(BIN)/python -m compileall -q harvester_cli  # bytecode even where PYTHONDONTWRITEBYTECODE is set
	touch $(STAMP)

demo: $(STAMP)
	rm -rf $(DEMO) && mkdir -p $(DEMO)
	HARVESTER_DATABASE_URL=sqlite:///$(DEMO)/harvester.db HARVESTER_SOURCE=files \
	HARVESTER_FILES_DIR=examples/sample \
	sh -c '$(BIN)/harvester init && $(BIN)/harvester run; \
	       $(BIN)/harvester domains && $(BIN)/harvester jobs --hours 1'

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

test: $(STAMP)
	$(BIN)/python -m pytest -q $(PYTEST_ARGS)

bench: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[test,bench]'
	$(BIN)/python bench/extract.py
	$(BIN)/python bench/harvest.py

schema: $(STAMP)
	$(BIN)/harvester init --print-sql --dialect postgresql > schema.sql

clean:
	rm -rf $(VENV) $(DEMO) .pytest_cache *.egg-info
