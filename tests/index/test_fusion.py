from __future__ import annotations

import pytest

from index.fusion import reciprocal_rank_fusion


def test_reciprocal_rank_fusion_exact_scores() -> None:
    fused = reciprocal_rank_fusion([[1, 2, 3], [3, 1]])
    assert [item for item, _ in fused] == [1, 3, 2]
    scores = dict(fused)
    assert scores[1] == pytest.approx(1 / 61 + 1 / 62)
    assert scores[3] == pytest.approx(1 / 63 + 1 / 61)
    assert scores[2] == pytest.approx(1 / 62)


def test_reciprocal_rank_fusion_weights_and_k() -> None:
    fused = reciprocal_rank_fusion([[1], [2]], weights=[1.0, 2.0], k=1)
    assert fused == [(2, 1.0), (1, 0.5)]
