"""ulock: one PEP 751 lockfile that is right on every platform a project supports.

The package is layered (see ``docs/architecture.md``): ``cli`` on top, then the
operations, then ``resolver`` / ``installer``, then ``lockfile`` / ``project`` /
``index``, then the pure cores ``solver`` and ``markers``, and ``errors`` at the bottom.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("universal-lock")
except PackageNotFoundError:  # pragma: no cover - running from a bare checkout
    __version__ = "0+unknown"

__all__ = ["__version__"]
