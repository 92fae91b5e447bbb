"""Chinese tokenization for BM25: folded text, jieba with a user dictionary built from the store.

jieba's search mode (``cut_for_search``) is used because it emits a long word *and* its dictionary
sub-words (省发展改革委 -> 发展, 改革, 发展改革委, …), so a query naming a part still matches.
Each ``ClauseTokenizer`` owns a private ``jieba.Tokenizer`` so user words never leak into other
users of the global jieba instance.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import re
import unicodedata
from collections.abc import Callable, Iterable
from importlib import resources
from pathlib import Path

import jieba

from .model_cache import model_cache_dir
from .store import ClauseStore

TOKENIZER_NAME = "jieba-search"
TOKENIZER_VERSION = 2  # 2: fold() maps traditional characters to simplified
USE_HMM = True  # jieba's HMM guesses unknown words (names of new programmes); deterministic
# Quoted programme names such as “工赋山东” or “万企转型”: long enough to mean something, short enough
# not to be a quoted sentence.
_QUOTED = re.compile(r"[“\"]([^”\"\s]{2,8})[”\"]")
# jieba's prefix dictionary, pickled once per machine and jieba version (it is built from jieba's own
# dictionary; user words are added after loading): ~1 s to load instead of ~2.5 s to build.
_JIEBA_CACHE_NAME = f"jieba-{jieba.__version__}.cache"
# Frequency given to user words: high enough that jieba keeps them whole (suggest_freq would cut
# the whole corpus per word, too slow for thousands of words).
_USER_WORD_FREQ = 2000

logging.getLogger("jieba").setLevel(logging.WARNING)  # jieba logs its load at INFO on every start


def _load_fold() -> Callable[[str], str]:
    try:
        from ingest.text import fold  # the project-wide folding once ingest provides it
    except ImportError:
        return lambda text: unicodedata.normalize("NFKC", text)
    return fold


_fold = _load_fold()


def fold(text: str) -> str:
    """Full-width/half-width folding (NFKC) and lower case, for matching only."""
    return _fold(text).lower()


def load_stopwords() -> frozenset[str]:
    text = resources.files("index").joinpath("data/stopwords.txt").read_text(encoding="utf-8")
    words = (line.strip() for line in text.splitlines())
    return frozenset(fold(w) for w in words if w and not w.startswith("#"))


def _is_noise(token: str) -> bool:
    """Whitespace, punctuation and symbols only: carries nothing for ranking."""
    return all(ch.isspace() or unicodedata.category(ch)[0] in "PSZC" for ch in token)


class ClauseTokenizer:
    def __init__(self, user_words: Iterable[str] = (), cache_dir: Path | None = None) -> None:
        self.user_words = tuple(sorted({fold(w) for w in user_words if w.strip()}))
        self._jieba = jieba.Tokenizer()
        self.cache_dir = cache_dir or model_cache_dir()
        # Unwritable: jieba then builds the dictionary in memory and logs why it could not keep it.
        with contextlib.suppress(OSError):
            self.cache_dir.mkdir(parents=True, exist_ok=True)
        self._jieba.tmp_dir = str(self.cache_dir)
        self._jieba.cache_file = _JIEBA_CACHE_NAME
        self._jieba.initialize()
        for word in self.user_words:
            self._jieba.add_word(word, freq=_USER_WORD_FREQ)
        self._stopwords = load_stopwords()

    def tokenize(self, text: str) -> list[str]:
        tokens = self._jieba.cut_for_search(fold(text), HMM=USE_HMM)
        return [t for t in tokens if t not in self._stopwords and not _is_noise(t)]

    def settings(self) -> dict[str, object]:
        return tokenizer_fingerprint()


def tokenizer_fingerprint() -> dict[str, object]:
    """What decides how text becomes BM25 terms; an index built under other settings is stale."""
    stopwords = "\n".join(sorted(load_stopwords())).encode("utf-8")
    return {
        "name": TOKENIZER_NAME,
        "version": TOKENIZER_VERSION,
        "hmm": USE_HMM,
        "stopwords": hashlib.sha256(stopwords).hexdigest()[:16],
    }


def quoted_terms(text: str) -> list[str]:
    return _QUOTED.findall(text)


def user_words_from_store(store: ClauseStore) -> list[str]:
    """Department names (canonical and printed) and quoted programme names of every clause."""
    words: set[str] = set()
    for canonical, printed in store.department_names().items():
        words.add(canonical)
        words |= printed
    for _, _, heading, text in store.iter_passages():
        words.update(quoted_terms(heading))
        words.update(quoted_terms(text))
    return sorted(words)
