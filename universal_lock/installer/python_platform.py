"""``--python-platform TARGET``: the marker environment and wheel tags of a machine we are not on.

Targets are the target triples uv understands (``x86_64-unknown-linux-gnu``,
``aarch64-apple-darwin``, ``x86_64-pc-windows-msvc``, ...) plus the short names ``linux``,
``macos`` and ``windows`` (x86_64). The Python version comes from the interpreter ulock found
for the project; the rest is synthesized: glibc 2.28 for ``-linux-gnu``, musl 1.2 for
``-linux-musl``, macOS 13.0 for ``-apple-darwin``. ``platform_release`` and
``platform_version`` are empty, as nothing is known about the kernel.
"""

from __future__ import annotations

from dataclasses import dataclass

from universal_lock.errors import InputError
from universal_lock.installer.tags import InterpreterFacts

_GLIBC = (2, 28)
_MUSL = (1, 2)
_MACOS = "13.0"
_ALIASES = {
    "linux": "x86_64-unknown-linux-gnu",
    "macos": "aarch64-apple-darwin",
    "windows": "x86_64-pc-windows-msvc",
}


@dataclass(frozen=True, slots=True, kw_only=True)
class _Target:
    sys_platform: str
    os_name: str
    platform_system: str
    platform_machine: str
    sysconfig_platform: str
    glibc: tuple[int, int] | None = None
    musl: tuple[int, int] | None = None
    mac_version: str | None = None


def known_targets() -> tuple[str, ...]:
    """Every accepted ``--python-platform`` value, for messages and docs."""
    triples = [
        f"{arch}-unknown-linux-{libc}"
        for arch in ("x86_64", "aarch64", "i686", "ppc64le", "s390x")
        for libc in ("gnu", "musl")
    ]
    triples += ["x86_64-apple-darwin", "aarch64-apple-darwin"]
    triples += ["x86_64-pc-windows-msvc", "aarch64-pc-windows-msvc", "i686-pc-windows-msvc"]
    return (*_ALIASES, *triples)


def synthesize(target: str, *, python_full_version: str) -> tuple[dict[str, str], InterpreterFacts]:
    """The marker environment and tag facts of CPython ``python_full_version`` on ``target``."""
    parsed = _parse(target)
    major, minor = (int(part) for part in python_full_version.split(".")[:2])
    environment = {
        "implementation_name": "cpython",
        "implementation_version": python_full_version,
        "os_name": parsed.os_name,
        "platform_machine": parsed.platform_machine,
        "platform_python_implementation": "CPython",
        "platform_release": "",
        "platform_system": parsed.platform_system,
        "platform_version": "",
        "python_full_version": python_full_version,
        "python_version": f"{major}.{minor}",
        "sys_platform": parsed.sys_platform,
    }
    facts = InterpreterFacts(
        version=(major, minor),
        platform=parsed.sysconfig_platform,
        pointer_bits=32 if parsed.sysconfig_platform in {"win32", "linux-i686"} else 64,
        glibc=parsed.glibc,
        musl=parsed.musl,
        mac_version=parsed.mac_version,
    )
    return environment, facts


def _parse(target: str) -> _Target:
    triple = _ALIASES.get(target, target)
    arch, _, rest = triple.partition("-")
    if rest.startswith("unknown-linux-") and rest.removeprefix("unknown-linux-") in {"gnu", "musl"}:
        musl = rest.endswith("musl")
        return _Target(
            sys_platform="linux",
            os_name="posix",
            platform_system="Linux",
            platform_machine=arch,
            sysconfig_platform=f"linux-{arch}",
            glibc=None if musl else _GLIBC,
            musl=_MUSL if musl else None,
        )
    if rest == "apple-darwin" and arch in {"x86_64", "aarch64"}:
        machine = "arm64" if arch == "aarch64" else arch
        return _Target(
            sys_platform="darwin",
            os_name="posix",
            platform_system="Darwin",
            platform_machine=machine,
            sysconfig_platform=f"macosx-{_MACOS}-{machine}",
            mac_version=_MACOS,
        )
    windows = {"x86_64": ("AMD64", "win-amd64"), "aarch64": ("ARM64", "win-arm64")}
    windows["i686"] = ("x86", "win32")
    if rest == "pc-windows-msvc" and arch in windows:
        machine, platform = windows[arch]
        return _Target(
            sys_platform="win32",
            os_name="nt",
            platform_system="Windows",
            platform_machine=machine,
            sysconfig_platform=platform,
        )
    raise InputError(
        f"unknown `--python-platform` target `{target}`",
        hint=f"use one of: {', '.join(known_targets())}",
    )
