"""Errors of the index client. Every URL in them has been through ``redact_url`` first.

Absence (no such project, offline cache miss) is not here: those are values in ``models``.
"""

from __future__ import annotations

from universal_lock.errors import UlockError


class IndexFailure(UlockError):
    """An index could not be used: the request failed after every retry, or answered badly.

    ``url`` is redacted; ``status`` is the last HTTP status when there was one.
    """

    def __init__(
        self, url: str, reason: str, *, status: int | None = None, hint: str | None = None
    ) -> None:
        super().__init__(f"request to `{url}` failed: {reason}", hint=hint)
        self.url = url
        self.status = status


class MalformedPage(UlockError):
    """An index page or metadata file that does not follow the standard it claims to."""

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(f"`{url}` is not a valid index response: {reason}")
        self.url = url


class HashMismatch(UlockError):
    """A downloaded file's sha256 differs from the one the index (or the lock) gave."""

    def __init__(self, url: str, *, expected: str, actual: str) -> None:
        super().__init__(
            f"hash mismatch for `{url}`: expected sha256 {expected}, got {actual}",
            hint="the file changed on the index or was corrupted in transit; do not install it",
        )
        self.url = url
        self.expected = expected
        self.actual = actual


class OfflineMiss(UlockError):
    """Offline mode needed something the cache does not hold (raised where no value fits)."""

    def __init__(self, what: str) -> None:
        super().__init__(f"offline: {what}", hint="run once without `--offline` to fill the cache")
        self.what = what


class MetadataBuildFailed(UlockError):
    """A source distribution's metadata could not be prepared (PEP 517 hook failed)."""

    def __init__(self, filename: str, reason: str) -> None:
        super().__init__(f"could not prepare the metadata of `{filename}`: {reason}")
        self.filename = filename
