"""[tool.ulock.sources]: table and list shapes, regions, and every bad input."""

from __future__ import annotations

from pathlib import Path

import pytest

from .helpers import load, load_error

PROJECT = """
[project]
name = "app"
dependencies = ["torch"]

[project.optional-dependencies]
cu118 = ["torch"]
cu124 = ["torch"]

[dependency-groups]
dev = ["pytest"]

[[tool.ulock.index]]
name = "accel"
url = "https://accel.example/whl/cu128"
explicit = true

[[tool.ulock.index]]
name = "cpu"
url = "https://accel.example/whl/cpu"
explicit = true
"""
# PROJECT is 20 lines: a "[tool.ulock.sources]" right after it is line 21.


def _where(tmp_path: Path) -> str:
    return f"`{tmp_path / 'pyproject.toml'}`"


def _wheel(tmp_path: Path) -> Path:
    wheels = tmp_path / "whl"
    wheels.mkdir(exist_ok=True)
    wheel = wheels / "torch-2.3.0-cp312-cp312-linux_aarch64.whl"
    wheel.write_bytes(b"")
    return wheel


def test_sources_as_table_and_as_list(tmp_path: Path) -> None:
    from universal_lock.markers import TRUE, parse_marker

    wheel = _wheel(tmp_path)
    (tmp_path / "libs" / "helper").mkdir(parents=True)
    project = load(
        tmp_path,
        PROJECT
        + """
[tool.ulock.sources]
Helper_Lib = { path = "libs/helper" }
numpy = { index = "cpu" }
six = { url = "https://files.example/six-1.16.0-py2.py3-none-any.whl" }
torch = [
  { index = "accel", marker = "sys_platform == 'linux' and platform_machine == 'x86_64'" },
  { path = "WHEEL", marker = "sys_platform == 'linux' and platform_machine == 'aarch64'" },
  { index = "cpu", marker = "sys_platform == 'darwin'" },
]
""".replace("WHEEL", "whl/torch-2.3.0-cp312-cp312-linux_aarch64.whl"),
    )
    sources = project.settings.sources
    assert sorted(sources) == ["helper-lib", "numpy", "six", "torch"]
    (helper,) = sources["helper-lib"]
    assert (helper.kind, helper.path, helper.marker) == ("path", tmp_path / "libs/helper", TRUE)
    (numpy,) = sources["numpy"]
    assert (numpy.kind, numpy.index, numpy.extra, numpy.group) == ("index", "cpu", None, None)
    (six,) = sources["six"]
    assert (six.kind, six.url) == ("url", "https://files.example/six-1.16.0-py2.py3-none-any.whl")
    accel, local, cpu = sources["torch"]
    assert (accel.kind, accel.index) == ("index", "accel")
    assert (local.kind, local.path) == ("path", wheel)
    assert (cpu.kind, cpu.index) == ("index", "cpu")
    linux_arm = parse_marker("sys_platform == 'linux' and platform_machine == 'aarch64'")
    assert (local.region & ~linux_arm).is_empty()
    assert (accel.region & linux_arm).is_empty()


def test_sources_selected_by_conflicting_extras(tmp_path: Path) -> None:
    from universal_lock.markers import parse_marker

    project = load(
        tmp_path,
        PROJECT
        + """
[tool.ulock]
conflicts = [[{ extra = "cu118" }, { extra = "cu124" }, { group = "dev" }]]

[tool.ulock.sources]
torch = [
  { index = "accel", extra = "CU118" },
  { index = "cpu", extra = "cu124" },
  { index = "cpu", group = "dev", marker = "sys_platform == 'darwin'" },
]
""",
    )
    first, second, third = project.settings.sources["torch"]
    assert (first.extra, second.extra, third.group) == ("cu118", "cu124", "dev")
    assert (first.region & ~parse_marker("'cu118' in extras")).is_empty()
    assert not first.region.is_disjoint(second.region)  # only `conflicts` keeps them apart
    assert (third.region & ~parse_marker("'dev' in dependency_groups")).is_empty()


