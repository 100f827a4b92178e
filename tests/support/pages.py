"""What the test index says: simple API pages (PEP 503 HTML, PEP 691 JSON) and content negotiation.

Pure functions from built files to bytes; `index_server.py` decides which page a request gets
and adds the HTTP around it. Pages follow API version 1.1 (PEP 592 yanks, PEP 658/714 metadata
hashes, PEP 700 `versions`, `size` and `upload-time`) unless a `PageStyle` asks for less.
Links are relative to the page, as many real indexes write them, so a client must resolve them
against the page URL.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC
from html import escape

from tests.support.builder import BuiltFile, BuiltProject

JSON_V1 = "application/vnd.pypi.simple.v1+json"
HTML_V1 = "application/vnd.pypi.simple.v1+html"
HTML_LEGACY = "text/html"


@dataclass(frozen=True, slots=True, kw_only=True)
class PageStyle:
    """What pages include, beyond the links themselves."""

    api_version: str = "1.1"
    """"1.0" leaves out the PEP 700 fields (`versions`, `size`, `upload-time`)."""
    hashes: bool = True
    """False: no `#sha256=` fragments, empty `hashes` (as some mirrors and find-links pages)."""
    metadata_files: bool = True


# When a client accepts several formats equally, it gets the first of these it accepts; so
# `*/*` (or no Accept header) gets legacy HTML, like the public index.
_SERVER_ORDER = (HTML_LEGACY, HTML_V1, JSON_V1)

FileUrl = Callable[[BuiltFile], str]


def negotiate(accept: str | None, offers: Iterable[str]) -> str | None:
    """The offer the Accept header prefers (q-values, then specificity), or None if none fits."""
    available = [offer for offer in _SERVER_ORDER if offer in set(offers)]
    ranges = _parse_accept(accept if accept and accept.strip() else "*/*")
    best: tuple[float, int, int, int] | None = None
    chosen = None
    for server_rank, offer in enumerate(available):
        match = _best_range(offer, ranges)
        if match is None or match[0] <= 0:
            continue
        quality, specificity, client_rank = match
        score = (quality, specificity, -client_rank, -server_rank)
        if best is None or score > best:
            best, chosen = score, offer
    return chosen


def _parse_accept(header: str) -> list[tuple[str, float]]:
    ranges = []
    for item in header.split(","):
        media_type, *params = (part.strip() for part in item.split(";"))
        if not media_type:
            continue
        quality = 1.0
        for param in params:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        # PEP 691's `latest` aliases name the newest version, which is v1 here.
        media_type = media_type.lower().replace("simple.latest+", "simple.v1+")
        ranges.append((media_type, quality))
    return ranges


def _best_range(offer: str, ranges: Sequence[tuple[str, float]]) -> tuple[float, int, int] | None:
    """(quality, specificity, position) of the most specific range that covers `offer`."""
    kind = offer.split("/", maxsplit=1)[0]
    found: tuple[float, int, int] | None = None
    for position, (media_type, quality) in enumerate(ranges):
        if media_type == offer:
            specificity = 2
        elif media_type == f"{kind}/*":
            specificity = 1
        elif media_type == "*/*":
            specificity = 0
        else:
            continue
        if found is None or specificity > found[1]:
            found = (quality, specificity, position)
    return found


def root_page(projects: Sequence[BuiltProject], content_type: str, style: PageStyle) -> bytes:
    if content_type == JSON_V1:
        listing = [{"name": project.name} for project in projects]
        return _json({"meta": {"api-version": style.api_version}, "projects": listing})
    links = "".join(
        f'    <a href="{escape(project.normalized)}/">{escape(project.name)}</a><br/>\n'
        for project in projects
    )
    return _html("Simple index", links, style)


def project_page(
    project: BuiltProject, content_type: str, *, file_url: FileUrl, style: PageStyle
) -> bytes:
    if content_type == JSON_V1:
        page: dict[str, object] = {
            "meta": {"api-version": style.api_version},
            "name": project.normalized,
        }
        if _has_pep_700(style):
            page["versions"] = [str(version) for version in project.versions]
        page["files"] = [_json_file(built, file_url, style) for built in project.files]
        return _json(page)
    links = "".join(_html_link(built, file_url, style) for built in project.files)
    return _html(f"Links for {project.name}", links, style)


def flat_page(files: Sequence[BuiltFile], file_url: FileUrl, style: PageStyle) -> bytes:
    """A find-links page: one anchor per file; no metadata files (nothing serves them there)."""
    style = replace(style, metadata_files=False)
    links = "".join(_html_link(built, file_url, style) for built in files)
    return _html("Files", links, style)


def _has_pep_700(style: PageStyle) -> bool:
    major, _, minor = style.api_version.partition(".")
    return (int(major), int(minor or 0)) >= (1, 1)


def _json_file(built: BuiltFile, file_url: FileUrl, style: PageStyle) -> dict[str, object]:
    entry: dict[str, object] = {
        "filename": built.filename,
        "url": file_url(built),
        "hashes": {"sha256": built.sha256} if style.hashes else {},
        "requires-python": built.requires_python,
    }
    if _has_pep_700(style):
        entry["size"] = built.size
        entry["upload-time"] = built.upload_time.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    entry["yanked"] = False if built.yanked is None else (built.yanked or True)
    if style.metadata_files and built.metadata_sha256 is not None:
        # PEP 714 renamed the key; send both, as the public index does.
        entry["core-metadata"] = {"sha256": built.metadata_sha256}
        entry["dist-info-metadata"] = {"sha256": built.metadata_sha256}
    return entry


def _html_link(built: BuiltFile, file_url: FileUrl, style: PageStyle) -> str:
    fragment = f"#sha256={built.sha256}" if style.hashes else ""
    attributes = [f'href="{escape(file_url(built))}{fragment}"']
    if built.requires_python is not None:
        attributes.append(f'data-requires-python="{escape(built.requires_python)}"')
    if built.yanked is not None:
        attributes.append(f'data-yanked="{escape(built.yanked)}"')
    if style.metadata_files and built.metadata_sha256 is not None:
        value = f"sha256={built.metadata_sha256}"
        attributes.append(f'data-core-metadata="{value}"')
        attributes.append(f'data-dist-info-metadata="{value}"')
    return f"    <a {' '.join(attributes)}>{escape(built.filename)}</a><br/>\n"


def _html(title: str, body: str, style: PageStyle) -> bytes:
    return (
        "<!DOCTYPE html>\n<html>\n  <head>\n"
        f'    <meta name="pypi:repository-version" content="{style.api_version}">\n'
        f"    <title>{escape(title)}</title>\n  </head>\n  <body>\n"
        f"    <h1>{escape(title)}</h1>\n{body}  </body>\n</html>\n"
    ).encode()


def _json(data: object) -> bytes:
    return json.dumps(data, indent=1, sort_keys=False).encode("utf-8")
