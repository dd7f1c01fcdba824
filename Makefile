# make demo: set up .venv and run the whole pipeline on the bundled sample data (SQLite).
# make test: set up .venv with test dependencies and run the whole suite.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
DEMO   := demo

.PHONY: demo test bench clean schema

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
