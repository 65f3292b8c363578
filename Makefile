# Two commands: `make demo` and `make test`. Both set everything up on a fresh machine.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
SAMPLE := build/sample-project
STAMP  := $(VENV)/.installed

.PHONY: demo test sample lint bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

sample: $(STAMP)
	rm -rf $(SAMPLE)
	$(BIN)/codebook init $(SAMPLE)
	$(BIN)/codebook --project $(SAMPLE) import --attributes transcripts/attributes.csv \
		$$(ls transcripts/* | grep -v -e attributes.csv -e sample-codings.csv)
	$(BIN)/codebook --project $(SAMPLE) codings import transcripts/sample-codings.csv

demo: sample
	$(BIN)/codebook --project $(SAMPLE) info

test: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_import.py

clean:
	rm -rf $(VENV) build
