"""The region of environments a wheel's tags allow, as a marker.

A tag set is an ``or`` over its tags; one tag is (python part) ``and`` (platform part):

- interpreter ``cp312`` -> ``implementation_name == 'cpython'`` and Python 3.12.*; ``pp310`` ->
  PyPy and Python 3.10.*; ``py312`` -> Python 3.12.*; ``py3`` -> any Python (every interpreter
  a lock targets is Python 3; ``py2`` is Python 2.*); with ABI ``abi3`` the Python part is open
  upwards (``python_version >= '3.12'``);
- platform ``manylinux*`` / ``musllinux*`` / ``linux`` + arch -> ``sys_platform == 'linux'`` and
  ``platform_machine``; ``macosx_*`` + arch -> darwin and the arch (``universal2`` -> arm64 or
  x86_64); ``win_amd64`` / ``win_arm64`` -> win32 and AMD64 / ARM64; ``win32`` -> win32;
  ``any`` -> everywhere.

Tags the table does not know (other interpreters, other platforms) map to the universal marker
for that part: the region is never smaller than where the wheel can install.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from typing import Final

from packaging.tags import Tag, parse_tag

from universal_lock.markers.tree import FALSE, TRUE, MarkerTree, parse_marker

_IMPLEMENTATIONS: Final = {"cp": "cpython", "pp": "pypy"}
_MAC_ARCHES: Final = {
    "universal2": ("arm64", "x86_64"),
    "intel": ("i386", "x86_64"),
    "fat": ("i386", "ppc"),
    "fat3": ("i386", "ppc", "x86_64"),
    "fat64": ("ppc64", "x86_64"),
    "universal": ("i386", "ppc", "ppc64", "x86_64"),
}
_WINDOWS: Final = {"win_amd64": "AMD64", "win_arm64": "ARM64", "win_ia64": "ia64"}
_LINUX: Final = re.compile(r"(?:many|musl)?linux(?:1|2010|2014|_\d+_\d+)?_(?P<arch>.+)")
_MAC: Final = re.compile(r"macosx_\d+_\d+_(?P<arch>.+)")
_INTERPRETER: Final = re.compile(r"(?P<name>[a-z]+?)(?P<version>\d*)")


def marker_from_wheel_tags(tags: Iterable[Tag] | str) -> MarkerTree:
    """The marker for the environments a wheel with these tags can install into.

    ``tags`` is an iterable of ``packaging.tags.Tag`` or the tag part of a wheel file name
    (``cp312-abi3-manylinux_2_17_x86_64.manylinux2014_x86_64``).
    """
    if isinstance(tags, (str, frozenset)):
        return _memoized(tags)
    return _region(tags)


@lru_cache(maxsize=4096)
def _memoized(tags: str | frozenset[Tag]) -> MarkerTree:
    # A lock asks about the same few tag sets for thousands of files.
    return _region(parse_tag(tags) if isinstance(tags, str) else tags)


def _region(tags: Iterable[Tag]) -> MarkerTree:
    region = FALSE
    for tag in tags:
        region = region | (_python_part(tag.interpreter, tag.abi) & _platform_part(tag.platform))
    return region


def _python_part(interpreter: str, abi: str) -> MarkerTree:
    match = _INTERPRETER.fullmatch(interpreter)
    if match is None:
        return TRUE
    name, digits = match["name"], match["version"]
    region = TRUE
    if name in _IMPLEMENTATIONS:
        region = parse_marker(f"implementation_name == '{_IMPLEMENTATIONS[name]}'")
    elif name != "py":
        return TRUE
    if not digits or digits[0] not in "23":
        return region  # no version, or an old PyPy tag (pp73) that names PyPy's own version
    if digits == "3":
        return region  # every interpreter a lock can target is Python 3
    if len(digits) == 1:
        series = f"python_full_version == '{digits}.*'"
    elif abi == "abi3":
        series = f"python_version >= '{digits[0]}.{digits[1:]}'"
    else:
        series = f"python_version == '{digits[0]}.{digits[1:]}'"
    return region & parse_marker(series)


def _platform_part(platform: str) -> MarkerTree:
    if platform == "any":
        return TRUE
    if platform == "win32":
        return parse_marker("sys_platform == 'win32'")
    if platform in _WINDOWS:
        return parse_marker(
            f"sys_platform == 'win32' and platform_machine == '{_WINDOWS[platform]}'"
        )
    linux = _LINUX.fullmatch(platform)
    if linux is not None:
        return parse_marker(f"sys_platform == 'linux' and platform_machine == '{linux['arch']}'")
    mac = _MAC.fullmatch(platform)
    if mac is not None:
        arches = _MAC_ARCHES.get(mac["arch"], (mac["arch"],))
        region = FALSE
        for arch in arches:
            region = region | parse_marker(f"platform_machine == '{arch}'")
        return parse_marker("sys_platform == 'darwin'") & region
    return TRUE
