"""The reader: round trips, foreign but valid PEP 751 files, and errors that name file and key."""

from __future__ import annotations

import tomllib
from datetime import UTC, datetime
from pathlib import Path

import pytest
import tomlkit
from hypothesis import given
from hypothesis import strategies as st
from packaging.version import Version

from tests.unit.lockfile.samples import sample_lock
from tests.unit.lockfile.strategies import locks
from universal_lock.errors import InputError
from universal_lock.lockfile import (
    Lock,
    as_dict,
    parse_lock,
    read_lock,
    read_lock_if_present,
    render,
    write_atomic,
)

SHA = "d" * 64


@given(locks())
def test_round_trip(lock: Lock) -> None:
    text = render(lock)
    again = parse_lock(text, source="pylock.toml")
    assert again == lock
    assert render(again) == text


def test_round_trip_through_a_file(tmp_path: Path) -> None:
    path = tmp_path / "pylock.toml"
    lock = sample_lock()
    write_atomic(path, render(lock))
    assert read_lock(path) == lock
    assert read_lock_if_present(path) == lock


TORCH_URL = "https://download.example.org/whl/torch-2.3.0%2Bcu121-cp311-cp311-linux_x86_64.whl"
# A valid PEP 751 file as another tool might write it: `name` left out of a wheel, a local
# datetime, an uppercase digest, credentials in a URL, another tool's table, attestations.
FOREIGN = f"""
lock-version = '1.0'
created-by = 'othertool'
requires-python = '>=3.9'

[[packages]]
name = 'torch'
version = '2.3.0+cu121'
marker = "sys_platform == 'linux'"
index = 'https://user:pw@download.example.org/whl/cu121'
attestation-identities = [{{kind = 'GitHub', repository = 'x/y'}}]
wheels = [
  {{url = '{TORCH_URL}', upload-time = 2024-04-24T10:00:00, hashes = {{sha256 = '{SHA.upper()}'}}}},
]
[packages.tool.othertool]
anything = true

[[packages]]
name = 'local-lib'
directory = {{ path = 'libs/local', editable = true }}

[[packages]]
name = 'gitdep'
[packages.vcs]
type = 'git'
url = 'https://git.example.org/gitdep.git'
requested-revision = 'main'
commit-id = '0123456789abcdef0123456789abcdef01234567'

[[packages]]
name = 'tarball'
archive = {{path = 'dist/t-1.0.tar.gz', hashes = {{ sha256 = '{SHA}' }}, subdirectory = 'x'}}

[tool.othertool]
setting = 1
"""


def test_reads_a_valid_lock_written_by_another_tool() -> None:
    lock = parse_lock(FOREIGN, source="pylock.toml")
    assert lock.created_by == "othertool"
    gitdep, local, tarball, torch = lock.packages
    assert (torch.name, torch.version) == ("torch", Version("2.3.0+cu121"))
    assert torch.index == "https://download.example.org/whl/cu121"
    wheel = torch.wheels[0]
    assert wheel.name == "torch-2.3.0+cu121-cp311-cp311-linux_x86_64.whl"
    assert wheel.upload_time == datetime(2024, 4, 24, 10, 0, tzinfo=UTC)
    assert wheel.sha256 == SHA
    assert local.directory is not None and local.directory.editable
    assert gitdep.vcs is not None and gitdep.vcs.requested_revision == "main"
    assert tarball.archive is not None and tarball.archive.subdirectory == "x"
    rendered = render(lock)
    assert "user:pw" not in rendered and "othertool]" not in rendered
    assert parse_lock(rendered, source="pylock.toml") == lock


def _error(text: str, source: str = "pylock.toml") -> InputError:
    with pytest.raises(InputError) as caught:
        parse_lock(text, source=source)
    assert caught.value.exit_code == 2
    return caught.value


