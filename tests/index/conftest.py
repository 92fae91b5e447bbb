from __future__ import annotations

import pytest
from index_helpers import HashEmbedder


@pytest.fixture
def embedder() -> HashEmbedder:
    return HashEmbedder()
