from __future__ import annotations

from index.batching import batched


def test_batches_keep_order_and_end_short() -> None:
    assert list(batched(range(7), 3)) == [[0, 1, 2], [3, 4, 5], [6]]
    assert list(batched([], 3)) == []


def test_reads_only_as_far_as_asked() -> None:
    seen: list[int] = []

    def numbers():
        for n in range(100):
            seen.append(n)
            yield n

    first = next(batched(numbers(), 4))
    assert (first, seen) == ([0, 1, 2, 3], [0, 1, 2, 3])
