"""Finding a wheel's ``METADATA`` inside its zip from a few byte ranges (pure functions).

A zip ends with the end-of-central-directory record, which says where the central directory
is; the central directory says where each member's local header is. So three small reads —
the tail, the central directory (often already inside the tail), the one member — give the
metadata of a wheel of any size. ZIP64 archives are handled.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterable
from dataclasses import dataclass

from packaging.utils import canonicalize_name

from universal_lock.index.errors import MalformedPage

_EOCD = b"PK\x05\x06"
_ZIP64_LOCATOR = b"PK\x06\x07"
_ZIP64_EOCD = b"PK\x06\x06"
_CENTRAL = b"PK\x01\x02"
_LOCAL = b"PK\x03\x04"
_LOCAL_HEADER_SIZE = 30
_CENTRAL_HEADER_SIZE = 46

TAIL_SIZE = 64 * 1024
"""How many bytes to ask for first: the EOCD plus, for most wheels, the central directory."""


@dataclass(frozen=True, slots=True, kw_only=True)
class CentralDirectory:
    """Where the central directory lies in the file (absolute offset, length)."""

    offset: int
    size: int


@dataclass(frozen=True, slots=True, kw_only=True)
class Member:
    """One zip member as the central directory describes it."""

    name: str
    header_offset: int
    compressed_size: int
    method: int
    extra_length: int


def locate_central_directory(tail: bytes, tail_offset: int, url: str) -> CentralDirectory:
    """Read the (ZIP64) end-of-central-directory record from the last bytes of a file.

    ``tail_offset`` is where ``tail`` starts in the file. Raises ``MalformedPage`` (with
    ``url``) when the bytes are not the end of a zip file.
    """
    position = tail.rfind(_EOCD)
    if position < 0 or len(tail) < position + 22:
        raise MalformedPage(url, "not a zip file (no end of central directory)")
    (_sig, _disk, _cd_disk, _n_disk, count, size, offset, _comment) = struct.unpack(
        "<4s4H2LH", tail[position : position + 22]
    )
    if 0xFFFFFFFF in (size, offset) or count == 0xFFFF:
        locator = position - 20
        if locator < 0 or tail[locator : locator + 4] != _ZIP64_LOCATOR:
            raise MalformedPage(url, "ZIP64 archive without a ZIP64 locator")
        (_sig, _disk, record_offset, _disks) = struct.unpack("<4sLQL", tail[locator : locator + 20])
        start = record_offset - tail_offset
        if start < 0 or tail[start : start + 4] != _ZIP64_EOCD:
            raise MalformedPage(url, "ZIP64 end record is not where its locator says")
        fields = struct.unpack("<4sQ2H2L4Q", tail[start : start + 56])
        size, offset = fields[8], fields[9]
    return CentralDirectory(offset=offset, size=size)


def read_members(central: bytes, url: str) -> list[Member]:
    """All members listed in a central directory."""
    members: list[Member] = []
    position = 0
    while position + _CENTRAL_HEADER_SIZE <= len(central):
        if central[position : position + 4] != _CENTRAL:
            break
        fields = struct.unpack("<4s6H3L5H2L", central[position : position + _CENTRAL_HEADER_SIZE])
        method = fields[4]
        compressed, name_length, extra_length, comment_length = (
            fields[8],
            fields[10],
            fields[11],
            fields[12],
        )
        header_offset = fields[16]
        name_start = position + _CENTRAL_HEADER_SIZE
        name = central[name_start : name_start + name_length].decode("utf-8", "replace")
        extra = central[name_start + name_length : name_start + name_length + extra_length]
        if 0xFFFFFFFF in (compressed, header_offset):
            compressed, header_offset = _zip64_sizes(extra, fields[9], compressed, header_offset)
        members.append(
            Member(
                name=name,
                header_offset=header_offset,
                compressed_size=compressed,
                method=method,
                extra_length=extra_length,
            )
        )
        position = name_start + name_length + extra_length + comment_length
    if not members:
        raise MalformedPage(url, "empty or unreadable zip central directory")
    return members


def _zip64_sizes(
    extra: bytes, uncompressed: int, compressed: int, header_offset: int
) -> tuple[int, int]:
    # The ZIP64 extra field (id 1) holds, in order, only the values that overflowed.
    position = 0
    while position + 4 <= len(extra):
        tag, length = struct.unpack("<2H", extra[position : position + 4])
        data = extra[position + 4 : position + 4 + length]
        if tag == 1:
            values = [struct.unpack("<Q", data[i : i + 8])[0] for i in range(0, len(data) - 7, 8)]
            if uncompressed == 0xFFFFFFFF and values:
                values.pop(0)
            if compressed == 0xFFFFFFFF and values:
                compressed = values.pop(0)
            if header_offset == 0xFFFFFFFF and values:
                header_offset = values.pop(0)
            break
        position += 4 + length
    return compressed, header_offset


def metadata_member_name(names: Iterable[str], project: str, version: str) -> str | None:
    """The ``<name>-<version>.dist-info/METADATA`` member of a wheel, if it has one.

    When a wheel holds several ``.dist-info`` directories (vendored junk), the one whose
    name matches the project wins.
    """
    candidates = [
        name
        for name in names
        if name.count("/") == 1
        and name.endswith("/METADATA")
        and name.split("/", 1)[0].endswith(".dist-info")
    ]
    wanted = canonicalize_name(project)
    for name in candidates:
        stem = name.split("/", 1)[0].removesuffix(".dist-info")
        dist_name, _sep, _version = stem.rpartition("-")
        if canonicalize_name(dist_name) == wanted:
            return name
    return candidates[0] if len(candidates) == 1 else None


def member_span(member: Member) -> tuple[int, int]:
    """A byte range (start, end inclusive) that very likely covers the member's local header
    and data; ``extract_member`` says if it did not."""
    # The local extra field may differ from the central one; allow some slack for it.
    length = _LOCAL_HEADER_SIZE + len(member.name.encode()) + member.extra_length + 1024
    return member.header_offset, member.header_offset + length + member.compressed_size - 1


def extract_member(blob: bytes, member: Member, url: str) -> bytes | int:
    """The member's uncompressed bytes from ``blob`` (which starts at its local header).

    Returns the number of bytes needed instead when ``blob`` is too short.
    """
    if blob[:4] != _LOCAL or len(blob) < _LOCAL_HEADER_SIZE:
        raise MalformedPage(url, f"no local header for `{member.name}`")
    name_length, extra_length = struct.unpack("<2H", blob[26:30])
    start: int = _LOCAL_HEADER_SIZE + name_length + extra_length
    end = start + member.compressed_size
    if len(blob) < end:
        return end
    data = blob[start:end]
    if member.method == 0:
        return data
    if member.method == 8:
        try:
            inflated: bytes = zlib.decompressobj(-15).decompress(data)
        except zlib.error as error:
            raise MalformedPage(url, f"cannot inflate `{member.name}`: {error}") from None
        return inflated
    raise MalformedPage(url, f"unsupported zip compression method {member.method}")
