"""Start-up cost of the index client: importing it does not import aiohttp.

The HTTP session (and aiohttp, about 0.1 s to import) is made on the first request, so a lock
whose indexes are all local directories, or whose cache answers everything, never loads it.
"""

from __future__ import annotations

import subprocess
import sys

from universal_lock.index import IndexClient, IndexConfig, IndexSettings


def test_importing_the_client_and_the_cli_does_not_import_aiohttp():
    code = "import sys, universal_lock.index, universal_lock.cli; print('aiohttp' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


async def test_a_client_that_never_asks_the_network_never_makes_a_session(tmp_path):
    settings = IndexSettings(
        indexes=(IndexConfig(name="local", url=str(tmp_path / "none"), default=True),),
        cache_dir=tmp_path / "cache",
    )
    async with IndexClient(settings) as client:
        assert client._transport._session is None
