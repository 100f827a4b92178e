"""Getting a remote wheel's ``METADATA`` cheaply: the PEP 658 file, else HTTP range requests.

``by_ranges`` reads the zip's tail, central directory and one member (usually two requests,
since the central directory tends to sit inside the tail). A server that ignores ``Range``
answers 200 with the whole file; that body is handed back so the caller can keep it as the
download instead of fetching it again.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from universal_lock.index.auth import redact_url
from universal_lock.index.errors import HashMismatch, MalformedPage
from universal_lock.index.models import Distribution
from universal_lock.index.transport import Response, Transport
from universal_lock.index.wheel_zip import (
    TAIL_SIZE,
    extract_member,
    locate_central_directory,
    member_span,
    metadata_member_name,
    read_members,
)

_CONTENT_RANGE = re.compile(r"bytes\s+(\d+)-(\d+)/(\d+|\*)")


@dataclass(frozen=True, slots=True, kw_only=True)
class WholeFile:
    """The server ignored ``Range`` and sent the whole wheel."""

    body: bytes


async def pep658(transport: Transport, dist: Distribution) -> bytes | None:
    """The ``<file>.metadata`` file, checked against the index's hash when it gave one;
    ``None`` when the index advertised it but answers 404 (the caller falls back)."""
    response = await transport.get(
        dist.url + ".metadata", kind="metadata", accept_status=frozenset({200, 404})
    )
    if response.status == 404:
        return None
    expected = dist.core_metadata_hashes.get("sha256")
    if expected is not None:
        actual = hashlib.sha256(response.body).hexdigest()
        if actual != expected:
            url = redact_url(dist.url) + ".metadata"
            raise HashMismatch(url, expected=expected, actual=actual)
    return response.body


async def by_ranges(transport: Transport, dist: Distribution) -> bytes | WholeFile | None:
    """``METADATA`` read with range requests; ``WholeFile`` if the server sent everything;
    ``None`` if it refused ranges (416), so the caller downloads the file."""
    url = dist.url
    shown = redact_url(url)
    # With the size known (PEP 700), ask for an explicit range: some servers answer a suffix
    # range longer than the file with a 200 and the whole body instead of a 206.
    first_range = (
        f"bytes={max(0, dist.size - TAIL_SIZE)}-{dist.size - 1}"
        if dist.size
        else f"bytes=-{TAIL_SIZE}"
    )
    tail = await transport.get(
        url,
        kind="range",
        headers={"Range": first_range},
        accept_status=frozenset({200, 206, 416}),
    )
    if tail.status == 200:
        return WholeFile(body=tail.body)
    span = _content_range(tail)
    if tail.status == 416 or span is None:
        return None
    tail_start, total = span
    directory = locate_central_directory(tail.body, tail_start, shown)
    if directory.offset >= tail_start:
        begin = directory.offset - tail_start
        central = tail.body[begin : begin + directory.size]
    else:
        central = await _range(
            transport, url, directory.offset, directory.offset + directory.size - 1
        )
    members = read_members(central, shown)
    wanted = metadata_member_name((m.name for m in members), dist.name, str(dist.version))
    member = next((m for m in members if m.name == wanted), None)
    if member is None:
        raise MalformedPage(shown, "wheel without a `.dist-info/METADATA`")
    start, end = member_span(member)
    end = min(end, total - 1)
    if start >= tail_start:
        blob = tail.body[start - tail_start :]
    else:
        blob = await _range(transport, url, start, end)
    result = extract_member(blob, member, shown)
    if isinstance(result, int):
        blob = await _range(transport, url, start, start + result - 1)
        result = extract_member(blob, member, shown)
        if isinstance(result, int):
            raise MalformedPage(shown, "the server sent a short range")
    return result


async def _range(transport: Transport, url: str, start: int, end: int) -> bytes:
    response = await transport.get(
        url,
        kind="range",
        headers={"Range": f"bytes={start}-{end}"},
        accept_status=frozenset({206, 200}),
    )
    if response.status == 200:
        return response.body[start : end + 1]
    return response.body


def _content_range(response: Response) -> tuple[int, int] | None:
    for key, value in response.headers.items():
        if key.lower() == "content-range":
            match = _CONTENT_RANGE.match(value.strip())
            if match and match.group(3) != "*":
                return int(match.group(1)), int(match.group(3))
    return None