def test_sources_selected_by_extras_that_do_not_conflict_overlap(tmp_path: Path) -> None:
    text = str(
        load_error(
            tmp_path,
            PROJECT
            + """
[tool.ulock.sources]
torch = [
  { index = "accel", extra = "cu118" },
  { index = "cpu", extra = "cu124" },
]
""",
        )
    )
    assert text == (
        f"{_where(tmp_path)} line 25, key `tool.ulock.sources.torch[1]`: sources "
        "`tool.ulock.sources.torch[0]` and `tool.ulock.sources.torch[1]` of `torch` overlap: "
        "both apply where `'cu118' in extras and 'cu124' in extras`\n\n"
        "hint: give the sources markers that exclude each other, or declare their extras or "
        "groups as `conflicts`"
    )


def test_overlapping_source_markers(tmp_path: Path) -> None:
    text = str(
        load_error(
            tmp_path,
            PROJECT
            + """
[tool.ulock.sources]
torch = [
  { index = "accel", marker = "sys_platform == 'linux'" },
  { index = "cpu", marker = "sys_platform == 'darwin'" },
  { index = "cpu", marker = "platform_machine == 'aarch64'" },
]
""",
        )
    )
    assert text == (
        f"{_where(tmp_path)} line 26, key `tool.ulock.sources.torch[2]`: sources "
        "`tool.ulock.sources.torch[0]` and `tool.ulock.sources.torch[2]` of `torch` overlap: "
        "both apply where `sys_platform == 'linux' and platform_machine == 'aarch64'`\n\n"
        "hint: give the sources markers that exclude each other"
    )


def test_invalid_source_marker(tmp_path: Path) -> None:
    text = str(
        load_error(
            tmp_path,
            PROJECT
            + '[tool.ulock.sources]\ntorch = [{ index = "accel", marker = "os_name ~ \'nt\'" }]\n',
        )
    )
    assert text == (
        f"{_where(tmp_path)} line 22, key `tool.ulock.sources.torch[0].marker`: invalid marker: "
        "\"os_name ~ 'nt'\" (Expected marker operator, one of <=, <, !=, ==, >=, >, ~=, ===, "
        "in, not in, at character 9)\n\n"
        "hint: write a PEP 508 marker such as "
        "`sys_platform == 'linux' and python_version >= '3.10'`"
    )


