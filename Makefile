# Quick start: `make run` (app on the bundled corpus) and `make test`. Both create .venv when missing.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
INDEX  ?= data/index
PORT   ?= 8501

.PHONY: run test lint bench eval clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e ".[test,st]"
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/policykb serve --index $(INDEX) --corpus corpus --port $(PORT)

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/python tests/system_setup.py
	$(BIN)/python -m pytest -ra

eval: $(STAMP)
	$(BIN)/policykb ingest corpus --index $(INDEX)
	$(BIN)/policykb eval ../shared/eval/dev_questions.jsonl --index $(INDEX)
	$(BIN)/policykb eval ../shared/eval/dev_paraphrase_questions.jsonl --index $(INDEX)

bench: $(STAMP)
	$(BIN)/policykb bench

clean:
	rm -rf $(VENV) data *.egg-info
