# Two entry points: `make run` builds the knowledge graph and shows what is in it; `make test` runs the suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test build lint clean

$(BIN)/citykg: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

run: $(BIN)/citykg
	$(BIN)/citykg build
	$(BIN)/citykg stats

test: $(BIN)/citykg
	$(BIN)/python -m pytest -q

lint: $(BIN)/citykg
	$(BIN)/pip install --quiet ruff
	$(BIN)/ruff check src tests scripts

clean:
	rm -rf .citykg build src/*.egg-info
