"""Bounded memos: what the runtime works out once per distinct input and then reuses.

Apps send a handful of content types and clients a few dozen header names, so a memo
answers nearly every request; but clients choose those strings (and the Host), so
each memo stops growing at :data:`LIMIT` entries, after which new inputs are worked
out each time. A memo is a plain dict, read inline (``memo[key]``, the fast path);
only a miss calls :func:`remember`.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import TypeVar

    K = TypeVar("K")
    V = TypeVar("V")

#: Entries a memo holds at most.
LIMIT = 512


def remember(memo: dict[K, V], key: K, value: V) -> V:
    """Store ``value`` under ``key`` unless ``memo`` is full; return ``value``."""
    if len(memo) < LIMIT:
        memo[key] = value
    return value
