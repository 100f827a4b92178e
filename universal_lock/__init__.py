"""ulock: one PEP 751 lockfile that is right on every platform a project supports.

The package is layered (see ``docs/architecture.md``): ``cli`` on top, then the
operations, then ``resolver`` / ``installer``, then ``lockfile`` / ``project`` /
``index``, then the pure cores ``solver`` and ``markers``, and ``errors`` at the bottom.
"""

from typing import Any

__all__ = ["__version__"]


def __getattr__(name: str) -> Any:
    # Looked up on first use: importlib.metadata costs more than `ulock lock --check` may.
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            return version("universal-lock")
        except PackageNotFoundError:  # pragma: no cover - running from a bare checkout
            return "0+unknown"
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
