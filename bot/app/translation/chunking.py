"""Split a batch within DeepL's request limits: 50 texts and 128 KiB of request body."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from typing import TypeVar

MAX_TEXTS = 50
MAX_REQUEST_BYTES = 128 * 1024
# Room for the other fields (languages, glossary id, context, tags) and the JSON framing.
_OVERHEAD = 8 * 1024
MAX_BATCH_BYTES = MAX_REQUEST_BYTES - _OVERHEAD  # what the texts of one request may take

T = TypeVar("T")


def encoded_size(text: str) -> int:
    """Bytes the text takes in the JSON body `requests` sends (ASCII-escaped)."""
    return len(json.dumps(text)) + 2


def chunk(
    items: Iterable[T],
    key: Callable[[T], int],
    max_items: int = MAX_TEXTS,
    max_bytes: int = MAX_BATCH_BYTES,
) -> Iterator[list[T]]:
    """Consecutive groups, each within both limits. An item too big on its own goes alone
    (the backend will refuse it, and only it)."""
    current: list[T] = []
    size = 0
    for item in items:
        item_size = key(item)
        if current and (len(current) >= max_items or size + item_size > max_bytes):
            yield current
            current, size = [], 0
        current.append(item)
        size += item_size
    if current:
        yield current
