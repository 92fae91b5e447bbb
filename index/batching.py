"""Cutting a stream into lists of a fixed size (``itertools.batched`` arrives only in Python 3.12)."""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator
from typing import TypeVar

T = TypeVar("T")


def batched(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """Lists of ``size`` items in order, the last one shorter; reads ``items`` only as far as needed."""
    iterator = iter(items)
    while batch := list(itertools.islice(iterator, size)):
        yield batch
