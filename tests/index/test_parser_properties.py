"""Property tests: pages rendered from random file lists parse back to the same entries, and
the memoized wheel-filename parser agrees with ``packaging``'s."""

from __future__ import annotations

import html
import json

from hypothesis import given
from hypothesis import strategies as st
from packaging.utils import InvalidWheelFilename, parse_wheel_filename
from packaging.version import InvalidVersion

from universal_lock.index.entries import parse_filename
from universal_lock.index.parse_html import parse_html_page
from universal_lock.index.parse_json import parse_json_page

PAGE = "https://files.example/simple/p/"

_text = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=12)
_digest = st.text(alphabet="0123456789abcdef", min_size=8, max_size=8)
_entry = st.fixed_dictionaries(
    {
        "filename": st.from_regex(
            r"p-[0-9]{1,2}\.[0-9]{1,2}(-py3-none-any\.whl|\.tar\.gz)", fullmatch=True
        ),
        "digest": st.none() | _digest,
        "requires_python": st.none() | st.sampled_from([">=3.8", "<4,>=3.9", "!=3.0.*"]),
        "yanked": st.none() | _text,
        "core": st.none() | st.just(True) | _digest,
    }
)


def _html(entries) -> str:
    links = []
    for item in entries:
        href = item["filename"] + (f"#sha256={item['digest']}" if item["digest"] else "")
        attrs = f'href="{html.escape(href)}"'
        if item["requires_python"]:
            attrs += f' data-requires-python="{html.escape(item["requires_python"])}"'
        if item["yanked"] is not None:
            attrs += f' data-yanked="{html.escape(item["yanked"])}"'
        if item["core"] is True:
            attrs += ' data-core-metadata="true"'
        elif item["core"]:
            attrs += f' data-core-metadata="sha256={item["core"]}"'
        links.append(f"<a {attrs}>{html.escape(item['filename'])}</a>")
    return "<html><body>" + "\n".join(links) + "</body></html>"


def _json(entries) -> object:
    files = []
    for item in entries:
        record = {
            "filename": item["filename"],
            "url": item["filename"],
            "hashes": {"sha256": item["digest"]} if item["digest"] else {},
            "requires-python": item["requires_python"],
            "yanked": item["yanked"] if item["yanked"] else item["yanked"] is not None,
        }
        if item["core"] is not None:
            record["core-metadata"] = True if item["core"] is True else {"sha256": item["core"]}
        files.append(record)
    return json.loads(json.dumps({"meta": {"api-version": "1.0"}, "name": "p", "files": files}))


def _expected(item) -> tuple:
    core = {"sha256": item["core"]} if isinstance(item["core"], str) else bool(item["core"])
    return (
        item["filename"],
        PAGE + item["filename"],
        {"sha256": item["digest"]} if item["digest"] else {},
        item["requires_python"],
        item["yanked"],
        core,
    )


def _actual(entry) -> tuple:
    return (
        entry.filename,
        entry.url,
        dict(entry.hashes),
        entry.requires_python,
        entry.yanked,
        entry.core_metadata,
    )


@given(st.lists(_entry, max_size=8))
def test_html_round_trip(entries):
    parsed = parse_html_page(_html(entries), PAGE)
    assert [_actual(e) for e in parsed.entries] == [_expected(i) for i in entries]


@given(st.lists(_entry, max_size=8))
def test_json_round_trip(entries):
    parsed = parse_json_page(_json(entries), PAGE)
    assert [_actual(e) for e in parsed.entries] == [_expected(i) for i in entries]


_segment = st.text(alphabet="abcXYZ019._-+!", min_size=1, max_size=8)
_valid_wheel = st.builds(
    lambda name, version, build, python, abi, platform: (
        "-".join([name, version, *([build] if build else []), python, abi, platform]) + ".whl"
    ),
    st.from_regex(r"[A-Za-z][A-Za-z0-9_.]{0,6}[A-Za-z0-9]", fullmatch=True),
    st.from_regex(
        r"[0-9]{1,2}(\.[0-9]{1,2}){0,2}((a|b|rc)[0-9]|\.post[0-9]|\.dev[0-9])?", fullmatch=True
    ),
    st.none() | st.from_regex(r"[0-9]{1,2}[a-z]{0,2}", fullmatch=True),
    st.sampled_from(["py3", "py2.py3", "cp312"]),
    st.sampled_from(["none", "abi3", "cp312"]),
    st.sampled_from(["any", "manylinux_2_17_x86_64.manylinux2014_x86_64", "win_amd64"]),
)


@given(
    st.one_of(
        _valid_wheel, st.lists(_segment, min_size=4, max_size=6).map(lambda p: "-".join(p) + ".whl")
    )
)
def test_wheel_filename_parser_agrees_with_packaging(filename):
    try:
        name, version, build, tags = parse_wheel_filename(filename)
        reference = (name, version, build, frozenset(tags))
    except (InvalidWheelFilename, InvalidVersion):
        reference = None
    parsed = parse_filename(filename)
    ours = None if parsed is None else (parsed.name, parsed.version, parsed.build_tag, parsed.tags)
    assert ours == reference
