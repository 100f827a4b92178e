"""[tool.ulock]: every key, defaults, and every bad input with its full message."""

from __future__ import annotations

import datetime as dt
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
docs = ["mkdocs"]
"""


def _error_text(tmp_path: Path, tool: str) -> str:
    return str(load_error(tmp_path, PROJECT + tool))


def _where(tmp_path: Path) -> str:
    return f"`{tmp_path / 'pyproject.toml'}`"


def test_defaults_without_tool_table(tmp_path: Path) -> None:
    settings = load(tmp_path, PROJECT).settings
    assert settings.origin == "defaults"
    assert settings.index_strategy == "first-index"
    assert settings.prerelease == "if-necessary-or-explicit"
    assert settings.resolution == "highest"
    assert settings.exclude_newer is None
    assert settings.indexes == ()
    assert settings.sources == {}
    assert settings.conflicts == ()
    assert settings.default_groups == ("dev",)


def test_every_key_without_markers(tmp_path: Path) -> None:
    (tmp_path / "wheels").mkdir()
    project = load(
        tmp_path,
        PROJECT
        + """
        [tool.ulock]
        conflicts = [
          [{ extra = "CU118" }, { extra = "cu124" }],
          [{ group = "dev" }, { group = "docs" }],
        ]
        override-dependencies = ["torch==2.3.0; platform_machine == 'aarch64'"]
        constraint-dependencies = ["urllib3<3"]
        index-strategy = "unsafe-best-match"
        prerelease = "allow"
        resolution = "lowest-direct"
        exclude-newer = 2026-01-01T00:00:00Z
        allow-insecure-host = ["internal.example", "10.0.0.1:8080"]
        default-groups = ["docs"]

        [[tool.ulock.index]]
        name = "accel"
        url = "https://user:secret@accel.example/whl/cu128"
        explicit = true

        [[tool.ulock.index]]
        name = "local"
        url = "./wheels"
        format = "flat"

        [[tool.ulock.index]]
        name = "mirror"
        url = "https://mirror.example/simple"
        default = true
        """.replace("\n        ", "\n"),
    )
    settings = project.settings
    assert settings.origin == "tool.ulock"
    assert [[(item.extra, item.group) for item in members] for members in settings.conflicts] == [
        [("cu118", None), ("cu124", None)],
        [(None, "dev"), (None, "docs")],
    ]
    assert [str(requirement) for requirement in settings.overrides] == [
        'torch==2.3.0; platform_machine == "aarch64"'
    ]
    assert [str(requirement) for requirement in settings.constraints] == ["urllib3<3"]
    assert settings.index_strategy == "unsafe-best-match"
    assert settings.prerelease == "allow"
    assert settings.resolution == "lowest-direct"
    assert settings.exclude_newer == dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    assert settings.allow_insecure_host == ("internal.example", "10.0.0.1:8080")
    assert settings.default_groups == ("docs",)
    accel, local, mirror = settings.indexes
    assert (accel.name, accel.explicit, accel.default, accel.format, accel.local_path) == (
        "accel",
        True,
        False,
        "simple",
        None,
    )
    assert accel.url == "https://user:secret@accel.example/whl/cu128"
    assert (local.name, local.format, local.local_path) == ("local", "flat", tmp_path / "wheels")
    assert (mirror.name, mirror.default) == ("mirror", True)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('"2026-01-01T12:00:00+02:00"', dt.datetime(2026, 1, 1, 10, tzinfo=dt.UTC)),
        ('"2026-01-01"', dt.datetime(2026, 1, 1, tzinfo=dt.UTC)),
        ("2026-01-01", dt.datetime(2026, 1, 1, tzinfo=dt.UTC)),
        ('"2026-01-01T00:00:00Z"', dt.datetime(2026, 1, 1, tzinfo=dt.UTC)),
    ],
)
def test_exclude_newer_forms(tmp_path: Path, value: str, expected: dt.datetime) -> None:
    settings = load(tmp_path, PROJECT + f"[tool.ulock]\nexclude-newer = {value}\n").settings
    assert settings.exclude_newer == expected


def test_default_groups_all_and_empty(tmp_path: Path) -> None:
    settings = load(tmp_path, PROJECT + '[tool.ulock]\ndefault-groups = "all"\n').settings
    assert settings.default_groups == ("dev", "docs")
    settings = load(tmp_path, PROJECT + "[tool.ulock]\ndefault-groups = []\n").settings
    assert settings.default_groups == ()


@pytest.mark.parametrize(
    ("tool", "expected"),
    [
        (
            "[tool.ulock]\nenviroments = [\"sys_platform == 'linux'\"]\n",
            "line 13, key `tool.ulock.enviroments`: unknown key `enviroments`\n\n"
            "hint: did you mean `environments`?",
        ),
        (
            "[tool.ulock]\nfoo = 1\n",
            "line 13, key `tool.ulock.foo`: unknown key `foo`\n\n"
            "hint: valid keys here: `allow-insecure-host`, `conflicts`, "
            "`constraint-dependencies`, `default-groups`, `environments`, `exclude-newer`, "
            "`index`, `index-strategy`, `override-dependencies`, `prerelease`, "
            "`required-environments`, `resolution`, `sources`",
        ),
        (
            "[tool.ulock]\nexclude_newer = 2026-01-01\n",
            "line 13, key `tool.ulock.exclude_newer`: unknown key `exclude_newer`\n\n"
            "hint: did you mean `exclude-newer`?",
        ),
        (
            '[[tool.ulock.index]]\nnmae = "a"\nurl = "https://a.example/simple"\n',
            "line 13, key `tool.ulock.index[0].nmae`: unknown key `nmae`\n\n"
            "hint: did you mean `name`?",
        ),
        (
            '[tool.ulock]\nconflicts = [[{ extra = "cu118" }, { extras = "cu124" }]]\n',
            "line 13, key `tool.ulock.conflicts[0][1].extras`: unknown key `extras`\n\n"
            "hint: did you mean `extra`?",
        ),
        (
            "[tool.ulock]\nprerelease = true\n",
            "line 13, key `tool.ulock.prerelease`: the boolean true is not a valid value\n\n"
            "hint: use one of 'disallow', 'allow', 'if-necessary', 'explicit' or "
            "'if-necessary-or-explicit'",
        ),
        (
            '[tool.ulock]\nresolution = "newest"\n',
            "line 13, key `tool.ulock.resolution`: the string 'newest' is not a valid value\n\n"
            "hint: use one of 'highest', 'lowest' or 'lowest-direct'",
        ),
        (
            '[tool.ulock]\nindex-strategy = "unsafe-first-match"\n',
            "line 13, key `tool.ulock.index-strategy`: the string 'unsafe-first-match' is not "
            "a valid value\n\nhint: use one of 'first-index' or 'unsafe-best-match'",
        ),
        (
            "[tool.ulock]\nenvironments = \"sys_platform == 'linux'\"\n",
            "line 13, key `tool.ulock.environments`: expected an array, got the string "
            "\"sys_platform == 'linux'\"",
        ),
        (
            "[tool.ulock]\nallow-insecure-host = [1, 2]\n",
            "line 13, key `tool.ulock.allow-insecure-host[0]`: expected a string, got the "
            "number 1 (and 1 more problem)",
        ),
        (
            '[tool]\nulock = "on"\n',
            "line 13, key `tool.ulock`: expected a table, got the string 'on'",
        ),
        (
            '[[tool.ulock.index]]\nname = "a"\n',
            "line 12, key `tool.ulock.index[0].url`: missing required key `url`\n\n"
            "hint: add `url = ...` to `tool.ulock.index[0]`",
        ),
        (
            '[[tool.ulock.index]]\nurl = "https://a.example/simple"\n',
            "line 12, key `tool.ulock.index[0]`: missing required key `name`\n\n"
            'hint: give every index a name, e.g. `name = "internal"`',
        ),
        (
            '[[tool.ulock.index]]\nname = "a"\nurl = "https://a.example/"\nexplicit = "yes"\n',
            "line 15, key `tool.ulock.index[0].explicit`: expected a boolean (true or false), "
            "got the string 'yes'",
        ),
        (
            '[[tool.ulock.index]]\nname = "a"\nurl = "https://a.example/"\nformat = "wheels"\n',
            "line 15, key `tool.ulock.index[0].format`: the string 'wheels' is not a valid "
            "value\n\nhint: use one of 'simple' or 'flat'",
        ),
        (
            '[[tool.ulock.index]]\nname = "my index"\nurl = "https://a.example/"\n',
            "line 13, key `tool.ulock.index[0].name`: invalid index name 'my index'\n\n"
            "hint: use ASCII letters, digits, `-`, `_` and `.`",
        ),
        (
            '[[tool.ulock.index]]\nname = "a"\nurl = "https://a.example/"\n'
            '[[tool.ulock.index]]\nname = "a"\nurl = "https://b.example/"\n',
            "line 16, key `tool.ulock.index[1].name`: index name 'a' is already used by "
            "`tool.ulock.index[0]`\n\nhint: give each index a different name",
        ),
        (
            '[[tool.ulock.index]]\nname = "a"\nurl = "https://a.example/"\ndefault = true\n'
            '[[tool.ulock.index]]\nname = "b"\nurl = "https://b.example/"\ndefault = true\n',
            "line 19, key `tool.ulock.index[1].default`: more than one index has "
            "`default = true` (also `tool.ulock.index[0]`)\n\n"
            "hint: only one index can replace the default index",
        ),
        (
            '[[tool.ulock.index]]\nname = "a"\nurl = "ftp://user:pw@a.example/simple"\n',
            "line 14, key `tool.ulock.index[0].url`: unsupported URL scheme 'ftp' in "
            "'ftp://***@a.example/simple'\n\n"
            "hint: use an `https://` URL, a `file://` URL or a path relative to the project",
        ),
        (
            '[[tool.ulock.index]]\nname = "a"\nurl = "https:///simple"\n',
            "line 14, key `tool.ulock.index[0].url`: the URL 'https:///simple' has no host",
        ),
        (
            '[tool.ulock]\nconflicts = [[{ extra = "cu118" }, { extra = "cu12" }]]\n',
            "line 13, key `tool.ulock.conflicts[0][1].extra`: unknown extra 'cu12'\n\n"
            "hint: defined extras: `cu118`, `cu124`",
        ),
        (
            '[tool.ulock]\nconflicts = [[{ group = "dev" }, { group = "test" }]]\n',
            "line 13, key `tool.ulock.conflicts[0][1].group`: unknown dependency group "
            "'test'\n\nhint: defined groups: `dev`, `docs`",
        ),
        (
            '[tool.ulock]\nconflicts = [[{ extra = "cu118" }]]\n',
            "line 13, key `tool.ulock.conflicts[0]`: a conflict set needs at least two "
            "members\n\nhint: list the extras or groups that cannot be installed together, "
            'e.g. `[{ extra = "cu118" }, { extra = "cu124" }]`',
        ),
        (
            '[tool.ulock]\nconflicts = [[{ extra = "cu118", group = "dev" }, {}]]\n',
            "line 13, key `tool.ulock.conflicts[0][0]`: a conflict member needs exactly one "
            'of `extra` and `group`\n\nhint: e.g. `{ extra = "cu118" }`',
        ),
        (
            '[tool.ulock]\ndefault-groups = ["dev", "lint"]\n',
            "line 13, key `tool.ulock.default-groups[1]`: unknown dependency group 'lint'\n\n"
            "hint: defined groups: `dev`, `docs`",
        ),
        (
            '[tool.ulock]\ndefault-groups = "dev"\n',
            "line 13, key `tool.ulock.default-groups`: expected an array of group names or "
            "\"all\", got the string 'dev'",
        ),
        (
            '[tool.ulock]\noverride-dependencies = ["torch=2"]\n',
            "line 13, key `tool.ulock.override-dependencies[0]`: invalid requirement: "
            "'torch=2' (Expected semicolon (after name with no version specifier) or end, "
            "at character 6)\n\n"
            "hint: write a PEP 508 requirement such as `name>=1.0; sys_platform == 'linux'`",
        ),
        (
            '[tool.ulock]\nexclude-newer = "last tuesday"\n',
            "line 13, key `tool.ulock.exclude-newer`: invalid date-time 'last tuesday'\n\n"
            "hint: write a date-time with a time zone, e.g. `2026-01-01T00:00:00Z`, or a date",
        ),
        (
            "[tool.ulock]\nexclude-newer = 2026-01-01T00:00:00\n",
            "line 13, key `tool.ulock.exclude-newer`: the date-time '2026-01-01T00:00:00' "
            "has no time zone\n\n"
            "hint: write a date-time with a time zone, e.g. `2026-01-01T00:00:00Z`, or a date",
        ),
        (
            "[tool.ulock]\nexclude-newer = 20260101\n",
            "line 13, key `tool.ulock.exclude-newer`: expected a date-time, got the number "
            "20260101\n\n"
            "hint: write a date-time with a time zone, e.g. `2026-01-01T00:00:00Z`, or a date",
        ),
    ],
)
def test_bad_settings(tmp_path: Path, tool: str, expected: str) -> None:
    assert _error_text(tmp_path, tool) == f"{_where(tmp_path)} {expected}"


def test_missing_local_index_directory(tmp_path: Path) -> None:
    text = _error_text(
        tmp_path, '[[tool.ulock.index]]\nname = "local"\nurl = "./whl"\nformat = "flat"\n'
    )
    assert text == (
        f"{_where(tmp_path)} line 14, key `tool.ulock.index[0].url`: the index directory "
        f"`{tmp_path / 'whl'}` does not exist\n\n"
        "hint: relative paths start at the directory of `pyproject.toml`"
    )


def test_file_url_index(tmp_path: Path) -> None:
    (tmp_path / "flat").mkdir()
    url = (tmp_path / "flat").as_uri()
    settings = load(
        tmp_path, PROJECT + f'[[tool.ulock.index]]\nname = "f"\nurl = "{url}"\nformat = "flat"\n'
    ).settings
    assert settings.indexes[0].local_path == tmp_path / "flat"


def test_environments_and_required_environments(tmp_path: Path) -> None:
    from universal_lock.markers import parse_marker

    settings = load(
        tmp_path,
        PROJECT
        + "[tool.ulock]\n"
        + "environments = [\"sys_platform == 'linux'\", \"sys_platform == 'darwin'\"]\n"
        + "required-environments = [\n"
        + "  \"sys_platform == 'linux' and platform_machine == 'aarch64'\",\n]\n",
    ).settings
    linux, darwin = settings.environments
    assert linux.is_disjoint(darwin)
    assert not (linux & parse_marker("sys_platform == 'linux'")).is_empty()
    assert (darwin & parse_marker("sys_platform == 'linux'")).is_empty()
    (required,) = settings.required_environments
    assert (required & ~parse_marker("platform_machine == 'aarch64'")).is_empty()


def test_overlapping_environments(tmp_path: Path) -> None:
    text = _error_text(
        tmp_path,
        "[tool.ulock]\nenvironments = [\n"
        "  \"sys_platform == 'linux'\",\n"
        "  \"sys_platform == 'darwin'\",\n"
        "  \"python_version >= '3.12'\",\n]\n",
    )
    assert text == (
        f"{_where(tmp_path)} line 16, key `tool.ulock.environments[2]`: environments "
        "\"sys_platform == 'linux'\" (`tool.ulock.environments[0]`) and "
        "\"python_version >= '3.12'\" (`tool.ulock.environments[2]`) overlap where "
        "`python_version >= '3.12' and sys_platform == 'linux'`\n\n"
        "hint: each environment must be a separate region; narrow one of them, "
        "e.g. with `and not (...)`"
    )


def test_invalid_environment_marker(tmp_path: Path) -> None:
    text = _error_text(
        tmp_path, "[tool.ulock]\nrequired-environments = [\"sys_platform = 'linux'\"]\n"
    )
    assert text == (
        f"{_where(tmp_path)} line 13, key `tool.ulock.required-environments[0]`: invalid "
        "marker: \"sys_platform = 'linux'\" (Expected marker operator, one of <=, <, !=, ==, "
        ">=, >, ~=, ===, in, not in, at character 14)\n\n"
        "hint: write a PEP 508 marker such as "
        "`sys_platform == 'linux' and python_version >= '3.10'`"
    )


def test_unknown_group_when_the_project_has_none(tmp_path: Path) -> None:
    text = str(
        load_error(tmp_path, '[project]\nname = "a"\n[tool.ulock]\ndefault-groups = ["dev"]\n')
    )
    assert text == (
        f"{_where(tmp_path)} line 4, key `tool.ulock.default-groups[0]`: unknown dependency "
        "group 'dev'\n\nhint: the project defines no `[dependency-groups]`"
    )
