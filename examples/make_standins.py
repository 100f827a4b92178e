"""Rebuild the small stand-in wheels the examples ship (``python examples/make_standins.py``).

The examples must lock and sync on any machine, offline, so their indexes are local
directories of tiny real wheels built by the test suite's distribution builder. Each wheel
holds a module whose ``__version__`` says which build it is (for example ``2.3.0+cu128``).
The real index URLs a project would use are in each example's pyproject.toml, in comments.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from tests.support.builder import write_flat_directory  # noqa: E402

PYTHONS = ("cp310", "cp311", "cp312", "cp313")


def _tags(platform: str) -> list[str]:
    return [f"{python}-{python}-{platform}" for python in PYTHONS]


TORCH_MULTIPLATFORM = {
    "packages": {
        "torch": {"versions": {"2.3.0": {"requires": ["numpy", "filelock"]}}},
        "torchvision": {"versions": {"0.18.0": {"requires": ["torch==2.3.0", "numpy"]}}},
        "numpy": {
            "versions": {
                "1.26.4": {"requires_python": ">=3.9"},
                "2.1.0": {"requires_python": ">=3.10"},
            }
        },
        "filelock": {"versions": {"3.16.1": {}}},
    },
    "indexes": {
        "cu128": {
            "packages": {
                "torch": {
                    "versions": {
                        "2.3.0+cu128": {
                            "requires": ["numpy", "filelock"],
                            "wheel_tags": _tags("manylinux_2_28_x86_64"),
                            "sdist": False,
                        }
                    }
                }
            }
        },
        "cpu": {
            "packages": {
                "torch": {
                    "versions": {
                        "2.3.0": {
                            "requires": ["numpy", "filelock"],
                            "wheel_tags": _tags("macosx_11_0_arm64"),
                            "sdist": False,
                        }
                    }
                }
            }
        },
        "local": {
            "packages": {
                "torch": {
                    "versions": {
                        "2.3.0": {
                            "requires": ["numpy", "filelock"],
                            "wheel_tags": ["cp310-abi3-linux_aarch64"],
                            "sdist": False,
                        }
                    }
                }
            }
        },
    },
}

CUDA_EXTRAS = {
    "packages": {
        "torch": {"versions": {"2.2.0": {}, "2.4.0": {}}},
        "tqdm": {"versions": {"4.66.5": {}}},
    },
    "indexes": {
        "cu118": {"packages": {"torch": {"versions": {"2.2.0+cu118": {"sdist": False}}}}},
        "cu124": {"packages": {"torch": {"versions": {"2.4.0+cu124": {"sdist": False}}}}},
    },
}


def _write(universe: dict[str, object], target: Path, index: str) -> None:
    if target.exists():
        shutil.rmtree(target)
    write_flat_directory(universe, target, index=index)


def main() -> None:
    torch = HERE / "torch-multiplatform"
    _write(TORCH_MULTIPLATFORM, torch / "indexes" / "default", "default")
    _write(TORCH_MULTIPLATFORM, torch / "indexes" / "cu128", "cu128")
    _write(TORCH_MULTIPLATFORM, torch / "indexes" / "cpu", "cpu")
    _write(TORCH_MULTIPLATFORM, torch / "wheels", "local")
    extras = HERE / "cuda-extras"
    _write(CUDA_EXTRAS, extras / "indexes" / "default", "default")
    _write(CUDA_EXTRAS, extras / "indexes" / "cu118", "cu118")
    _write(CUDA_EXTRAS, extras / "indexes" / "cu124", "cu124")


if __name__ == "__main__":
    main()
