# Two commands: `make demo` and `make test`. Both set everything up on a fresh machine.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
SAMPLE := build/sample-project
STAMP  := $(VENV)/.installed

.PHONY: demo test sample lab lint bench clean libreoffice tmux chromium

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	$(BIN)/python -m codebook.interchange.report.deid  # deduce's name lists, built once (~1 min)
	touch $(STAMP)

sample: $(STAMP)
	rm -rf $(SAMPLE)
	$(BIN)/codebook init $(SAMPLE)
	$(BIN)/codebook --project $(SAMPLE) import --attributes transcripts/attributes.csv \
		$$(ls transcripts/* | grep -v -e attributes.csv -e sample-codings.csv -e participants.csv)
	$(BIN)/codebook --project $(SAMPLE) codings import transcripts/sample-codings.csv
	$(BIN)/codebook --project $(SAMPLE) participants import transcripts/participants.csv

# Opens as CODEBOOK_CODER, or as the coder with most codings in the sample (read from its store),
# so the transcript list shows coded work from the first screen.
demo: sample
	$(BIN)/codebook --project $(SAMPLE) code --coder "$${CODEBOOK_CODER:-$$($(BIN)/python -c \
		'import sys; from codebook import Project; print(Project.open(sys.argv[1]).top_coder() or "researcher")' \
		$(SAMPLE))}"

# JupyterLab on notebooks/ with the sample project (built if missing); the notebooks read
# CODEBOOK_PROJECT, CODEBOOK_CODER and CODEBOOK_BY (see the README).
$(VENV)/.notebooks: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[dev,notebooks]'
	touch $@

$(SAMPLE)/.codebook/project.sqlite:
	$(MAKE) sample

lab: $(VENV)/.notebooks $(SAMPLE)/.codebook/project.sqlite
	CODEBOOK_PROJECT=$${CODEBOOK_PROJECT:-$(abspath $(SAMPLE))} $(BIN)/jupyter lab \
		$$([ "$$(id -u)" = 0 ] && echo --allow-root) notebooks/

test: $(STAMP) libreoffice tmux chromium
	$(BIN)/ruff check src tests benchmarks
	bash .ci/postgres.sh run $(BIN)/python -m pytest  # a throwaway PostgreSQL for the store tests

# LibreOffice (Debian) turns the Word report into a PDF in one test; fail-soft: without it,
# that test is skipped with the reason.
libreoffice:
	@command -v soffice >/dev/null 2>&1 || { \
	  { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 && apt-get update -qq && \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
	      libreoffice-writer-nogui >/dev/null; } || \
	  echo "LibreOffice could not be installed: the PDF test of the report will be skipped"; }

# tmux drives the TUI through a real terminal in the crash-safety test; fail-soft like above.
tmux:
	@command -v tmux >/dev/null 2>&1 || { \
	  { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 && apt-get update -qq && \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq tmux >/dev/null; } || \
	  echo "tmux could not be installed: the crash-safety test will be skipped"; }

# Headless Chromium loads `codebook serve` in the browser test; fail-soft like above.
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 && apt-get update -qq && \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
	      chromium >/dev/null; } || \
	  echo "Chromium could not be installed: the browser test of codebook serve will be skipped"; }

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks

# Every benchmark, one table (about 3 minutes; progress on stderr).
bench: $(STAMP)
	$(BIN)/python benchmarks/run_all.py

clean:
	rm -rf $(VENV) build
