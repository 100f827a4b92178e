"""HTTP byte ranges for the test index: which part of a file a `Range` header asks for.

Only what range-reading clients send is honoured: one `bytes=start-end`, `bytes=start-` or
suffix `bytes=-length` range. Anything else (several ranges, other units, nonsense) is ignored,
which RFC 9110 allows: the client then gets the whole file with 200.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

_SINGLE_RANGE = re.compile(r"bytes\s*=\s*(\d*)\s*-\s*(\d*)")


@dataclass(frozen=True, slots=True, kw_only=True)
class RangeRequest:
    start: int
    end: int
    """Inclusive, as in Content-Range."""


def parse_range(header: str | None, size: int) -> RangeRequest | Literal["unsatisfiable"] | None:
    """The range to send, "unsatisfiable" (answer 416), or None (send the whole file)."""
    if header is None:
        return None
    match = _SINGLE_RANGE.fullmatch(header.strip())
    if match is None:
        return None
    first, last = match.groups()
    if not first and not last:
        return None
    if not first:
        length = int(last)
        if length == 0 or size == 0:
            return "unsatisfiable"
        return RangeRequest(start=max(0, size - length), end=size - 1)
    start = int(first)
    if last and int(last) < start:
        return None
    if start >= size:
        return "unsatisfiable"
    end = int(last) if last else size - 1
    return RangeRequest(start=start, end=min(end, size - 1))
