"""The packages' lazy re-exports give the same objects the eager imports gave.

Each package ``__init__`` names its exports and imports them on first use, so that importing
one submodule does not load the whole package (start-up of every command). These tests hold
every name in ``__all__`` to the object its module defines, in a fresh interpreter per package
(lazy loading depends on what was imported before), and check that a misspelt name is still
an ``AttributeError``.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

PACKAGES = [
    "universal_lock.building",
    "universal_lock.index",
    "universal_lock.lockfile",
    "universal_lock.markers",
    "universal_lock.project",
    "universal_lock.resolver",
    "universal_lock.solver",
]

_PROBE = """
import importlib, sys
package = importlib.import_module(sys.argv[1])
wrong = []
for name in package.__all__:
    module = importlib.import_module(package._EXPORTS.get(name, package.__name__))
    exported = getattr(package, name)
    if exported is not getattr(module, name):
        wrong.append(name)
try:
    package.no_such_name
except AttributeError:
    pass
else:
    wrong.append("no_such_name")
print(sorted(wrong))
"""


@pytest.mark.parametrize("package", PACKAGES)
def test_every_export_is_the_object_its_module_defines(package: str) -> None:
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, package], capture_output=True, text=True, check=True
    )
    assert done.stdout == "[]\n"


def test_select_is_the_function_even_after_its_submodule_is_imported() -> None:
    # `lockfile.select` is both a submodule and a function; importing the submodule directly
    # must not leave the package's `select` pointing at the module.
    probe = (
        "import universal_lock.lockfile.select\n"
        "from universal_lock.lockfile import select\n"
        "print(callable(select))\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout == "True\n"