HEADER = "lock-version = '1.0'\ncreated-by = 'ulock'\n"
WHEEL = (
    "{ name = 'a-1.0-py3-none-any.whl', url = 'https://f.example.org/a.whl', "
    f"hashes = {{ sha256 = '{SHA}' }} }}"
)


def entry(extra: str = "", wheels: str = WHEEL) -> str:
    return f"[[packages]]\nname = 'a'\nversion = '1.0'\nwheels = [{wheels}]\n{extra}\n"


def test_invalid_toml_names_file_and_line() -> None:
    error = _error(HEADER + "packages = [\n  oops\n]\n", source="proj/pylock.toml")
    assert error.path == Path("proj/pylock.toml") and error.line == 4
    assert str(error).startswith("`proj/pylock.toml` line 4: invalid TOML: Invalid value")


def test_pep_751_violations_keep_packagings_key_path() -> None:
    no_hashes = "{ name = 'a-1.0-py3-none-any.whl', url = 'https://f.example.org/a.whl' }"
    error = _error(HEADER + entry() + entry(wheels=no_hashes))
    assert error.key == "packages[1].wheels[0].hashes"
    assert str(error).startswith(
        "`pylock.toml`, key `packages[1].wheels[0].hashes`: Missing required value"
    )
    assert error.hint is not None and "not a valid PEP 751 lockfile" in error.hint


@pytest.mark.parametrize(
    ("text", "key", "message"),
    [
        ("created-by = 'ulock'\npackages = []\n", "lock-version", "Missing required value"),
        (
            "lock-version = '2.0'\ncreated-by = 'x'\npackages = []\n",
            None,
            "pylock version 2.0 is not supported",
        ),
        (HEADER, "packages", "Missing required value"),
        (
            HEADER + "[[packages]]\nname = 'A_b'\nversion = '1'\nwheels = []\n",
            "packages[0].name",
            "is not normalized",
        ),
        (
            HEADER + entry().replace("version = '1.0'", "version = 'one'"),
            "packages[0].version",
            "Invalid version",
        ),
        (HEADER + entry("marker = 'os_name =='"), "packages[0].marker", "Expected"),
    ],
)
def test_invalid_locks_are_input_errors_with_a_key(
    text: str, key: str | None, message: str
) -> None:
    error = _error(text)
    assert error.key == key
    assert message in error.message


def test_extra_equals_in_a_marker_is_refused() -> None:
    error = _error(HEADER + entry("marker = \"extra == 'cu118'\""))
    assert error.key == "packages[0]"
    assert "uses `extra`" in error.message and "'name' in extras" in error.message


def test_a_bad_digest_is_refused_with_its_key() -> None:
    bad = WHEEL.replace(SHA, "xyz")
    error = _error(HEADER + entry(wheels=bad))
    assert error.key == "packages[0].wheels[0]"
    assert "lowercase hexadecimal" in error.message


def test_unknown_tool_key_suggests_the_closest() -> None:
    error = _error(HEADER + "packages = []\n[tool.ulock]\nfork-marker = []\n")
    assert error.key == "tool.ulock.fork-marker"
    assert error.hint == "did you mean `fork-markers`?"
    error = _error(HEADER + entry("[packages.tool.ulock]\nbuild-require = []"))
    assert error.key == "packages[0].tool.ulock.build-require"
    assert error.hint == "did you mean `build-requires`?"


PINS = "packages[0].tool.ulock.build-requires"


@pytest.mark.parametrize(
    ("pins", "key", "message"),
    [
        (
            "['setuptools>=70']",
            "packages[0].tool.ulock.build-requires[0]",
            "must be `name==version`",
        ),
        (
            "['setuptools==70.*']",
            "packages[0].tool.ulock.build-requires[0]",
            "must be `name==version`",
        ),
        (
            "['a==1.0', 'not a requirement!']",
            "packages[0].tool.ulock.build-requires[1]",
            "invalid build",
        ),
        ("'a==1.0'", "packages[0].tool.ulock.build-requires", "expected an array"),
        ("['setuptools==70.0']", None, "setuptools==70.0 names no locked package"),
    ],
)
def test_bad_build_requirements(pins: str, key: str | None, message: str) -> None:
    error = _error(HEADER + entry(f"[packages.tool.ulock]\nbuild-requires = {pins}"))
    assert error.key == key
    assert message in error.message


