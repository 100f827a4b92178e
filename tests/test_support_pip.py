"""pip, a real installer, accepts what the test index serves: the end-to-end check."""

from __future__ import annotations

import os
import subprocess
import sys
import venv

from tests.support.builder import write_flat_directory

UNIVERSE = {
    "packages": {
        "hello-world": {
            "versions": {
                "1.0.0": {"requires": ["helper>=2"]},
                "1.1.0": {"yanked": "use 1.0.0"},
            }
        },
        "helper": {
            "versions": {
                "2.0.0": {},
                "3.0.0": {"sdist_metadata": "dynamic", "build_requires": ["build-tool>=1"]},
            }
        },
        "build-tool": {"versions": {"1.0.0": {}}},
    }
}
_PIP = [sys.executable, "-m", "pip", "--disable-pip-version-check", "--no-cache-dir", "-q"]


def _pip_environment() -> dict[str, str]:
    """This process's environment without pip configuration (PIP_* variables, config files
    that add find-links or extra indexes), so pip sees only the test index."""
    environment = {key: value for key, value in os.environ.items() if not key.startswith("PIP_")}
    environment["PIP_CONFIG_FILE"] = os.devnull
    return environment


def test_pip_downloads_from_the_index_and_installs_wheels_and_sdists(index_server, tmp_path):
    server = index_server(UNIVERSE)
    download = ["download", "--no-deps", "--only-binary", ":all:", "-d", tmp_path / "dl"]
    subprocess.run(
        [*_PIP, *download, "--index-url", server.simple_url, "hello-world"],
        check=True,
        env=_pip_environment(),
    )
    # 1.1.0 is newer but yanked: pip read the yank from the page and took 1.0.0.
    assert [p.name for p in (tmp_path / "dl").iterdir()] == ["hello_world-1.0.0-py3-none-any.whl"]
    fetched = [record.path for record in server.requests if record.method == "GET"]
    assert "/simple/hello-world/" in fetched
    assert "/files/hello_world-1.0.0-py3-none-any.whl" in fetched

    links = tmp_path / "links"
    write_flat_directory(server.universe, links)
    environment = tmp_path / "venv"
    venv.create(environment, with_pip=False)
    python = environment / "bin" / "python"
    # pip follows Requires-Dist to helper 3.0.0 and, told not to use its wheel, builds its
    # sdist (dynamic metadata) with the in-tree backend in an isolated environment, into which
    # it installs build-tool from the same find-links directory (the backend checks).
    install = ["install", "--no-index", "--find-links", links, "--no-binary", "helper"]
    subprocess.run(
        [*_PIP, "--python", python, *install, "hello-world==1.0.0"],
        check=True,
        env=_pip_environment(),
    )
    script = "import hello_world, helper; print(hello_world.__version__, helper.__version__)"
    shown = subprocess.run(
        [python, "-c", script],
        check=True,
        capture_output=True,
        text=True,
    )
    assert shown.stdout.split() == ["1.0.0", "3.0.0"]
