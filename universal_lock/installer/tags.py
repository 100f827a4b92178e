"""Wheel tags of a target interpreter, computed here from the facts its probe reported.

The target may be another Python than the one ulock runs on, so ``packaging.tags.sys_tags``
(which inspects the running interpreter) does not apply. ``InterpreterFacts`` holds what the
probe found (or what ``--python-platform`` synthesizes); ``tags_for`` rebuilds the ordered tag
list with packaging's building blocks (``cpython_tags``, ``generic_tags``, ``compatible_tags``,
``mac_platforms``) and the manylinux / musllinux rules (PEP 600, PEP 656).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from packaging.tags import Tag, compatible_tags, cpython_tags, generic_tags, mac_platforms

# Legacy manylinux names, keyed by the glibc version they stand for (PEP 600 aliases).
_LEGACY_MANYLINUX = {
    (2, 17): (
        "manylinux2014",
        {"x86_64", "i686", "aarch64", "armv7l", "ppc64", "ppc64le", "s390x"},
    ),
    (2, 12): ("manylinux2010", {"x86_64", "i686"}),
    (2, 5): ("manylinux1", {"x86_64", "i686"}),
}


@dataclass(frozen=True, slots=True, kw_only=True)
class InterpreterFacts:
    """What decides an interpreter's wheel tags.

    ``platform`` is ``sysconfig.get_platform()`` (``linux-x86_64``, ``macosx-11.0-arm64``,
    ``win-amd64``); ``glibc`` / ``musl`` are (major, minor) on Linux; ``mac_version`` is the
    running macOS release (``14.2``).
    """

    version: tuple[int, int]
    implementation: str = "cpython"
    soabi: str | None = None
    gil_disabled: bool = False
    debug: bool = False
    platform: str
    pointer_bits: int = 64
    glibc: tuple[int, int] | None = None
    musl: tuple[int, int] | None = None
    mac_version: str | None = None


def tags_for(facts: InterpreterFacts) -> list[Tag]:
    """Every tag the interpreter accepts, most preferred first."""
    platforms = list(platform_tags(facts))
    major, minor = facts.version
    if facts.implementation == "cpython":
        abi = f"cp{major}{minor}{'t' if facts.gil_disabled else ''}{'d' if facts.debug else ''}"
        specific = list(cpython_tags(facts.version, [abi], platforms))
        interpreter = f"cp{major}{minor}"
    else:
        short = {"pypy": "pp", "graalpy": "graalpy"}.get(facts.implementation, facts.implementation)
        interpreter = f"{short}{major}{minor}"
        abis = [_abi_from_soabi(facts.soabi)] if facts.soabi else []
        specific = list(generic_tags(interpreter, abis, platforms))
    return specific + list(compatible_tags(facts.version, interpreter, platforms))


def platform_tags(facts: InterpreterFacts) -> Iterator[str]:
    """Platform tags, most specific first."""
    platform = facts.platform
    if platform.startswith("linux"):
        yield from _linux_platforms(_linux_arch(facts), facts.glibc, facts.musl)
    elif platform.startswith("macosx"):
        arch = platform.rsplit("-", 1)[-1]
        release = facts.mac_version or platform.split("-")[1]
        major, _, minor = release.partition(".")
        yield from mac_platforms((int(major), int(minor.split(".")[0] or 0)), arch)
    else:
        yield platform.replace("-", "_").replace(".", "_")


def _linux_arch(facts: InterpreterFacts) -> str:
    arch = facts.platform.split("-", 1)[1].replace("-", "_").replace(".", "_")
    if facts.pointer_bits == 32:
        # A 32-bit interpreter on a 64-bit kernel (PEP 600: use the interpreter's arch).
        arch = {"x86_64": "i686", "aarch64": "armv8l"}.get(arch, arch)
    return arch


def _linux_platforms(
    arch: str, glibc: tuple[int, int] | None, musl: tuple[int, int] | None
) -> Iterator[str]:
    # packaging (and so pip) puts the plain linux tag first: a locally built wheel wins.
    yield f"linux_{arch}"
    if glibc is not None and glibc[0] == 2:
        oldest = 5 if arch in {"x86_64", "i686"} else 17
        for minor in range(glibc[1], oldest - 1, -1):
            yield f"manylinux_2_{minor}_{arch}"
            legacy = _LEGACY_MANYLINUX.get((2, minor))
            if legacy is not None and arch in legacy[1]:
                yield f"{legacy[0]}_{arch}"
    if musl is not None and musl[0] == 1:
        for minor in range(musl[1], -1, -1):
            yield f"musllinux_1_{minor}_{arch}"


def _abi_from_soabi(soabi: str) -> str:
    # "pypy310-pp73-x86_64-linux-gnu" -> "pypy310_pp73" (packaging's rule for other Pythons).
    parts = soabi.split("-")
    return "_".join(parts[:2]).replace(".", "_")
