"""Reading [tool.uv] when [tool.ulock] is absent: same keys, uv's shapes, uv-only keys ignored."""

from __future__ import annotations

from pathlib import Path

from .helpers import load, load_error

PROJECT = """
[project]
name = "app"
dependencies = ["torch"]

[project.optional-dependencies]
cu118 = ["torch"]
cu124 = ["torch"]
"""
# PROJECT is 7 lines.

UV_INDEXES = """
[tool.uv]
managed = true
dev-dependencies = ["pytest"]
index-strategy = "unsafe-best-match"
prerelease = "allow"
conflicts = [[{ extra = "cu118" }, { extra = "cu124" }]]

[[tool.uv.index]]
name = "accel-cu118"
url = "https://accel.example/whl/cu118"
explicit = true
authenticate = "always"

[[tool.uv.index]]
url = "https://mirror.example/simple"
default = true
"""


def _where(tmp_path: Path) -> str:
    return f"`{tmp_path / 'pyproject.toml'}`"


def test_uv_settings_and_indexes_are_read(tmp_path: Path) -> None:
    settings = load(tmp_path, PROJECT + UV_INDEXES).settings
    assert settings.origin == "tool.uv"
    assert settings.ignored_keys == ("tool.uv.managed", "tool.uv.dev-dependencies")
    assert settings.index_strategy == "unsafe-best-match"
    assert settings.prerelease == "allow"
    assert [[item.extra for item in members] for members in settings.conflicts] == [
        ["cu118", "cu124"]
    ]
    accel, mirror = settings.indexes
    assert (accel.name, accel.url, accel.explicit) == (
        "accel-cu118",
        "https://accel.example/whl/cu118",
        True,
    )
    # uv allows unnamed indexes; they cannot be named by a source.
    assert (mirror.name, mirror.default) == (None, True)


def test_tool_ulock_wins_over_tool_uv(tmp_path: Path) -> None:
    settings = load(
        tmp_path, PROJECT + '[tool.ulock]\nresolution = "lowest"\n' + UV_INDEXES
    ).settings
    assert settings.origin == "tool.ulock"
    assert settings.resolution == "lowest"
    assert settings.indexes == ()
    assert settings.index_strategy == "first-index"


def test_tool_uv_without_any_shared_key_is_ignored(tmp_path: Path) -> None:
    settings = load(tmp_path, PROJECT + "[tool.uv]\npackage = false\n").settings
    assert settings.origin == "defaults"
    assert settings.ignored_keys == ()


def test_uv_sources_with_extras_and_environment_string(tmp_path: Path) -> None:
    (tmp_path / "libs" / "shared").mkdir(parents=True)
    settings = load(
        tmp_path,
        PROJECT
        + UV_INDEXES.replace(
            "managed = true", "managed = true\nenvironments = \"sys_platform == 'linux'\""
        )
        + """
[[tool.uv.index]]
name = "accel-cu124"
url = "https://accel.example/whl/cu124"
explicit = true

[tool.uv.sources]
torch = [
  { index = "accel-cu118", extra = "cu118" },
  { index = "accel-cu124", extra = "cu124" },
]
shared = { path = "libs/shared", editable = true }
""",
    ).settings
    assert len(settings.environments) == 1
    cu118, cu124 = settings.sources["torch"]
    assert (cu118.index, cu118.extra, cu124.index, cu124.extra) == (
        "accel-cu118",
        "cu118",
        "accel-cu124",
        "cu124",
    )
    (shared,) = settings.sources["shared"]
    assert (shared.kind, shared.path, shared.editable) == ("path", tmp_path / "libs/shared", True)


def test_uv_git_source_is_refused(tmp_path: Path) -> None:
    text = str(
        load_error(
            tmp_path,
            PROJECT + '[tool.uv.sources]\nhttpx = { git = "https://example/httpx", tag = "1.0" }\n',
        )
    )
    assert text == (
        f"{_where(tmp_path)} line 9, key `tool.uv.sources.httpx.git`: ulock does not support "
        "`git` in sources\n\n"
        "hint: a source has `index`, `path` or `url`, and optionally `marker`, `extra`, `group`"
    )


def test_uv_unsafe_first_match_is_refused(tmp_path: Path) -> None:
    text = str(load_error(tmp_path, PROJECT + '[tool.uv]\nindex-strategy = "unsafe-first-match"\n'))
    assert text == (
        f"{_where(tmp_path)} line 9, key `tool.uv.index-strategy`: ulock does not support the "
        "index strategy 'unsafe-first-match'\n\n"
        "hint: use 'first-index' (the default) or 'unsafe-best-match'"
    )


def test_uv_workspace_conflict_is_refused(tmp_path: Path) -> None:
    text = str(
        load_error(
            tmp_path,
            PROJECT
            + '[tool.uv]\nconflicts = [[{ package = "a", extra = "x" }, { extra = "cu118" }]]\n',
        )
    )
    assert text == (
        f"{_where(tmp_path)} line 9, key `tool.uv.conflicts[0][0].package`: ulock does not "
        "support `package` in conflicts (uv workspaces)\n\n"
        "hint: name an `extra` or a `group` of this project"
    )


def test_uv_source_naming_an_undefined_index(tmp_path: Path) -> None:
    text = str(load_error(tmp_path, PROJECT + '[tool.uv.sources]\ntorch = { index = "cu" }\n'))
    assert text == (
        f"{_where(tmp_path)} line 9, key `tool.uv.sources.torch.index`: the source names index "
        "'cu', which is not defined\n\n"
        'hint: define it: `[[tool.uv.index]]` with `name = "cu"` and its `url`'
    )
