# Two entry points: `make run` builds the knowledge graph and shows what is in it; `make test` runs the suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run run-seeds import test test-quick build lint clean

$(BIN)/citykg: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

# `make run` builds the full graph (curated seeds + graph/imported/); `make run-seeds` the seeds alone.
run: $(BIN)/citykg
	$(BIN)/citykg build
	$(BIN)/citykg centrality --metric betweenness --top 10

run-seeds: $(BIN)/citykg
	$(BIN)/citykg build --seeds-only
	$(BIN)/citykg centrality --metric betweenness --top 10

# Regenerate graph/imported/ from the data sets kept in data/raw/ (docs/import.md).
import: $(BIN)/citykg
	$(BIN)/citykg import hekman data/raw/hekman_twin_cities_raw.csv \
		--coordinates data/raw/hekman_twin_cities_geocoded.csv \
		--wikidata data/raw/l3viathan_relations.tsv data/raw/l3viathan_names.tsv \
		--report data/reports/import-hekman.md
	$(BIN)/citykg import wikidata-p190 data/raw/l3viathan_relations.tsv data/raw/l3viathan_names.tsv \
		--report data/reports/import-wikidata-p190.md

# The whole suite (CI runs it). Debian's Chromium first, for the browser tests: installed when run as root with
# apt-get, else they are skipped (scripts/ensure-chromium.sh). The build fuzzing follows HYPOTHESIS_PROFILE:
# "dev" (default, 2 x 25 mutations) or "ci" (2 x 500, what .ci/run uses). Two workers; "worksteal" lets the
# idle one take the second half of the build fuzzing.
test: $(BIN)/citykg
	sh scripts/ensure-chromium.sh
	$(BIN)/python -m pytest -q -n 2 --dist worksteal

# The developer loop: everything but the tests marked slow (build fuzzing, the full graph).
test-quick: $(BIN)/citykg
	sh scripts/ensure-chromium.sh
	$(BIN)/python -m pytest -q -n 2 -m "not slow"

# The dev extra (ruff, mypy, import-linter, stubs), installed once per change of pyproject.toml.
$(BIN)/lint-imports: pyproject.toml $(BIN)/citykg
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

lint: $(BIN)/lint-imports
	$(BIN)/ruff check src tests scripts
	$(BIN)/mypy src/citykg
	$(BIN)/lint-imports

clean:
	rm -rf .citykg build src/*.egg-info
