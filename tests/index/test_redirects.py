"""Redirects: followed, with relative links resolved against the final URL, and credentials
not carried to another origin. A small real aiohttp app on 127.0.0.1 plays two hosts."""

from __future__ import annotations

import hashlib

from aiohttp import web
from packaging.requirements import Requirement

from tests.index._dists import make_wheel
from universal_lock.index import IndexClient, IndexConfig, IndexSettings, ProjectPage


async def _start(app: web.Application) -> tuple[web.AppRunner, str]:
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    return runner, f"http://127.0.0.1:{port}"


async def test_redirects_are_followed_and_credentials_stay_on_their_origin(tmp_path):
    wheel = make_wheel(tmp_path / "files", "demo", "1.0", ["other>=2"])
    digest = hashlib.sha256(wheel.read_bytes()).hexdigest()
    seen: list[tuple[str, str, str | None]] = []

    async def files_host(request: web.Request) -> web.StreamResponse:
        seen.append(("files", request.path, request.headers.get("Authorization")))
        return web.FileResponse(wheel)

    files_app = web.Application()
    files_app.router.add_get("/{name}", files_host)
    files_runner, files_url = await _start(files_app)

    async def old_page(request: web.Request) -> web.StreamResponse:
        seen.append(("index", request.path, request.headers.get("Authorization")))
        raise web.HTTPMovedPermanently(f"/new/simple/{request.match_info['name']}/")

    async def new_page(request: web.Request) -> web.StreamResponse:
        seen.append(("index", request.path, request.headers.get("Authorization")))
        links = (
            f'<a href="../../packages/{wheel.name}#sha256={digest}">w</a>'
            f'<a href="{files_url}/{wheel.name}#sha256={digest}">elsewhere</a>'
        )
        return web.Response(text=links, content_type="text/html")

    async def package(request: web.Request) -> web.StreamResponse:
        seen.append(("index", request.path, request.headers.get("Authorization")))
        raise web.HTTPFound(f"{files_url}/{wheel.name}")

    index_app = web.Application()
    index_app.router.add_get("/old/simple/{name}/", old_page)
    index_app.router.add_get("/new/simple/{name}/", new_page)
    index_app.router.add_get("/new/packages/{name}", package)
    index_runner, index_url = await _start(index_app)
    # Same host, other port: another origin, so the credentials must not follow.
    try:
        config = IndexConfig(name="moved", url=f"{index_url}/old/simple", default=True)
        settings = IndexSettings(indexes=(config,), cache_dir=tmp_path / "cache", retry_backoff=0)
        environ = {"ULOCK_INDEX_MOVED_USERNAME": "u", "ULOCK_INDEX_MOVED_PASSWORD": "pw"}
        async with IndexClient(settings, environ=environ) as client:
            page = await client.project("demo")
            assert isinstance(page, ProjectPage)
            relative, absolute = page.distributions
            assert relative.url == f"{index_url}/new/packages/{wheel.name}"
            assert absolute.url == f"{files_url}/{wheel.name}"
            metadata = await client.metadata(relative)
            assert metadata.requires_dist == (Requirement("other>=2"),)
    finally:
        await index_runner.cleanup()
        await files_runner.cleanup()
    index_auth = {auth for host, _path, auth in seen if host == "index"}
    files_auth = {auth for host, _path, auth in seen if host == "files"}
    assert index_auth and None not in index_auth
    assert files_auth == {None}
    assert [path for host, path, _auth in seen if host == "index"][:2] == [
        "/old/simple/demo/",
        "/new/simple/demo/",
    ]
