"""Credentials for indexes, URL redaction, and the HTTPS rule.

Credentials come from the index URL's userinfo, then ``ULOCK_INDEX_<NAME>_USERNAME`` /
``_PASSWORD``, then netrc. They are attached per request by host and never kept in any URL the
client reports: everything user-visible goes through ``redact_url``.
"""

from __future__ import annotations

import ipaddress
import netrc
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit, urlunsplit

from universal_lock.errors import InputError


@dataclass(frozen=True, slots=True, kw_only=True)
class Credentials:
    """A username and password for HTTP basic auth. ``repr`` hides the password."""

    username: str
    password: str

    def __repr__(self) -> str:
        return f"Credentials(username={self.username!r}, password='****')"


def redact_url(url: str) -> str:
    """``url`` without its userinfo (``https://u:p@host/x`` → ``https://host/x``)."""
    if "@" not in url:
        return url
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url
    host = parts.netloc.rsplit("@", 1)[1]
    return urlunsplit((parts.scheme, host, parts.path, parts.query, parts.fragment))


def split_credentials(url: str) -> tuple[str, Credentials | None]:
    """Separate the userinfo from a URL: the clean URL and the credentials it carried."""
    parts = urlsplit(url)
    if parts.username is None:
        return url, None
    credentials = Credentials(
        username=unquote(parts.username), password=unquote(parts.password or "")
    )
    return redact_url(url), credentials


def env_var_prefix(index_name: str) -> str:
    """``ULOCK_INDEX_<NAME>`` with NAME upper-cased and ``-`` (and ``.``) turned into ``_``."""
    return "ULOCK_INDEX_" + index_name.upper().replace("-", "_").replace(".", "_")


def find_credentials(
    index_name: str,
    url: str,
    *,
    environ: Mapping[str, str] | None = None,
    netrc_path: Path | None = None,
) -> Credentials | None:
    """The credentials for one index: from its URL, the environment, or netrc (in that order)."""
    _clean, from_url = split_credentials(url)
    if from_url is not None and from_url.password:
        return from_url
    env = os.environ if environ is None else environ
    prefix = env_var_prefix(index_name)
    username = env.get(f"{prefix}_USERNAME") or (from_url.username if from_url else None)
    password = env.get(f"{prefix}_PASSWORD")
    if username is not None and password is not None:
        return Credentials(username=username, password=password)
    host = urlsplit(url).hostname
    from_netrc = _netrc_lookup(host, env, netrc_path) if host else None
    if from_netrc is not None:
        return from_netrc
    if username is not None:
        return Credentials(username=username, password=password or "")
    return None


def _netrc_lookup(host: str, env: Mapping[str, str], path: Path | None) -> Credentials | None:
    if path is None:
        path = Path(env["NETRC"]) if env.get("NETRC") else Path.home() / ".netrc"
    if not path.is_file():
        return None
    try:
        entry = netrc.netrc(str(path)).authenticators(host)
    except (netrc.NetrcParseError, OSError):
        # A broken netrc must not stop a lock that may not need it; the index will answer 401.
        return None
    if entry is None:
        return None
    login, _account, password = entry
    return Credentials(username=login, password=password or "")


def host_key(url: str) -> str | None:
    """``host`` or ``host:port`` of a URL: the unit credentials are bound to."""
    parts = urlsplit(url)
    if parts.hostname is None:
        return None
    return f"{parts.hostname}:{parts.port}" if parts.port else parts.hostname


def is_loopback(host: str) -> bool:
    """Whether ``host`` names this machine (``localhost``, ``127.0.0.0/8``, ``::1``)."""
    if host.lower() == "localhost" or host.lower().endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def require_secure(url: str, allow_insecure_hosts: frozenset[str], *, index: str) -> None:
    """Refuse plain HTTP except to loopback and hosts in ``allow-insecure-host``.

    Raises ``InputError`` naming the index and the redacted URL.
    """
    parts = urlsplit(url)
    if parts.scheme != "http":
        return
    host = parts.hostname or ""
    allowed = {entry.lower() for entry in allow_insecure_hosts}
    with_port = f"{host}:{parts.port}" if parts.port else host
    if is_loopback(host) or host.lower() in allowed or with_port.lower() in allowed:
        return
    raise InputError(
        f"index `{index}` uses plain HTTP (`{redact_url(url)}`); ulock requires HTTPS",
        key="tool.ulock.index",
        hint=f'use https, or add "{host}" to `allow-insecure-host` if you trust the network',
    )
