"""The Milvus search engine: the derived index in a Milvus collection, embedded (Milvus Lite, a ``.db``
file) or on a server (``http://host:19530``), reached through pymilvus either way.

The collection holds, per clause: its id (primary key), document, the passage text analysed by jieba
(with the store's user words and our stop words) and turned into a sparse BM25 vector by a Milvus
``Function``, the dense e5 vector (HNSW, cosine), and what filters need (canonical departments per
role, target years), so filters run inside Milvus as a boolean expression, not after retrieval.
Scores are never used, only the order of each list (Lite returns BM25 negated and per segment):
the two lists are fused by ``fusion.py`` exactly as the local engine fuses its own.

Rebuilds go to a new collection; the alias readers search is switched to it once it is complete,
then the old collection is dropped. The token comes from ``$POLICYKB_MILVUS_TOKEN`` only: it is
never written to params.json nor read from the command line.
"""

from __future__ import annotations

import contextlib
import logging
import os
import unicodedata
import uuid
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .batching import batched
from .engine import DEFAULT_ENGINE, ENGINES, EngineChoice  # noqa: F401  (re-exported)
from .errors import IndexMissing, SearchIndexError
from .tokenize import fold, load_stopwords

TOKEN_ENV = "POLICYKB_MILVUS_TOKEN"
LITE_FILE = "milvus.db"  # the default URI of --engine milvus: a Milvus Lite file beside the store
ROLE_FIELDS = {"lead": "lead", "cooperate": "cooperate", "responsible": "responsible"}
INSERT_BATCH = 1000
CONNECT_TIMEOUT = 10.0  # seconds pymilvus waits for a server before giving up
# Milvus Lite serves from threads of this very process: on a busy machine its gRPC server can take
# longer than a remote one to answer (a 10 s wait failed under load in CI), and a longer wait costs
# nothing when it is up.
LITE_CONNECT_TIMEOUT = 300.0
# pymilvus pings every 10 s even while idle; Milvus Lite's gRPC server keeps gRPC's default policy
# (no more than one ping per 5 minutes without data), answers an idle client's third ping with GOAWAY
# too_many_pings, and the reconnect that follows can fail the next call ("Too many pings", seen in a
# test run under load). A loopback connection needs no keepalive at all.
LITE_GRPC_OPTIONS = {"grpc.keepalive_time_ms": 2**31 - 1, "grpc.keepalive_permit_without_calls": 0}
MAX_TEXT_BYTES = 65_535  # Milvus's VARCHAR limit; longer passages are analysed by their first part
MAX_DEPARTMENTS = 1024  # per role per clause: ARRAY fields need a capacity
MAX_YEARS = 256
HNSW = {"M": 16, "efConstruction": 200}
MIN_EF = 200  # HNSW search breadth: at the index sizes of one knowledge base, near exact


def _quiet_logs() -> None:
    """pymilvus logs every failed RPC at ERROR with its traceback before raising; the exception is
    reported as one line by the caller, so the log would only repeat it as noise. Called after
    pymilvus is imported, since its import sets up its own loggers."""
    # grpc._server: Milvus Lite's in-process server logs the RPCs it does not implement (pymilvus
    # probes AllocTimestamp), which pymilvus then does without.
    for name in ("pymilvus", "pymilvus.decorators", "milvus_lite", "grpc._server"):
        logging.getLogger(name).setLevel(logging.CRITICAL)


class MilvusUnavailable(SearchIndexError):
    """Milvus cannot be reached, or refused an operation."""


def is_server(uri: str) -> bool:
    return uri.startswith(("http://", "https://", "tcp://", "grpc://"))


def recorded_uri(uri: str | None, index_dir: Path) -> str:
    """The URI as params.json keeps it: a server as given, the default Lite file relative to the
    index directory (so the directory can be moved), any other file absolute."""
    if uri is None:
        return LITE_FILE
    if is_server(uri):
        return uri
    path = Path(uri).expanduser().resolve()
    if path.parent == index_dir.resolve():
        return path.name
    return str(path)


def resolve_uri(recorded: str, index_dir: Path) -> str:
    if is_server(recorded) or Path(recorded).is_absolute():
        return recorded
    return str(index_dir / recorded)


def _one_line(exc: BaseException) -> str:
    message = getattr(exc, "message", None) or str(exc) or type(exc).__name__
    return " ".join(str(message).split())


