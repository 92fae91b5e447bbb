# Quick start: `make run` (app on the bundled corpus) and `make test`. Both create .venv when missing.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
INDEX  ?= data/index
PORT   ?= 8501

.PHONY: run test lint bench eval clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

# `make run` installs what running needs; `make test` adds the test tools and the optional
# sentence-transformers backend (torch), which the tests of that backend need.
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e .
	touch $(STAMP)

$(TEST_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e ".[test,st]"
	touch $(STAMP) $(TEST_STAMP)

run: $(STAMP)  # the embedding graph is built once into data/models, beside the index
	POLICYKB_MODEL_CACHE=$(CURDIR)/data/models $(BIN)/policykb serve --index $(INDEX) --corpus corpus --port $(PORT)

# One worker per core, whole files per worker so a module's fixture is built once.
test: $(TEST_STAMP)
	$(BIN)/ruff check .
	$(BIN)/python tests/system_setup.py
	$(BIN)/python -m pytest -ra -n auto --dist loadfile

eval: $(STAMP)
	$(BIN)/policykb ingest corpus --index $(INDEX)
	$(BIN)/policykb eval ../shared/eval/dev_questions.jsonl --index $(INDEX)
	$(BIN)/policykb eval ../shared/eval/dev_paraphrase_questions.jsonl --index $(INDEX)

bench: $(TEST_STAMP)  # the rank-bm25 comparison needs the test extra
	$(BIN)/policykb bench

clean:
	rm -rf $(VENV) data *.egg-info
