"""`ulock lock` end to end on hermetic local indexes (flat directories of real built wheels).

Each lock is judged by tests/support/oracle.py in every environment of a grid, from the
locked files' own metadata, and locked twice: the second run must leave the bytes alone.
"""

from __future__ import annotations

import json
import time
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement

from tests.support.builder import write_flat_directory
from tests.support.cli import run_ulock as run
from tests.support.oracle import judge, wheel_metadata
from universal_lock.lockfile import Lock, read_lock
from universal_lock.markers import parse_marker

LINUX_X86 = "sys_platform == 'linux' and platform_machine == 'x86_64'"
LINUX_ARM = "sys_platform == 'linux' and platform_machine == 'aarch64'"
DARWIN = "sys_platform == 'darwin'"


def lock_twice(project: Path, cache: Path) -> Lock:
    """Lock, lock again (must be byte-identical and say unchanged), and check (must agree)."""
    common = ("--directory", str(project), "--cache-dir", str(cache))
    assert run("lock", *common) == 0
    first = (project / "pylock.toml").read_bytes()
    assert run("lock", *common) == 0
    assert (project / "pylock.toml").read_bytes() == first
    assert run("lock", "--check", *common) == 0
    return read_lock(project / "pylock.toml")


def entries(lock: Lock, name: str) -> dict[str, str | None]:
    return {str(p.version): p.marker for p in lock.packages if p.name == name}


def write_project(directory: Path, text: str) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "pyproject.toml").write_text(text)
    return directory


FLAT_DEFAULT = """
[[tool.ulock.index]]
name = "local"
url = "./whl"
format = "flat"
default = true
"""


def test_python_version_fork_gives_two_entries_and_a_valid_lock_everywhere(tmp_path: Path) -> None:
    universe = {
        "packages": {
            "numpy": {
                "versions": {
                    "1.26.0": {"requires_python": ">=3.8"},
                    "2.1.0": {"requires_python": ">=3.10"},
                }
            },
            "torch": {
                "versions": {"2.4.0": {"requires": ["numpy", "sympy; python_version >= '3.9'"]}}
            },
            "sympy": {"versions": {"1.0.0": {}}},
            "requests": {
                "versions": {"2.0.0": {"requires": ["idna"], "extras": {"socks": ["pysocks"]}}}
            },
            "idna": {"versions": {"3.0": {}}},
            "pysocks": {"versions": {"1.7.0": {}}},
        }
    }
    project = write_project(
        tmp_path / "project",
        """
[project]
name = "demo"
version = "0.1"
requires-python = ">=3.8"
dependencies = ["torch", "requests[socks]; sys_platform == 'linux'"]
"""
        + FLAT_DEFAULT,
    )
    write_flat_directory(universe, project / "whl")
    lock = lock_twice(project, tmp_path / "cache")

    numpy = entries(lock, "numpy")
    assert set(numpy) == {"1.26.0", "2.1.0"}
    old, new = (parse_marker(numpy[v] or "") for v in ("1.26.0", "2.1.0"))
    assert old.is_disjoint(new)
    assert new == parse_marker("python_full_version >= '3.10'")
    assert entries(lock, "pysocks") == {"1.7.0": "sys_platform == 'linux'"}
    assert entries(lock, "sympy") == {"1.0.0": "python_version >= '3.9'"}
    requirements = {
        None: [Requirement("torch"), Requirement("requests[socks]; sys_platform == 'linux'")]
    }
    assert judge(lock, project_requirements=requirements, metadata=wheel_metadata(project)) == []

    data = tomllib.loads((project / "pylock.toml").read_text())
    assert len(data["tool"]["ulock"]["fork-markers"]) == 2

    pyproject = project / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace('"torch",', '"torch>=2",'))
    assert run("lock", "--check", "--directory", str(project)) == 1


