"""The input fingerprint: stable under reformatting, changed by anything that affects the lock."""

from __future__ import annotations

import random
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from universal_lock.project import fingerprint_file
from universal_lock.project.fingerprint import fingerprint_data

from .helpers import load, write

BASE = """
[build-system]
requires = ["hatchling>=1.21"]
build-backend = "hatchling.build"

[project]
name = "my-app"
version = "1.0"
description = "An app"
requires-python = ">=3.10"
dependencies = ["requests>=2.31", "numpy>=1.26; python_version < '3.13'"]

[project.optional-dependencies]
gpu = ["torch>=2.3"]

[dependency-groups]
dev = ["pytest>=8", {include-group = "lint"}]
lint = ["ruff"]

[tool.ulock]
resolution = "highest"
conflicts = [[{ extra = "gpu" }, { group = "lint" }]]

[[tool.ulock.index]]
name = "accel"
url = "https://accel.example/simple"
explicit = true

[tool.ruff]
line-length = 100
"""

# The same inputs, written differently: key order, table layout, comments, spacing,
# name spelling, requirement order and spacing, and edits to tables ulock ignores.
REFORMATTED = """
# A comment at the top.
[project]
dependencies = [
    "numpy >= 1.26 ; python_version<'3.13'",   # spacing differs
    "Requests>=2.31",
]
requires-python = ">= 3.10"
name = "My_App"
version = "2.0"
description = "Another description entirely"
optional-dependencies.GPU = ["torch >= 2.3"]
urls.homepage = "https://app.example"

[dependency-groups]
lint = ['ruff']
Dev = [{include-group = "Lint"}, "pytest >=8"]

[build-system]
build-backend = "hatchling.build"
requires = ['hatchling >= 1.21']

[tool.ruff]
line-length = 120

[[tool.ulock.index]]
explicit = true
url = "https://accel.example/simple"
name = "accel"

[tool.ulock]
conflicts = [
  [{ extra = "GPU" }, { group = "Lint" }],
]
resolution = "highest"

[tool.mypy]
strict = true
"""


def _fingerprint(directory: Path, text: str) -> str:
    return fingerprint_file(write(directory, text))


def test_fingerprint_is_sha256_hex_and_matches_the_project(tmp_path: Path) -> None:
    fingerprint = _fingerprint(tmp_path, BASE)
    assert len(fingerprint) == 64
    assert set(fingerprint) <= set("0123456789abcdef")
    assert load(tmp_path, BASE).fingerprint() == fingerprint


def test_reformatting_and_unrelated_edits_keep_the_fingerprint(tmp_path: Path) -> None:
    base = _fingerprint(tmp_path, BASE)
    assert _fingerprint(tmp_path, REFORMATTED) == base


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ('"requests>=2.31"', '"requests>=2.32"'),
        ('"requests>=2.31", ', ""),
        ('requires-python = ">=3.10"', 'requires-python = ">=3.11"'),
        ('name = "my-app"', 'name = "other-app"'),
        ('gpu = ["torch>=2.3"]', 'gpu = ["torch>=2.3"]\ncpu = ["torch"]'),
        ('lint = ["ruff"]', 'lint = ["ruff", "mypy"]'),
        ('{include-group = "lint"}', '"ruff"'),
        ('requires = ["hatchling>=1.21"]', 'requires = ["hatchling>=1.22"]'),
        ('resolution = "highest"', 'resolution = "lowest"'),
        ("explicit = true", "explicit = false"),
        ('url = "https://accel.example/simple"', 'url = "https://other.example/simple"'),
        ("[build-system]", "[tool.hatch]"),
    ],
)
def test_changes_that_affect_the_lock_change_the_fingerprint(
    tmp_path: Path, old: str, new: str
) -> None:
    assert old in BASE
    assert _fingerprint(tmp_path, BASE.replace(old, new)) != _fingerprint(tmp_path, BASE)


def test_credentials_in_index_urls_do_not_change_the_fingerprint(tmp_path: Path) -> None:
    plain = _fingerprint(tmp_path, BASE)
    with_credentials = BASE.replace("https://accel.example", "https://user:s3cret@accel.example")
    assert _fingerprint(tmp_path, with_credentials) == plain


def test_uv_fallback_keys_count_and_other_uv_keys_do_not(tmp_path: Path) -> None:
    project = '[project]\nname = "app"\n'
    uv = '[tool.uv]\nmanaged = true\n[[tool.uv.index]]\nname = "a"\nurl = "https://a.example/"\n'
    with_uv = _fingerprint(tmp_path, project + uv)
    assert with_uv != _fingerprint(tmp_path, project)
    assert _fingerprint(tmp_path, project + uv.replace("managed = true", "managed = false")) == (
        with_uv
    )
    # Once [tool.ulock] exists, [tool.uv] is not read and does not count.
    ulock = '[tool.ulock]\nresolution = "lowest"\n'
    assert _fingerprint(tmp_path, project + ulock + uv) == _fingerprint(tmp_path, project + ulock)


def test_unparsable_strings_are_hashed_as_written() -> None:
    broken = {"project": {"name": "a", "dependencies": ["a>=>1"], "requires-python": ">=3.x"}}
    fixed = {"project": {"name": "a", "dependencies": ["a>=1"], "requires-python": ">=3.x"}}
    assert fingerprint_data(broken) != fingerprint_data(fixed)


_NAMES = st.sampled_from(["requests", "numpy", "Flask_Login", "zope.interface", "attrs"])
_SPECIFIERS = st.sampled_from(["", ">=1", "<3,>=2", "==1.0.*", "~=2.1"])


@given(
    requirements=st.lists(
        st.tuples(_NAMES, _SPECIFIERS), min_size=1, max_size=5, unique_by=lambda r: r[0]
    ),
    order=st.randoms(use_true_random=False),
    spaced=st.booleans(),
    multiline=st.booleans(),
    quote=st.sampled_from(['"', "'"]),
)
def test_dependency_order_and_spelling_do_not_matter(
    requirements: list[tuple[str, str]],
    order: random.Random,
    spaced: bool,
    multiline: bool,
    quote: str,
) -> None:
    def table(items: list[tuple[str, str]], *, spaced: bool, multiline: bool, quote: str) -> dict:
        import tomllib

        space = " " if spaced else ""
        texts = [
            f"{quote}{name}{space}{spec.replace(',', ',' + space)}{quote}" for name, spec in items
        ]
        joined = (",\n  " if multiline else ", ").join(texts)
        return tomllib.loads(f'[project]\nname = "x"\ndependencies = [{joined}]\n')

    baseline = fingerprint_data(table(requirements, spaced=False, multiline=False, quote='"'))
    shuffled = list(requirements)
    order.shuffle(shuffled)
    variant = table(shuffled, spaced=spaced, multiline=multiline, quote=quote)
    assert fingerprint_data(variant) == baseline
    fewer = table(requirements[1:], spaced=spaced, multiline=multiline, quote=quote)
    assert fingerprint_data(fewer) != baseline


def test_fingerprint_path_does_not_import_pydantic(tmp_path: Path) -> None:
    """`ulock lock --check` must start fast: the fingerprint path avoids pydantic."""
    write(tmp_path, BASE)
    script = (
        "import sys\nfrom pathlib import Path\n"
        "from universal_lock.project import fingerprint_file\n"
        f"print(fingerprint_file(Path({str(tmp_path)!r})))\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('pydantic', 'tomlkit')))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    fingerprint, modules = result.stdout.splitlines()
    assert fingerprint == _fingerprint(tmp_path, BASE)
    assert modules == "[]"
