"""Markers in words: name the environments a marker covers against a few well-known regions.

Reviewers think in platforms ("linux aarch64", "macOS arm64") and Python versions, not in
marker algebra. ``describe`` tries to write a marker as a union of known platform regions,
optionally restricted to a Python range, and falls back to the canonical marker text when the
marker does not decompose that way (extras, groups, unusual platforms).
"""

from __future__ import annotations

import re

from packaging.specifiers import SpecifierSet

from universal_lock.markers import FALSE, MarkerTree, parse_marker

__all__ = ["describe"]

# Operating systems, each with the machines a lock usually targets there. An operating system
# is named as a whole when the marker covers all of it, else machine by machine.
_PLATFORMS: tuple[tuple[str, str, tuple[tuple[str, str], ...]], ...] = (
    (
        "linux",
        "sys_platform == 'linux'",
        (
            ("linux x86_64", "platform_machine == 'x86_64'"),
            ("linux aarch64", "platform_machine == 'aarch64'"),
        ),
    ),
    (
        "macOS",
        "sys_platform == 'darwin'",
        (
            ("macOS arm64", "platform_machine == 'arm64'"),
            ("macOS x86_64", "platform_machine == 'x86_64'"),
        ),
    ),
    (
        "windows",
        "sys_platform == 'win32'",
        (("windows AMD64", "platform_machine == 'AMD64'"),),
    ),
)
_PYTHON_ATOM = re.compile(r"python(?:_full)?_version (\S+) '([^']*)'")
# The canonical printer may spell `< 3.10` as `<= 3.10 and != 3.10`; people read the former.
_BELOW = re.compile(r"<= ([\w.]+), != \1(?![\w.])")


def describe(marker: MarkerTree, requires_python: SpecifierSet | None = None) -> str:
    """``marker`` in words: ``linux aarch64``, ``macOS on Python >= 3.10``, ``everywhere``.

    ``requires_python`` (the lock's) trims Python bounds nobody can see. Falls back to
    ``everywhere except ...`` and then to the marker text itself.
    """
    if requires_python is not None:
        marker = marker.simplify(requires_python)
    if marker.is_universal():
        return "everywhere"
    if marker.is_empty():
        return "nowhere"
    words = _as_regions(marker)
    if words is not None:
        return words
    complement = ~marker
    if requires_python is not None:
        complement = complement.simplify(requires_python)
    excluded = _as_regions(complement)
    everywhere_python = MarkerTree.from_python_range(complement.python_range()).is_universal()
    if excluded is not None and everywhere_python:
        return f"everywhere except {excluded}"
    return str(marker)


def _as_regions(marker: MarkerTree) -> str | None:
    """Platform names joined by ``and``, plus ``on Python ...``; None if it does not fit."""
    python = MarkerTree.from_python_range(marker.python_range())
    python_words = None if python.is_universal() else _python_words(python)
    if marker == python:
        return f"Python {python_words}" if python_words else "everywhere"
    names: list[str] = []
    covered = FALSE
    for os_name, os_text, machines in _PLATFORMS:
        os_region = parse_marker(os_text) & python
        if os_region.implies(marker):
            names.append(os_name)
            covered |= os_region
            continue
        for machine_name, machine_text in machines:
            region = parse_marker(f"{os_text} and {machine_text}") & python
            if region.implies(marker):
                names.append(machine_name)
                covered |= region
    if not names or covered != marker:
        return None
    text = " and ".join(names) if len(names) <= 2 else ", ".join(names[:-1]) + f" and {names[-1]}"
    return f"{text} on Python {python_words}" if python_words else text


def _python_words(python: MarkerTree) -> str:
    """``python_full_version >= '3.10'`` as ``>= 3.10``."""
    words = _PYTHON_ATOM.sub(lambda match: f"{match[1]} {match[2]}", str(python))
    return _BELOW.sub(r"< \1", words.replace(" and ", ", "))
