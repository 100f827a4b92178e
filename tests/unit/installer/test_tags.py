"""Wheel tags computed from an interpreter's facts agree with packaging and with pip."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from packaging.tags import sys_tags

from universal_lock.installer.interpreter import probe
from universal_lock.installer.python_platform import synthesize
from universal_lock.installer.tags import InterpreterFacts, tags_for

PYENV = [
    python
    for python in sorted((Path.home() / ".pyenv" / "versions").glob("3.*/bin/python"))
    if int(python.parts[-3].split(".")[1]) >= 8  # the probe targets Python 3.8 and newer
]


def test_facts_of_the_running_interpreter_give_packagings_sys_tags() -> None:
    import sys

    interpreter = probe(Path(sys.executable))
    assert [str(tag) for tag in tags_for(interpreter.facts)] == [str(tag) for tag in sys_tags()]


@pytest.mark.parametrize("python", PYENV, ids=lambda path: path.parts[-3])
def test_facts_give_the_tags_pip_computes_on_that_interpreter(python: Path) -> None:
    interpreter = probe(python)
    has_pip = subprocess.run([str(python), "-c", "import pip"], capture_output=True, check=False)
    if has_pip.returncode:
        pytest.skip("no pip there to compare with")
    # With pip present the probe reports pip's own list; the computed one must hold the same
    # tags. Older pips lack newer packaging's `cpXY-none-any` and put `linux_*` last, so the
    # order is checked against the packaging ulock runs with (the test above).
    ours = [str(tag) for tag in tags_for(interpreter.facts)]
    pips = [str(tag) for tag in interpreter.tags]
    major, minor = interpreter.facts.version
    assert set(ours) - set(pips) <= {f"cp{major}{minor}-none-any"}
    assert set(pips) <= set(ours)


def test_windows_mac_and_musl_platforms() -> None:
    _, windows = synthesize("x86_64-pc-windows-msvc", python_full_version="3.12.1")
    assert [str(tag) for tag in tags_for(windows)][:3] == [
        "cp312-cp312-win_amd64", "cp312-abi3-win_amd64", "cp312-none-win_amd64",
    ]  # fmt: skip
    _, mac = synthesize("aarch64-apple-darwin", python_full_version="3.12.1")
    mac_tags = {str(tag) for tag in tags_for(mac)}
    assert {"cp312-cp312-macosx_13_0_arm64", "cp312-cp312-macosx_11_0_universal2"} <= mac_tags
    assert "cp312-cp312-macosx_14_0_arm64" not in mac_tags
    assert "py3-none-any" in mac_tags
    _, musl = synthesize("aarch64-unknown-linux-musl", python_full_version="3.9.1")
    platforms = [str(tag) for tag in tags_for(musl) if tag.abi == "cp39"]
    assert platforms[:4] == [
        "cp39-cp39-linux_aarch64", "cp39-cp39-musllinux_1_2_aarch64",
        "cp39-cp39-musllinux_1_1_aarch64", "cp39-cp39-musllinux_1_0_aarch64",
    ]  # fmt: skip
    assert not any("manylinux" in tag for tag in platforms)


def test_manylinux_series_and_legacy_aliases() -> None:
    facts = InterpreterFacts(version=(3, 10), platform="linux-aarch64", glibc=(2, 28))
    platforms = [tag.platform for tag in tags_for(facts) if str(tag).startswith("cp310-cp310-")]
    assert platforms[0] == "linux_aarch64"
    assert platforms[1] == "manylinux_2_28_aarch64"
    assert platforms[-2:] == ["manylinux_2_17_aarch64", "manylinux2014_aarch64"]
    x86 = InterpreterFacts(version=(3, 10), platform="linux-x86_64", glibc=(2, 17))
    x86_platforms = [tag.platform for tag in tags_for(x86) if str(tag).startswith("cp310-cp310-")]
    assert "manylinux2010_x86_64" in x86_platforms and x86_platforms[-1] == "manylinux1_x86_64"


def test_free_threaded_cpython_has_no_abi3() -> None:
    facts = InterpreterFacts(
        version=(3, 13), platform="linux-x86_64", glibc=(2, 17), gil_disabled=True
    )
    tags = [str(tag) for tag in tags_for(facts)]
    assert tags[0] == "cp313-cp313t-linux_x86_64"
    assert not any("-abi3-" in tag for tag in tags)  # abi3t (PEP 803) is another ABI


def test_the_probe_reports_packagings_environment_for_the_running_interpreter() -> None:
    import sys

    from packaging.markers import default_environment

    assert dict(probe(Path(sys.executable)).environment) == dict(default_environment())


def test_find_interpreter_honours_requires_python() -> None:
    from packaging.specifiers import SpecifierSet

    from universal_lock.installer.interpreter import InterpreterError, find_interpreter

    if not any(python.parts[-3].startswith("3.12.") for python in PYENV):
        pytest.skip("no Python 3.12 here")
    found = probe(find_interpreter(SpecifierSet("==3.12.*")))
    assert found.environment["python_version"] == "3.12"
    with pytest.raises(InterpreterError, match="requires-python `<3`"):
        find_interpreter(SpecifierSet("<3"))
