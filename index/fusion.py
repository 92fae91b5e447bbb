"""Fusing ranked lists from keyword and semantic search by reciprocal rank: ids in, (id, score) out.

Ranks only, never scores: BM25 and cosine scores live on different scales (and other engines, such
as Milvus, return them negated or per segment).
"""

from __future__ import annotations

from collections.abc import Sequence

RRF_K = 60  # Cormack et al. 2009: dampens the head so one list's first hit cannot dominate


def reciprocal_rank_fusion(
    rankings: Sequence[Sequence[int]], weights: Sequence[float] | None = None, k: int = RRF_K
) -> list[tuple[int, float]]:
    """score(id) = Σ weight_i / (k + rank_i(id)), ranks from 1; best first, ties by id."""
    weights = weights if weights is not None else [1.0] * len(rankings)
    scores: dict[int, float] = {}
    for ranking, weight in zip(rankings, weights, strict=True):
        for rank, item in enumerate(ranking, start=1):
            scores[item] = scores.get(item, 0.0) + weight / (k + rank)
    return sorted(scores.items(), key=lambda pair: (-pair[1], pair[0]))