@pytest.mark.parametrize(
    ("sources", "expected"),
    [
        (
            'torch = { index = "acel" }\n',
            "line 22, key `tool.ulock.sources.torch.index`: the source names index 'acel', "
            "which is not defined\n\nhint: did you mean `accel`?",
        ),
        (
            'torch = { index = "nightly" }\n',
            "line 22, key `tool.ulock.sources.torch.index`: the source names index 'nightly', "
            "which is not defined\n\nhint: define it: `[[tool.ulock.index]]` with "
            '`name = "nightly"` and its `url`',
        ),
        (
            'torch = { path = "whl/missing.whl" }\n',
            "line 22, key `tool.ulock.sources.torch.path`: the path `{dir}/whl/missing.whl` does "
            "not exist\n\nhint: relative paths start at the directory of `pyproject.toml`",
        ),
        (
            'torch = { path = "https://files.example/torch.whl" }\n',
            "line 22, key `tool.ulock.sources.torch.path`: `path` must be a local path, not the "
            "URL 'https://files.example/torch.whl'\n\nhint: use `url = ...` for a remote file",
        ),
        (
            'torch = { url = "git+https://example/torch" }\n',
            "line 22, key `tool.ulock.sources.torch.url`: unsupported URL scheme 'git+https' in "
            "'git+https://example/torch'\n\n"
            "hint: use an `https://` URL, a `file://` URL or a path relative to the project",
        ),
        (
            'torch = { index = "accel", url = "https://files.example/torch.whl" }\n',
            "line 22, key `tool.ulock.sources.torch`: a source needs exactly one of `index`, "
            "`path` and `url` (found `index` and `url`)\n\n"
            "hint: split it into one source per location, each with its own `marker`",
        ),
        (
            "torch = { marker = \"sys_platform == 'linux'\" }\n",
            "line 22, key `tool.ulock.sources.torch`: a source needs exactly one of `index`, "
            "`path` and `url` (found none of them)\n\n"
            "hint: split it into one source per location, each with its own `marker`",
        ),
        (
            'torch = { index = "accel", extra = "cu12" }\n',
            "line 22, key `tool.ulock.sources.torch.extra`: unknown extra 'cu12'\n\n"
            "hint: defined extras: `cu118`, `cu124`",
        ),
        (
            'torch = { index = "accel", group = "test" }\n',
            "line 22, key `tool.ulock.sources.torch.group`: unknown dependency group 'test'\n\n"
            "hint: defined groups: `dev`",
        ),
        (
            'torch = { index = "accel", markers = "x" }\n',
            "line 22, key `tool.ulock.sources.torch.markers`: unknown key `markers`\n\n"
            "hint: did you mean `marker`?",
        ),
        (
            'torch = { git = "https://example/torch.git" }\n',
            "line 22, key `tool.ulock.sources.torch.git`: unknown key `git`\n\n"
            "hint: valid keys here: `extra`, `group`, `index`, `marker`, `path`, `url`",
        ),
        (
            'torch = "accel"\n',
            "line 22, key `tool.ulock.sources.torch`: expected a source table or an array of "
            "source tables, got the string 'accel'",
        ),
        (
            "torch = []\n",
            "line 22, key `tool.ulock.sources.torch`: expected a source table or an array of "
            "source tables, got an empty array",
        ),
        (
            'torch = ["accel"]\n',
            "line 22, key `tool.ulock.sources.torch[0]`: expected a table, got the string 'accel'",
        ),
        (
            'Torch = { index = "accel" }\ntorch = { index = "cpu" }\n',
            "line 23, key `tool.ulock.sources.torch`: `Torch` and `torch` are the same package "
            "once normalized\n\nhint: merge their sources into one list",
        ),
        (
            'torch = [{ index = "accel" }, { index = 3 }]\n',
            "line 22, key `tool.ulock.sources.torch[1].index`: expected a string, got the number 3",
        ),
    ],
    ids=[
        "misspelt-index",
        "undefined-index",
        "missing-path",
        "url-as-path",
        "git-url",
        "two-kinds",
        "no-kind",
        "unknown-extra",
        "unknown-group",
        "unknown-key",
        "git-key",
        "string",
        "empty-list",
        "list-of-strings",
        "duplicate-package",
        "wrong-type-in-list",
    ],
)
def test_bad_sources(tmp_path: Path, sources: str, expected: str) -> None:
    error = load_error(tmp_path, PROJECT + "[tool.ulock.sources]\n" + sources)
    assert str(error) == f"{_where(tmp_path)} " + expected.replace("{dir}", str(tmp_path))


def test_credentials_never_appear_in_errors(tmp_path: Path) -> None:
    error = load_error(
        tmp_path,
        PROJECT.replace("https://accel.example", "https://user:hunter2@accel.example")
        + '[tool.ulock.sources]\ntorch = { url = "ftp://user:hunter2@files.example/t.whl" }\n',
    )
    assert "hunter2" not in str(error)
    assert "ftp://***@files.example/t.whl" in str(error)


def test_empty_source_marker_is_an_error(tmp_path: Path) -> None:
    text = str(
        load_error(
            tmp_path, PROJECT + '[tool.ulock.sources]\ntorch = { index = "accel", marker = "" }\n'
        )
    )
    assert text == (
        f"{_where(tmp_path)} line 22, key `tool.ulock.sources.torch.marker`: invalid marker: '' "
        "(Expected a marker variable or quoted string, at character 1)\n\n"
        "hint: write a PEP 508 marker such as "
        "`sys_platform == 'linux' and python_version >= '3.10'`"
    )


def test_marker_that_parses_but_has_no_meaning(tmp_path: Path) -> None:
    text = str(
        load_error(
            tmp_path,
            PROJECT
            + "[tool.ulock.sources]\n"
            + 'torch = { index = "accel", marker = "platform_machine ~= \'x86\'" }\n',
        )
    )
    assert text == (
        f"{_where(tmp_path)} line 22, key `tool.ulock.sources.torch.marker`: invalid marker: "
        "\"platform_machine ~= 'x86'\" (`~=` needs a version, and `platform_machine` is "
        "compared as a string)\n\n"
        "hint: write a PEP 508 marker such as "
        "`sys_platform == 'linux' and python_version >= '3.10'`"
    )
