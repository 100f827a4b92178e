"""Any [tool.ulock] / [tool.uv] content either loads or raises InputError: never a traceback."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import tomlkit
from hypothesis import given
from hypothesis import strategies as st

from universal_lock.errors import InputError
from universal_lock.project import load_project

_KEYS = [
    "environments",
    "required-environments",
    "conflicts",
    "override-dependencies",
    "constraint-dependencies",
    "index-strategy",
    "prerelease",
    "resolution",
    "exclude-newer",
    "allow-insecure-host",
    "default-groups",
    "index",
    "sources",
    "extra",
    "group",
    "name",
    "url",
    "path",
    "marker",
    "explicit",
    "default",
    "format",
    "torch",
    "git",
    "package",
]
_WORDS = [
    "cu118",
    "dev",
    "docs",
    "all",
    "flat",
    "accel",
    "torch>=2",
    "torch>=>2",
    "sys_platform == 'linux'",
    "sys_platform == 'darwin'",
    "'cu118' in extras",
    "os_name ~ 'nt'",
    "https://accel.example/simple",
    "https://u:p@accel.example/",
    "ftp://x.example/",
    "./missing",
    ".",
    "2026-01-01",
    "2026-01-01T00:00:00Z",
    "highest",
    "first-index",
    "",
]
_LEAVES = st.one_of(st.sampled_from(_WORDS), st.integers(-2, 2), st.booleans(), st.text(max_size=5))
_VALUES = st.recursive(
    _LEAVES,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(_KEYS), inner, max_size=4)
    ),
    max_leaves=12,
)

_PROJECT = {
    "project": {
        "name": "app",
        "optional-dependencies": {"cu118": ["torch"], "cu124": ["torch"]},
    },
    "dependency-groups": {"dev": ["pytest"], "docs": ["mkdocs"]},
}


@given(
    table=st.dictionaries(st.sampled_from(_KEYS), _VALUES, max_size=5),
    tool=st.sampled_from(["ulock", "uv"]),
)
def test_random_settings_never_crash(table: dict[str, Any], tool: str) -> None:
    document = dict(_PROJECT, tool={tool: table})
    with tempfile.TemporaryDirectory() as directory:
        (Path(directory) / "pyproject.toml").write_text(tomlkit.dumps(document))
        try:
            load_project(Path(directory))
        except InputError as error:
            assert "Traceback" not in str(error)
            assert "pydantic" not in str(error)
            assert ":p@" not in str(error)  # credentials never shown
