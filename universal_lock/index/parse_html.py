"""PEP 503 HTML project pages and flat HTML link pages, parsed into ``FileEntry`` records.

Pure: text and the page's own URL in, entries out. Reads PEP 592 ``data-yanked``,
``data-requires-python``, PEP 658/714 ``data-core-metadata`` (and the older
``data-dist-info-metadata``), hash fragments and ``<base href>``.
"""

from __future__ import annotations

from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import unquote, urldefrag, urljoin, urlsplit

from universal_lock.index.auth import redact_url
from universal_lock.index.entries import FileEntry, parse_hash_fragment


@dataclass(frozen=True, slots=True, kw_only=True)
class HtmlPage:
    """The links of a page and its ``pypi:repository-version`` (``None`` when not declared)."""

    entries: tuple[FileEntry, ...]
    api_version: str | None


def parse_html_page(text: str, page_url: str) -> HtmlPage:
    """Parse a simple-API project page (or any page of links) found at ``page_url``."""
    parser = _LinkParser()
    parser.feed(text)
    parser.close()
    base = urljoin(page_url, parser.base_href) if parser.base_href else page_url
    entries: list[FileEntry] = []
    for attrs in parser.anchors:
        href = attrs.get("href")
        if not href:
            continue
        absolute, fragment = urldefrag(urljoin(base, href))
        filename = unquote(urlsplit(absolute).path.rsplit("/", 1)[-1])
        if not filename:
            continue
        entries.append(
            FileEntry(
                filename=filename,
                url=redact_url(absolute),
                hashes=parse_hash_fragment(fragment),
                requires_python=attrs.get("data-requires-python") or None,
                yanked=attrs.get("data-yanked") if "data-yanked" in attrs else None,
                core_metadata=_core_metadata(attrs),
            )
        )
    return HtmlPage(entries=tuple(entries), api_version=parser.api_version)


def _core_metadata(attrs: dict[str, str]) -> bool | dict[str, str]:
    # PEP 714 renamed the attribute; prefer the new name, accept the old one.
    value = attrs.get("data-core-metadata", attrs.get("data-dist-info-metadata"))
    if value is None:
        return False
    if value in ("", "true"):
        return True
    hashes = parse_hash_fragment(value)
    return hashes or True


class _LinkParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.anchors: list[dict[str, str]] = []
        self.base_href: str | None = None
        self.api_version: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {key: value or "" for key, value in attrs}
        if tag == "a":
            self.anchors.append(values)
        elif tag == "base" and self.base_href is None and values.get("href"):
            self.base_href = values["href"]
        elif tag == "meta" and values.get("name") == "pypi:repository-version":
            self.api_version = values.get("content") or None
