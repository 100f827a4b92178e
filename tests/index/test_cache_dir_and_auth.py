"""Choosing the cache directory; credentials, redaction and the HTTPS rule."""

from __future__ import annotations

from pathlib import Path

import pytest

from universal_lock.errors import InputError
from universal_lock.index.auth import (
    Credentials,
    find_credentials,
    redact_url,
    require_secure,
    split_credentials,
)
from universal_lock.index.cache_dir import resolve_cache_dir

HOME = Path("/home/u")


@pytest.mark.parametrize(
    ("explicit", "environ", "platform", "expected"),
    [
        ("/x", {"ULOCK_CACHE_DIR": "/y"}, "linux", "/x"),
        (None, {"ULOCK_CACHE_DIR": "/y", "XDG_CACHE_HOME": "/z"}, "linux", "/y"),
        (None, {"XDG_CACHE_HOME": "/z"}, "linux", "/z/ulock"),
        (None, {"XDG_CACHE_HOME": "relative"}, "linux", "/home/u/.cache/ulock"),
        (None, {}, "linux", "/home/u/.cache/ulock"),
        (None, {}, "darwin", "/home/u/Library/Caches/ulock"),
        (None, {"LOCALAPPDATA": "/appdata"}, "win32", "/appdata/ulock/Cache"),
        (None, {}, "win32", "/home/u/AppData/Local/ulock/Cache"),
    ],
)
def test_cache_dir_order(explicit, environ, platform, expected):
    assert resolve_cache_dir(explicit, environ=environ, platform=platform, home=HOME) == Path(
        expected
    )


def test_redact_url():
    assert (
        redact_url("https://user:tok@host.example:8443/simple/")
        == "https://host.example:8443/simple/"
    )
    assert redact_url("https://host.example/simple/") == "https://host.example/simple/"
    assert redact_url("https://tok@host.example/a?b=c") == "https://host.example/a?b=c"


def test_split_credentials_decodes_userinfo():
    clean, credentials = split_credentials("https://us%40er:p%3Ass@h.example/simple")
    assert clean == "https://h.example/simple"
    assert credentials == Credentials(username="us@er", password="p:ss")
    assert "p:ss" not in repr(credentials)


def test_credentials_precedence_url_then_env_then_netrc(tmp_path):
    netrc = tmp_path / "netrc"
    netrc.write_text("machine h.example login nuser password npass\n")
    netrc.chmod(0o600)
    env = {"ULOCK_INDEX_MY_INDEX_USERNAME": "euser", "ULOCK_INDEX_MY_INDEX_PASSWORD": "epass"}
    url_creds = find_credentials(
        "my-index", "https://u:p@h.example/s", environ=env, netrc_path=netrc
    )
    assert url_creds == Credentials(username="u", password="p")
    env_creds = find_credentials("my-index", "https://h.example/s", environ=env, netrc_path=netrc)
    assert env_creds == Credentials(username="euser", password="epass")
    netrc_creds = find_credentials("other", "https://h.example/s", environ=env, netrc_path=netrc)
    assert netrc_creds == Credentials(username="nuser", password="npass")
    assert (
        find_credentials("other", "https://elsewhere.example/s", environ={}, netrc_path=netrc)
        is None
    )
    # A username in the URL with the password from the environment.
    partial = find_credentials(
        "my-index",
        "https://who@h.example/s",
        environ={"ULOCK_INDEX_MY_INDEX_PASSWORD": "pw"},
        netrc_path=netrc,
    )
    assert partial == Credentials(username="who", password="pw")


@pytest.mark.parametrize(
    "url",
    [
        "https://anything.example/simple",
        "http://127.0.0.1:8080/simple",
        "http://localhost/simple",
        "http://[::1]:9000/simple",
        "http://internal.example/simple",
        "http://mirror.example:8080/simple",
    ],
)
def test_https_or_allowed_hosts_pass(url):
    require_secure(url, frozenset({"internal.example", "mirror.example:8080"}), index="i")


def test_plain_http_elsewhere_is_an_input_error_without_credentials():
    with pytest.raises(InputError) as caught:
        require_secure("http://u:secret@evil.example/simple", frozenset(), index="corp")
    text = str(caught.value)
    assert caught.value.exit_code == 2
    assert "secret" not in text
    assert "`corp`" in text
    assert "allow-insecure-host" in text
