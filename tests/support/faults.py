"""Fault injection for the test index: which requests fail, and how a failure is sent.

`FaultPlan` holds what tests asked for (`IndexServer.inject`) and hands out one fault per
matching request until each is used up; it is shared between the test's thread and the server's
event loop, hence the lock. The senders below make the failures real at the TCP level.
"""

from __future__ import annotations

import fnmatch
import socket
import struct
import threading
from dataclasses import dataclass
from typing import Literal, get_args

from aiohttp import web

FaultKind = Literal["500", "reset", "slow", "truncate", "corrupt"]


@dataclass(slots=True, kw_only=True)
class Fault:
    pattern: str
    kind: FaultKind
    remaining: int
    delay: float


class DroppedConnection(Exception):
    """Raised inside a handler after the connection was closed on purpose."""


class FaultPlan:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._faults: list[Fault] = []

    def add(self, pattern: str, kind: FaultKind, *, times: int, delay: float) -> None:
        if kind not in get_args(FaultKind):
            raise ValueError(f"unknown fault kind {kind!r}")
        with self._lock:
            self._faults.append(Fault(pattern=pattern, kind=kind, remaining=times, delay=delay))

    def take(self, path: str) -> Fault | None:
        """The first planned fault that matches `path` and is not used up; it is used once."""
        with self._lock:
            for fault in self._faults:
                if fault.remaining > 0 and fnmatch.fnmatchcase(path, fault.pattern):
                    fault.remaining -= 1
                    return fault
        return None


def reset_connection(request: web.Request) -> None:
    """Close the connection with a TCP reset and no response."""
    transport = request.transport
    if transport is None:
        return
    sock: socket.socket | None = transport.get_extra_info("socket")
    if sock is not None:
        # SO_LINGER with a zero timeout makes close() send RST instead of FIN.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    transport.abort()


async def send_truncated(request: web.Request, response: web.StreamResponse) -> None:
    """Send `response`'s status and headers with its full Content-Length, half its body, close.

    An empty body is announced as one byte, so the client always sees too few.
    """
    body = response.body if isinstance(response, web.Response) else b""
    data = bytes(body) if isinstance(body, bytes | bytearray) else b""
    stream = web.StreamResponse(status=response.status, headers=response.headers)
    stream.content_length = len(data) if data else 1
    await stream.prepare(request)
    await stream.write(data[: len(data) // 2])
    if request.transport is not None:
        request.transport.abort()


def corrupted(response: web.StreamResponse) -> web.StreamResponse:
    """The same response with its last body byte flipped: same length, different hash."""
    body = response.body if isinstance(response, web.Response) else None
    if not isinstance(body, bytes | bytearray) or not body:
        return response
    damaged = bytes(body[:-1]) + bytes([body[-1] ^ 0xFF])
    return web.Response(status=response.status, body=damaged, headers=response.headers)