def connect(uri: str) -> Any:  # a pymilvus.MilvusClient
    """A client for ``uri``; every failure is one MilvusUnavailable line."""
    try:
        from pymilvus import MilvusClient
    except ImportError as exc:
        raise MilvusUnavailable(
            "the milvus engine needs pymilvus and milvus-lite: pip install 'policykb[milvus]'"
        ) from exc
    _quiet_logs()
    if not is_server(uri):
        if not uri.endswith(".db"):
            raise MilvusUnavailable(f"Milvus URI {uri}: a Milvus Lite file must end in .db, a server http://")
        if not Path(uri).parent.is_dir():
            raise MilvusUnavailable(
                f"cannot open Milvus Lite at {uri}: folder {Path(uri).parent} does not exist"
            )
    try:
        token = os.environ.get(TOKEN_ENV, "")
        if is_server(uri):
            return MilvusClient(uri=uri, token=token, timeout=CONNECT_TIMEOUT)
        lite = {"timeout": LITE_CONNECT_TIMEOUT, "grpc_options": LITE_GRPC_OPTIONS}
        return MilvusClient(uri=uri, token=token, **lite)
    except Exception as exc:  # pymilvus raises MilvusException, grpc errors, OSError, RuntimeError…
        hint = " (a Milvus Lite file is open in one process at a time)" if not is_server(uri) else ""
        raise MilvusUnavailable(f"cannot reach Milvus at {uri}: {_one_line(exc)}{hint}") from exc


# ---- what goes into Milvus (pure) -------------------------------------------------------------


def analysed_text(text: str) -> str:
    """The text Milvus's analyser sees: folded like our tokenizer folds, punctuation and symbols as
    spaces (our tokenizer drops those tokens; Milvus Lite's analyser would keep them), cut to the
    VARCHAR limit on a character boundary."""
    chars = (" " if unicodedata.category(ch)[0] in "PSZC" else ch for ch in fold(text))
    out = "".join(chars)
    data = out.encode("utf-8")
    if len(data) <= MAX_TEXT_BYTES:
        return out
    return data[:MAX_TEXT_BYTES].decode("utf-8", errors="ignore")


def analyzer_params(user_words: Sequence[str]) -> dict[str, object]:
    """jieba in search mode (as ``tokenize.py``: long words and their sub-words), the store's user
    dictionary and our stop words. Not ``{"type": "chinese"}``: Milvus Lite refuses it."""
    return {
        "tokenizer": {"type": "jieba", "mode": "search", "hmm": True, "dict": ["_default_", *user_words]},
        "filter": [{"type": "stop", "stop_words": sorted(load_stopwords())}],
    }


def quote(value: str) -> str:
    """A Milvus expression string literal: backslashes and double quotes escaped."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


NOTHING = "clause_id < 0"  # an expression no clause passes (an empty filter set)


def filter_expr(
    doc_ids: Collection[str] | None = None,
    departments: Collection[str] | None = None,
    roles: Sequence[str] = tuple(ROLE_FIELDS),
    year: int | None = None,
) -> str | None:
    """The Milvus boolean expression of ``ClauseStore.matching_clause_ids``'s filters; None: no filter."""
    unknown = [r for r in roles if r not in ROLE_FIELDS]
    if unknown:
        raise ValueError(f"unknown roles: {unknown}")
    if (doc_ids is not None and not doc_ids) or (departments is not None and not (departments and roles)):
        return NOTHING
    parts = []
    if doc_ids is not None:
        parts.append(f"doc in [{', '.join(quote(d) for d in sorted(doc_ids))}]")
    if departments is not None:
        names = "[" + ", ".join(quote(d) for d in sorted(departments)) + "]"
        parts.append("(" + " or ".join(f"array_contains_any({ROLE_FIELDS[r]}, {names})" for r in roles) + ")")
    if year is not None:
        parts.append(f"array_contains(years, {int(year)})")
    return " and ".join(parts) if parts else None


def clause_row(
    clause_id: int,
    doc_id: str,
    passage: str,
    vector: np.ndarray,
    facets: tuple[dict[str, list[str]], list[int]] | None,
) -> dict[str, object]:
    roles, years = facets or ({}, [])
    row: dict[str, object] = {
        "clause_id": int(clause_id),
        "doc": doc_id,
        "text": analysed_text(passage),
        "dense": vector.astype(np.float32).tolist(),
        "years": years[:MAX_YEARS],
    }
    for role, field in ROLE_FIELDS.items():
        row[field] = roles.get(role, [])[:MAX_DEPARTMENTS]
    return row


# ---- the collection ---------------------------------------------------------------------------


def _schema(client: Any, dim: int, user_words: Sequence[str]) -> tuple[Any, Any]:
    from pymilvus import DataType, Function, FunctionType

    schema = client.create_schema(auto_id=False, enable_dynamic_field=False)
    schema.add_field("clause_id", DataType.INT64, is_primary=True)
    schema.add_field("doc", DataType.VARCHAR, max_length=1024)
    schema.add_field(
        "text",
        DataType.VARCHAR,
        max_length=MAX_TEXT_BYTES,
        enable_analyzer=True,
        analyzer_params=analyzer_params(user_words),
    )
    schema.add_field("sparse", DataType.SPARSE_FLOAT_VECTOR)
    schema.add_field("dense", DataType.FLOAT_VECTOR, dim=dim)
    for field in ROLE_FIELDS.values():
        schema.add_field(
            field, DataType.ARRAY, element_type=DataType.VARCHAR, max_capacity=MAX_DEPARTMENTS, max_length=512
        )
    schema.add_field("years", DataType.ARRAY, element_type=DataType.INT64, max_capacity=MAX_YEARS)
    schema.add_function(
        Function(
            name="text_bm25",
            function_type=FunctionType.BM25,
            input_field_names=["text"],
            output_field_names=["sparse"],
        )
    )
    index = client.prepare_index_params()
    # k1 and b as the local BM25 (index/keyword.py BM25Params), so both engines weigh terms alike.
    index.add_index(
        field_name="sparse",
        index_type="SPARSE_INVERTED_INDEX",
        metric_type="BM25",
        params={"bm25_k1": 1.5, "bm25_b": 0.75},
    )
    index.add_index(field_name="dense", index_type="HNSW", metric_type="COSINE", params=dict(HNSW))
    return schema, index


