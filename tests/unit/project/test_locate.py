"""The key-to-line scanner behind error locations, on TOML that tries to confuse it."""

from __future__ import annotations

import tomllib
from typing import Any

import tomlkit
from hypothesis import given
from hypothesis import strategies as st

from universal_lock.project._locate import key_lines
from universal_lock.project.document import format_key

TRICKY = '''\
# [not.a.table] and key = "not a key"
[project]
name = "a" # trailing comment with "quotes" and [brackets]
description = """
[fake.header]
fake-key = "inside a multi-line string"
"""
readme = \'\'\'
[[also.fake]]\'\'\'
"quoted.key" = 'literal with "double" quotes'
"escaped \\" quote" = "value with \\" inside"
dates = [1979-05-27 07:32:00Z, 1979-05-27T00:32:00.999999-07:00, 07:32:00]
numbers = [+1_000, 0xdead_beef, -1e10, inf, -nan, true]

[project.optional-dependencies]
gpu = [
  "torch", # first
  [
    "nested", { inner.key = 1 },
  ],
  "after", ]

[[tool.ulock.index]]
name = "one"

[[tool.ulock.index]]
name = "two"
[tool.ulock.index.extra]
deep = 1

[[tool.ulock.index]]
name = "three"

[tool.ulock]
sources.torch = [ { index = "one" },
  { index = "two", marker = "sys_platform == 'linux'" },
]
'''


def test_tricky_document_is_valid_toml() -> None:
    data = tomllib.loads(TRICKY)
    assert data["project"]["description"].startswith("[fake.header]")
    assert len(data["tool"]["ulock"]["index"]) == 3


def test_lines_of_keys_elements_and_tables() -> None:
    lines = key_lines(TRICKY)
    expected = {
        ("project",): 2,
        ("project", "name"): 3,
        ("project", "description"): 4,
        ("project", "readme"): 8,
        ("project", "quoted.key"): 10,
        ("project", 'escaped \\" quote'): 11,
        ("project", "dates", 1): 12,
        ("project", "numbers", 5): 13,
        ("project", "optional-dependencies", "gpu"): 16,
        ("project", "optional-dependencies", "gpu", 0): 17,
        ("project", "optional-dependencies", "gpu", 1): 18,
        ("project", "optional-dependencies", "gpu", 1, 1, "inner", "key"): 19,
        ("project", "optional-dependencies", "gpu", 2): 21,
        ("tool", "ulock", "index", 0): 23,
        ("tool", "ulock", "index", 0, "name"): 24,
        ("tool", "ulock", "index", 1, "name"): 27,
        ("tool", "ulock", "index", 1, "extra", "deep"): 29,
        ("tool", "ulock", "index", 2, "name"): 32,
        ("tool", "ulock"): 34,
        ("tool", "ulock", "sources", "torch", 0, "index"): 35,
        ("tool", "ulock", "sources", "torch", 1): 36,
        ("tool", "ulock", "sources", "torch", 1, "marker"): 36,
    }
    assert {path: lines.get(path) for path in expected} == expected
    assert not any(part in ("fake", "also") for path in lines for part in path)


def test_format_key() -> None:
    assert format_key(("tool", "ulock", "sources", "torch", 1, "index")) == (
        "tool.ulock.sources.torch[1].index"
    )
    assert format_key(("tool", "ulock", "conflicts", 0, 1)) == "tool.ulock.conflicts[0][1]"
    assert format_key(("project", "quoted.key")) == 'project."quoted.key"'


_KEY = st.text(alphabet="abcXYZ09_-. ", min_size=1, max_size=6)
_LEAF = st.one_of(
    st.integers(), st.booleans(), st.text(alphabet="ab\"'\n[]=#{}", max_size=6), st.dates()
)
_TREE = st.recursive(
    _LEAF,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_KEY, inner, max_size=3),
    max_leaves=15,
)


def _paths(value: Any, prefix: tuple[str | int, ...] = ()) -> list[tuple[str | int, ...]]:
    found: list[tuple[str | int, ...]] = []
    items = value.items() if isinstance(value, dict) else enumerate(value)
    for key, item in items:
        found.append((*prefix, key))
        if isinstance(item, dict | list):
            found.extend(_paths(item, (*prefix, key)))
    return found


@given(document=st.dictionaries(_KEY, _TREE, min_size=1, max_size=4))
def test_every_key_of_a_generated_document_is_located(document: dict[str, Any]) -> None:
    text = tomlkit.dumps(document)
    data = tomllib.loads(text)
    lines = key_lines(text)
    source_lines = text.splitlines()
    for path in _paths(data):
        assert path in lines, (path, text)
        last = path[-1]
        if isinstance(last, str):
            assert last in source_lines[lines[path] - 1], (path, text)
