"""The probe ``ulock sync`` runs with the target interpreter; prints one JSON object.

Runs under any Python 3 from 3.8 on, in isolated mode, with the standard library only: it is
executed by path, never imported by ulock. It reports the PEP 508 marker environment, the
facts ulock needs to compute wheel tags (version, ABI, platform, libc, macOS version), the
install scheme paths, and, when the interpreter has pip, pip's own list of supported tags.
"""

from __future__ import annotations

import json
import os
import platform
import re
import subprocess
import sys
import sysconfig
from pathlib import Path


def _implementation_version() -> str:
    info = sys.implementation.version
    version = f"{info.major}.{info.minor}.{info.micro}"
    if info.releaselevel != "final":
        version += info.releaselevel[0] + str(info.serial)
    return version


def _glibc() -> list[int] | None:
    try:
        text = os.confstr("CS_GNU_LIBC_VERSION")
    except (AttributeError, OSError, ValueError):
        return None
    match = re.match(r"glibc (\d+)\.(\d+)", text or "")
    return [int(match.group(1)), int(match.group(2))] if match else None


def _musl() -> list[int] | None:
    for loader in sorted(Path("/lib").glob("ld-musl-*.so.1")):
        try:
            done = subprocess.run(
                [str(loader)], capture_output=True, text=True, timeout=5, check=False
            )
        except (OSError, subprocess.SubprocessError):
            continue
        match = re.search(r"Version (\d+)\.(\d+)", done.stderr)
        if match:
            return [int(match.group(1)), int(match.group(2))]
    return None


def _pip_tags() -> list[str] | None:
    try:
        import importlib

        tags = importlib.import_module("pip._vendor.packaging.tags")
    except Exception:  # no pip, or a pip too old to have it
        return None
    try:
        return [str(tag) for tag in tags.sys_tags()]
    except Exception:
        return None


def main() -> None:
    environment = {
        "implementation_name": sys.implementation.name,
        "implementation_version": _implementation_version(),
        "os_name": os.name,
        "platform_machine": platform.machine(),
        "platform_python_implementation": platform.python_implementation(),
        "platform_release": platform.release(),
        "platform_system": platform.system(),
        "platform_version": platform.version(),
        "python_full_version": platform.python_version(),
        "python_version": ".".join(platform.python_version_tuple()[:2]),
        "sys_platform": sys.platform,
    }
    on_linux = sys.platform.startswith("linux")
    facts = {
        "version": list(sys.version_info[:2]),
        "implementation": sys.implementation.name,
        "soabi": sysconfig.get_config_var("SOABI"),
        "gil_disabled": bool(sysconfig.get_config_var("Py_GIL_DISABLED")),
        "debug": hasattr(sys, "gettotalrefcount"),
        "platform": sysconfig.get_platform(),
        "pointer_bits": 64 if sys.maxsize > 2**32 else 32,
        "glibc": _glibc() if on_linux else None,
        "musl": _musl() if on_linux and _glibc() is None else None,
        "mac_version": platform.mac_ver()[0] if sys.platform == "darwin" else None,
    }
    report = {
        "executable": sys.executable,
        "prefix": sys.prefix,
        "base_prefix": getattr(sys, "base_prefix", sys.prefix),
        "environment": environment,
        "facts": facts,
        "paths": sysconfig.get_paths(),
        "pip_tags": _pip_tags(),
    }
    json.dump(report, sys.stdout)


if __name__ == "__main__":
    main()