@pytest.mark.parametrize(
    ("conflicts", "key", "message"),
    [
        ("{ extra = 'a' }", "tool.ulock.conflicts", "expected an array of arrays"),
        ("[{ extra = 'a' }]", "tool.ulock.conflicts[0]", "expected an array of tables"),
        ("[[{ extra = 'a', group = 'b' }]]", "tool.ulock.conflicts[0][0]", "expected `{ extra"),
        ("[[{ extras = 'a' }]]", "tool.ulock.conflicts[0][0]", "expected `{ extra"),
        ("[[{ extra = 'a' }, { extra = 'b' }]]", None, "which `extras` does not list"),
    ],
)
def test_bad_conflicts(conflicts: str, key: str | None, message: str) -> None:
    error = _error(
        HEADER + f"extras = ['a']\npackages = []\n[tool.ulock]\nconflicts = {conflicts}\n"
    )
    assert error.key == key
    assert message in error.message


def test_build_pin_with_marker_reads_back() -> None:
    lock = parse_lock(
        HEADER
        + entry("[packages.tool.ulock]\nbuild-requires = [\"a==1.0 ; python_version >= '3.12'\"]"),
        source="pylock.toml",
    )
    (pin,) = lock.packages[0].build_requires
    assert (pin.name, pin.version, pin.marker) == ("a", Version("1.0"), "python_version >= '3.12'")


def test_invalid_build_package_names_its_real_key() -> None:
    text = (
        HEADER
        + "packages = []\n[tool.ulock]\n[[tool.ulock.build-packages]]\n"
        + "name = 'cython'\nversion = '3'\n"
    )
    error = _error(text)
    assert error.key == "tool.ulock.build-packages[0]"
    assert "Exactly one of vcs, directory, archive" in error.message


def test_missing_and_unreadable_files(tmp_path: Path) -> None:
    missing = tmp_path / "pylock.toml"
    assert read_lock_if_present(missing) is None
    with pytest.raises(InputError, match="does not exist"):
        read_lock(missing)
    missing.write_bytes(b"lock-version = '\xff'\n")
    with pytest.raises(InputError, match="not UTF-8"):
        read_lock(missing)


_MUTATIONS = st.sampled_from(["delete", "int", "string", "list", "table", "bad-date"])


def _paths(value: object, prefix: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    found: list[tuple[object, ...]] = [prefix] if prefix else []
    if isinstance(value, dict):
        for key, item in value.items():
            found += _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            found += _paths(item, (*prefix, i))
    return found


@given(locks(max_packages=3), st.data())
def test_damaged_locks_give_input_errors_never_tracebacks(lock: Lock, data) -> None:
    document = as_dict(lock)
    path = data.draw(st.sampled_from(_paths(document)))
    parent = document
    for step in path[:-1]:
        parent = parent[step]  # type: ignore[index]
    mutation = data.draw(_MUTATIONS)
    replacement = {
        "int": 7,
        "string": "x",
        "list": ["x"],
        "table": {"x": 1},
        "bad-date": datetime(2024, 1, 1),
    }
    if mutation == "delete":
        del parent[path[-1]]  # type: ignore[arg-type]
    else:
        parent[path[-1]] = replacement[mutation]  # type: ignore[index]
    text = tomlkit.dumps(document)
    try:
        parse_lock(text, source="pylock.toml")
    except InputError as error:
        assert error.exit_code == 2
        assert str(error).startswith("`pylock.toml`")


def test_what_tomllib_reads_is_what_the_model_holds() -> None:
    lock = sample_lock()
    assert tomllib.loads(render(lock)) == as_dict(lock)