def test_sources_by_marker_apply_to_transitive_packages(tmp_path: Path) -> None:
    universe = {
        "packages": {
            "torch": {"versions": {"2.3.0": {}}},
            "torchvision": {"versions": {"0.18.0": {"requires": ["torch==2.3.0"]}}},
        },
        "indexes": {
            "cu128": {
                "packages": {
                    "torch": {
                        "versions": {
                            "2.3.0+cu128": {"wheel_tags": ["cp312-cp312-manylinux_2_28_x86_64"]}
                        }
                    }
                }
            },
            "cpu": {
                "packages": {
                    "torch": {
                        "versions": {"2.3.0": {"wheel_tags": ["cp312-cp312-macosx_11_0_arm64"]}}
                    }
                }
            },
            "arm": {
                "packages": {
                    "torch": {
                        "versions": {
                            "2.3.0": {"wheel_tags": ["cp312-cp312-linux_aarch64"], "sdist": False}
                        }
                    }
                }
            },
        },
    }
    project = write_project(
        tmp_path / "project",
        f"""
[project]
name = "vision"
version = "0.1"
requires-python = ">=3.12"
dependencies = ["torchvision"]

[[tool.ulock.index]]
name = "pytorch-cu128"
url = "./cu128"
format = "flat"
explicit = true

[[tool.ulock.index]]
name = "pytorch-cpu"
url = "./cpu"
format = "flat"
explicit = true
{FLAT_DEFAULT}
[tool.ulock.sources]
torch = [
  {{ index = "pytorch-cu128", marker = "{LINUX_X86}" }},
  {{ path = "arm/torch-2.3.0-cp312-cp312-linux_aarch64.whl", marker = "{LINUX_ARM}" }},
  {{ index = "pytorch-cpu", marker = "{DARWIN}" }},
]
""",
    )
    write_flat_directory(universe, project / "whl", index="default")
    for index in ("cu128", "cpu", "arm"):
        write_flat_directory(universe, project / index, index=index)
    lock = lock_twice(project, tmp_path / "cache")

    torch = [p for p in lock.packages if p.name == "torch"]
    by_file = {
        p.wheels[0].name if p.wheels else p.sdist.name: p for p in torch if p.wheels or p.sdist
    }
    cuda = by_file["torch-2.3.0+cu128-cp312-cp312-manylinux_2_28_x86_64.whl"]
    assert parse_marker(cuda.marker or "") == parse_marker(LINUX_X86)
    arm = by_file["torch-2.3.0-cp312-cp312-linux_aarch64.whl"]
    assert parse_marker(arm.marker or "") == parse_marker(LINUX_ARM)
    assert arm.wheels[0].path == "arm/torch-2.3.0-cp312-cp312-linux_aarch64.whl"
    darwin = by_file["torch-2.3.0-cp312-cp312-macosx_11_0_arm64.whl"]
    assert parse_marker(darwin.marker or "") == parse_marker(DARWIN)
    rest = by_file["torch-2.3.0-py3-none-any.whl"]
    assert parse_marker(rest.marker or "") == ~parse_marker(
        f"({LINUX_X86}) or ({LINUX_ARM}) or {DARWIN}"
    )
    requirements = {None: [Requirement("torchvision")]}
    problems = judge(
        lock,
        project_requirements=requirements,
        metadata=wheel_metadata(project),
        pythons=("3.12.1", "3.13.0"),
    )
    assert problems == []


def test_conflicting_extras_fork_with_their_own_indexes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    universe = {
        "packages": {"torch": {"versions": {"2.2.0": {}, "2.4.0": {}}}},
        "indexes": {
            "cu118": {"packages": {"torch": {"versions": {"2.2.0+cu118": {}}}}},
            "cu124": {"packages": {"torch": {"versions": {"2.4.0+cu124": {}}}}},
        },
    }
    project = write_project(
        tmp_path / "project",
        """
[project]
name = "trainer"
version = "0.1"
requires-python = ">=3.10"
dependencies = []

[project.optional-dependencies]
cu118 = ["torch==2.2.0"]
cu124 = ["torch==2.4.0"]

[tool.ulock]
conflicts = [[{ extra = "cu118" }, { extra = "cu124" }]]

[[tool.ulock.index]]
name = "pytorch-cu118"
url = "./cu118"
format = "flat"
explicit = true

[[tool.ulock.index]]
name = "pytorch-cu124"
url = "./cu124"
format = "flat"
explicit = true
"""
        + FLAT_DEFAULT
        + """
[tool.ulock.sources]
torch = [
  { index = "pytorch-cu118", extra = "cu118" },
  { index = "pytorch-cu124", extra = "cu124" },
]
""",
    )
    write_flat_directory(universe, project / "whl", index="default")
    for index in ("cu118", "cu124"):
        write_flat_directory(universe, project / index, index=index)
    lock = lock_twice(project, tmp_path / "cache")

    torch = entries(lock, "torch")
    assert set(torch) == {"2.2.0+cu118", "2.4.0+cu124"}
    assert parse_marker(torch["2.2.0+cu118"] or "") == parse_marker(
        "'cu118' in extras and 'cu124' not in extras"
    )
    requirements = {
        None: [],
        "cu118": [Requirement("torch==2.2.0")],
        "cu124": [Requirement("torch==2.4.0")],
    }
    assert judge(lock, project_requirements=requirements, metadata=wheel_metadata(project)) == []
    # The lock itself records the conflict, so sync refuses the pair without pyproject.toml.
    assert [[str(member) for member in members] for members in lock.conflicts] == [
        ["extra `cu118`", "extra `cu124`"]
    ]
    (project / "pyproject.toml").unlink()
    both = ("--extra", "cu118", "--extra", "cu124")
    assert run("sync", "--directory", str(project), "--frozen", "--dry-run", *both) == 1
    assert "declared to conflict" in capsys.readouterr().err


