"""URLs and paths written in ``pyproject.toml``: which are local, and how to show them safely.

An index URL or a source URL may carry credentials (``https://user:token@host/``):
every message that quotes one goes through :func:`redact`.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlsplit

from universal_lock.project.document import KeyPath, PyprojectDocument, redact_credentials

_URL_SCHEMES = frozenset({"http", "https", "file"})


def redact(url: str) -> str:
    """``url`` with any user name and password replaced by ``***``."""
    return redact_credentials(url)


def is_remote(url: str) -> bool:
    """Whether ``url`` is an ``http(s)`` URL (anything else is a file or a path)."""
    return urlsplit(url).scheme.lower() in {"http", "https"}


def local_location(document: PyprojectDocument, url: str, at: KeyPath, *, what: str) -> Path | None:
    """The existing file or directory ``url`` names on disk, or ``None`` for an ``http(s)`` URL.

    ``url`` is a path relative to the project directory, an absolute path or a
    ``file:`` URL. A missing file, an unknown scheme or a URL without a host is an error.
    """
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    # A one-letter scheme is a Windows drive ("C:/wheels"), i.e. a path.
    if len(scheme) > 1 and scheme not in _URL_SCHEMES:
        raise document.error(
            at,
            f"unsupported URL scheme {parts.scheme!r} in {redact(url)!r}",
            hint="use an `https://` URL, a `file://` URL or a path relative to the project",
        )
    if scheme in {"http", "https"}:
        if not parts.hostname:
            raise document.error(at, f"the URL {redact(url)!r} has no host")
        return None
    path = Path(unquote(parts.path)) if scheme == "file" else document.directory / url
    if not path.exists():
        raise document.error(
            at,
            f"the {what} `{path}` does not exist",
            hint="relative paths start at the directory of `pyproject.toml`",
        )
    return path.resolve()
