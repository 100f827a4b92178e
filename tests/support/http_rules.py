"""How the test index reads a request's Range and conditional headers (RFC 9110).

Ranges: only what range-reading clients send is honoured: one `bytes=start-end`,
`bytes=start-` or suffix `bytes=-length` range. Anything else (several ranges, other units,
nonsense) is ignored, which RFC 9110 allows: the client then gets the whole file with 200.

Validators: If-None-Match (weak comparison, `*`) decides when present; otherwise
If-Modified-Since against the page's Last-Modified.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
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


def not_modified(
    *,
    if_none_match: str | None,
    if_modified_since: str | None,
    etag: str,
    modified: datetime | None,
) -> bool:
    """Whether a conditional GET may be answered 304."""
    if if_none_match is not None:
        # If-None-Match wins over If-Modified-Since (RFC 9110 13.2.2).
        tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
        return "*" in tags or etag in tags
    if if_modified_since is None or modified is None:
        return False
    try:
        since = parsedate_to_datetime(if_modified_since)
    except (TypeError, ValueError):
        return False
    if since.tzinfo is None:
        since = since.replace(tzinfo=UTC)
    return modified <= since