def test_unsatisfiable_names_the_region_and_explains(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    universe = {
        "packages": {
            "a": {"versions": {"1.0.0": {"requires": ["b>=2"]}}},
            "b": {"versions": {"1.0.0": {}}},
        }
    }
    project = write_project(
        tmp_path / "project",
        '[project]\nname = "p"\nversion = "1"\ndependencies = ["a"]\n' + FLAT_DEFAULT,
    )
    write_flat_directory(universe, project / "whl")
    previous = 'lock-version = "1.0"\ncreated-by = "someone"\npackages = []\n'
    (project / "pylock.toml").write_text(previous)
    status = run("lock", "--directory", str(project), "--cache-dir", str(tmp_path / "cache"))
    assert status == 1
    err = capsys.readouterr().err
    assert "no solution for every environment" in err
    assert "Because" in err and "b" in err and "a" in err
    assert (project / "pylock.toml").read_text() == previous
    assert sorted(p.name for p in project.iterdir()) == ["pylock.toml", "pyproject.toml", "whl"]


def test_an_unreadable_previous_lock_is_replaced_with_a_warning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    universe = {"packages": {"a": {"versions": {"1.0.0": {}}}}}
    project = write_project(
        tmp_path / "project",
        '[project]\nname = "p"\nversion = "1"\ndependencies = ["a"]\n' + FLAT_DEFAULT,
    )
    write_flat_directory(universe, project / "whl")
    (project / "pylock.toml").write_text("# not a lock\n")
    assert run("lock", "--directory", str(project), "--cache-dir", str(tmp_path / "cache")) == 0
    assert "warning" in capsys.readouterr().err
    assert entries(read_lock(project / "pylock.toml"), "a") == {"1.0.0": None}


def test_bad_input_is_exit_2_with_the_key_and_a_hint_printed_verbatim(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = write_project(
        tmp_path / "project",
        '[project]\nname = "x"\ndependencies = ["torch"]\n\n'
        '[tool.ulock.sources]\ntorch = [{ index = "nope" }]\n',
    )
    assert run("lock", "--directory", str(project)) == 2
    err = capsys.readouterr().err
    assert "key `tool.ulock.sources.torch[0].index`" in err
    assert "line 6" in err
    # TOML in a hint is shown as written, not swallowed as terminal markup.
    assert "[[tool.ulock.index]]" in err
    assert not (project / "pylock.toml").exists()


def test_upgrading_a_forked_package_keeps_the_newest_for_newer_pythons(tmp_path: Path) -> None:
    """A relock solves newer-Python forks first, so their versions are not handed down old ones."""
    numpy = {"1.26.0": {"requires_python": ">=3.8"}, "2.1.0": {"requires_python": ">=3.10"}}
    project = write_project(
        tmp_path / "project",
        '[project]\nname = "d"\nversion = "1"\nrequires-python = ">=3.8"\n'
        'dependencies = ["numpy"]\n' + FLAT_DEFAULT,
    )
    write_flat_directory({"packages": {"numpy": {"versions": numpy}}}, project / "whl")
    common = ("--directory", str(project), "--cache-dir", str(tmp_path / "cache"))
    assert run("lock", *common) == 0
    numpy["2.2.0"] = {"requires_python": ">=3.10"}
    write_flat_directory({"packages": {"numpy": {"versions": numpy}}}, project / "whl")
    assert run("lock", "--upgrade-package", "numpy", *common) == 0
    assert entries(read_lock(project / "pylock.toml"), "numpy") == {
        "1.26.0": "python_full_version <= '3.10' and python_full_version != '3.10'",
        "2.2.0": "python_full_version >= '3.10'",
    }


@pytest.mark.parametrize(
    ("dependencies", "releases", "hint"),
    [
        (
            '["a"]',
            {"a": {"1.0.0": {"requires": ["b>=2"]}}, "b": {"1.0.0": {}, "2.1.0b1": {}}},
            "hint: `b` has pre-releases matching >=2 (2.1.0b1), which are used only when asked "
            'for: require `b>=2.1.0b1`, or set `prerelease = "allow"` in `[tool.ulock]`',
        ),
        (
            '["a>=2"]',
            {"a": {"1.0.0": {}, "2.0.0": {"yanked": "broken"}}},
            "hint: `a` 2.0.0 matches >=2 but is yanked; a yanked version is used only when "
            "pinned with `==`",
        ),
        ('["nowhere"]', {"a": {"1.0.0": {}}}, "hint: `nowhere` was not found on the indexes"),
    ],
)
def test_a_failure_says_what_is_near_a_solution(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], index_server, dependencies, releases, hint
) -> None:
    universe = {"packages": {name: {"versions": v} for name, v in releases.items()}}
    server = index_server(universe)
    project = write_project(
        tmp_path / "project",
        f'[project]\nname = "p"\nversion = "1"\ndependencies = {dependencies}\n\n'
        f'[[tool.ulock.index]]\nname = "test"\nurl = "{server.simple_url}"\ndefault = true\n',
    )
    assert run("lock", "--directory", str(project), "--cache-dir", str(tmp_path / "c")) == 1
    assert hint in capsys.readouterr().err.replace("\n", " ").replace("  ", " ")


def test_metadata_of_likely_versions_is_fetched_ahead_in_parallel(
    tmp_path: Path, index_server
) -> None:
    """Six metadata files each answered 0.4 s late: one after another that is >= 2.4 s.

    The resolver decides one package at a time; finishing well under the sequential bound is
    only possible if it fetched the metadata of the versions it was about to choose ahead.
    """
    names = [f"pkg{index}" for index in range(6)]
    universe = {"packages": {name: {"versions": {"1.0.0": {}, "0.9.0": {}}} for name in names}}
    server = index_server(universe, metadata_files=True)
    project = write_project(
        tmp_path / "project",
        '[project]\nname = "p"\nversion = "1"\n'
        f"dependencies = {json.dumps(names)}\n\n"
        f'[[tool.ulock.index]]\nname = "test"\nurl = "{server.simple_url}"\ndefault = true\n',
    )
    server.inject("*.metadata", kind="slow", times=len(names), delay=0.4)
    started = time.perf_counter()
    assert run("lock", "--directory", str(project), "--cache-dir", str(tmp_path / "c")) == 0
    elapsed = time.perf_counter() - started
    fetched = [r.path for r in server.requests if r.path.endswith(".metadata")]
    assert sorted(fetched) == [f"/files/{name}-1.0.0-py3-none-any.whl.metadata" for name in names]
    assert elapsed < 2.0, f"metadata was fetched one after another ({elapsed:.2f} s)"


def test_files_from_an_index_without_hashes_are_downloaded_and_hashed(
    tmp_path: Path, index_server
) -> None:
    universe = {"packages": {f"pkg{i}": {"versions": {"1.0.0": {}}} for i in range(4)}}
    locks = []
    for hashes in (True, False):
        server = index_server(universe, hashes=hashes, metadata_files=False)
        project = write_project(
            tmp_path / f"project-{hashes}",
            '[project]\nname = "p"\nversion = "1"\n'
            f"dependencies = {json.dumps(sorted(universe['packages']))}\n\n"
            f'[[tool.ulock.index]]\nname = "t"\nurl = "{server.simple_url}"\ndefault = true\n',
        )
        cache = str(tmp_path / f"cache-{hashes}")
        assert run("lock", "--directory", str(project), "--cache-dir", cache) == 0
        locks.append(read_lock(project / "pylock.toml"))

    def files(lock: Lock) -> list[tuple[str, str | None, int | None]]:
        found = [f for p in lock.packages for f in (*p.wheels, *([p.sdist] if p.sdist else []))]
        return sorted((f.name, f.sha256, f.size) for f in found)

    assert files(locks[1]) == files(locks[0])
    assert len(files(locks[0])) == 8


def test_a_fork_for_older_pythons_fetches_its_older_metadata_ahead(
    tmp_path: Path, index_server
) -> None:
    """Each package's newest release needs Python 3.12; the fork for older Pythons needs the
    1.0 releases, whose metadata is answered 0.4 s late. Fetched one at a time as that fork
    decides them, that is >= 2.4 s; fetched ahead when the fork splits off, well under."""
    names = [f"pkg{index}" for index in range(6)]
    universe = {
        "packages": {
            name: {"versions": {"2.0.0": {"requires_python": ">=3.12"}, "1.0.0": {}}}
            for name in names
        }
    }
    server = index_server(universe, metadata_files=True)
    project = write_project(
        tmp_path / "project",
        '[project]\nname = "p"\nversion = "1"\nrequires-python = ">=3.8"\n'
        f"dependencies = {json.dumps(names)}\n\n"
        f'[[tool.ulock.index]]\nname = "test"\nurl = "{server.simple_url}"\ndefault = true\n',
    )
    server.inject("*-1.0.0-py3-none-any.whl.metadata", kind="slow", times=len(names), delay=0.4)
    started = time.perf_counter()
    assert run("lock", "--directory", str(project), "--cache-dir", str(tmp_path / "c")) == 0
    elapsed = time.perf_counter() - started
    lock = read_lock(project / "pylock.toml")
    assert sorted(str(p.version) for p in lock.packages) == ["1.0.0"] * 6 + ["2.0.0"] * 6
    assert elapsed < 2.0, f"the older fork's metadata came one after another ({elapsed:.2f} s)"
