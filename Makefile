# Quick start: `make run` (app on the bundled corpus) and `make test`. Both create .venv when missing.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
INDEX  ?= data/index
PORT   ?= 8501
# ENGINE=milvus: the index on Milvus (Lite in $(INDEX)/milvus.db, or MILVUS_URI=http://host:19530 with
# the token in $$POLICYKB_MILVUS_TOKEN); empty: the engine the index was built on, else local.
ENGINE ?=
MILVUS_URI ?=
MILVUS_STAMP := $(VENV)/.installed-milvus
NEED_MILVUS := $(if $(filter milvus,$(ENGINE))$(MILVUS_URI),$(MILVUS_STAMP))
ENGINE_ARGS := $(if $(ENGINE),--engine $(ENGINE)) $(if $(MILVUS_URI),--milvus-uri $(MILVUS_URI))

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
	touch $(STAMP) $(TEST_STAMP) $(MILVUS_STAMP)

$(MILVUS_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e ".[milvus]"
	touch $(MILVUS_STAMP)

run: $(STAMP) $(NEED_MILVUS)  # the embedding graph is built once into data/models, beside the index
	POLICYKB_MODEL_CACHE=$(CURDIR)/data/models $(BIN)/policykb serve --index $(INDEX) --corpus corpus --port $(PORT) $(ENGINE_ARGS)

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