def aliased_collection(client: Any, alias: str) -> str | None:
    """The collection ``alias`` points at, None when there is no such alias."""
    try:
        for collection in client.list_collections():
            if alias in client.list_aliases(collection_name=collection).get("aliases", []):
                return str(collection)
    except Exception as exc:
        raise MilvusUnavailable(f"cannot list the Milvus aliases: {_one_line(exc)}") from exc
    return None


@dataclass(frozen=True)
class NewCollection:
    name: str
    previous: str | None  # the collection the alias pointed at before the switch


def fill_collection(
    client: Any, alias: str, dim: int, user_words: Sequence[str], rows: Iterable[dict[str, object]]
) -> str:
    """A new collection named after ``alias`` with ``rows``, flushed and loaded; dropped again when
    anything fails, so a failed build leaves Milvus as it was."""
    name = f"{alias}_{uuid.uuid4().hex[:12]}"
    try:
        schema, index = _schema(client, dim, user_words)
        client.create_collection(name, schema=schema, index_params=index)
        for batch in batched(rows, INSERT_BATCH):
            client.insert(name, batch)
        client.flush(name)
        client.load_collection(name)
    except BaseException as exc:
        drop_quietly(client, name)
        if _from_milvus(exc):  # the embedder's or the store's own errors pass through as they are
            raise MilvusUnavailable(f"Milvus refused the index build: {_one_line(exc)}") from exc
        raise
    return name


def _from_milvus(exc: BaseException) -> bool:
    return type(exc).__module__.split(".")[0] in ("pymilvus", "grpc", "milvus_lite")


def switch_alias(client: Any, alias: str, collection: str) -> str | None:
    """Point ``alias`` at ``collection`` (readers switch at once); returns the collection it left."""
    previous = aliased_collection(client, alias)
    try:
        if previous is None:
            client.create_alias(collection_name=collection, alias=alias)
        else:
            client.alter_alias(collection_name=collection, alias=alias)
    except Exception as exc:
        raise MilvusUnavailable(f"cannot switch the Milvus alias {alias}: {_one_line(exc)}") from exc
    return previous


def drop_quietly(client: Any, collection: str | None) -> None:
    """Best effort: a collection left behind wastes space but is never searched (no alias)."""
    if collection is None:
        return
    with contextlib.suppress(Exception):
        client.drop_collection(collection)


# ---- searching --------------------------------------------------------------------------------


class MilvusEngine:
    """Keyword (BM25 function) and dense searches of one alias; ranked clause ids out."""

    def __init__(self, client: Any, alias: str, uri: str) -> None:
        self.client = client
        self.alias = alias
        self.uri = uri

    @classmethod
    def open(cls, uri: str, alias: str) -> MilvusEngine:
        client = connect(uri)
        collection = aliased_collection(client, alias)
        if collection is None:
            client.close()
            raise IndexMissing(
                f"the Milvus collection {alias} is missing at {uri}: rebuild it with"
                " `policykb ingest … --engine milvus`"
            )
        try:
            # Milvus Lite opens every collection released; on a server this is a no-op when loaded.
            client.load_collection(collection)
        except Exception as exc:
            client.close()
            raise MilvusUnavailable(
                f"cannot load the Milvus collection {alias} at {uri}: {_one_line(exc)}"
            ) from exc
        return cls(client, alias, uri)

    def keyword(self, query: str, k: int, expr: str | None) -> list[int]:
        text = analysed_text(query)
        if not text.strip():
            return []
        return self._search([text], "sparse", {"metric_type": "BM25"}, k, expr)

    def semantic(self, vector: np.ndarray, k: int, expr: str | None) -> list[int]:
        params = {"metric_type": "COSINE", "params": {"ef": max(MIN_EF, k)}}
        return self._search([vector.astype(np.float32).tolist()], "dense", params, k, expr)

    def _search(
        self, data: list[Any], field: str, params: dict[str, object], k: int, expr: str | None
    ) -> list[int]:
        if expr == NOTHING:
            return []
        try:
            found = self.client.search(
                self.alias,
                data=data,
                anns_field=field,
                limit=k,
                filter=expr or "",
                search_params=params,
                output_fields=["clause_id"],
            )
        except Exception as exc:
            raise MilvusUnavailable(
                f"Milvus search of {self.alias} at {self.uri} failed: {_one_line(exc)}"
            ) from exc
        # Each list comes best first: its order is the rank, whatever the score's sign or scale.
        return [int(hit["id"] if "id" in hit else hit["clause_id"]) for hit in found[0]]

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.client.close()
