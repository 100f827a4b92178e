"""Reading installed distributions: METADATA's Name and Version, read as email's parser does."""

from __future__ import annotations

from email.parser import HeaderParser

from hypothesis import given
from hypothesis import strategies as st

from universal_lock.installer.installed import metadata_name_version

_KEYS = st.sampled_from(
    [
        "Name",
        "name",
        "Version",
        "VERSION",
        "Summary",
        "Requires-Dist",
        "X",
        "Na me",
        " Name",
        "Name ",
    ]
)
_VALUES = st.text(alphabet=" \tab1.0-:", max_size=6)
_LINES = st.one_of(
    st.builds(lambda key, value: f"{key}:{value}", _KEYS, _VALUES),
    st.builds(lambda value: f" {value}", _VALUES),
    st.builds(lambda value: f"\t{value}", _VALUES),
    st.just(""),
    st.text(alphabet="ab :", max_size=4),
)


@given(lines=st.lists(_LINES, max_size=6), end=st.sampled_from(["\n", "\r\n"]))
def test_name_and_version_are_what_emails_header_parser_reads(lines: list[str], end: str) -> None:
    text = end.join(lines) + end
    headers = HeaderParser().parsestr(text)
    assert metadata_name_version(text) == (headers.get("Name"), headers.get("Version"))


def test_a_real_metadata_text() -> None:
    text = (
        "Metadata-Version: 2.1\nName: Some.Package\nVersion: 1.0.post1\n"
        "Summary: a summary\nDescription-Content-Type: text/markdown\n\nName: not-a-header\n"
    )
    assert metadata_name_version(text) == ("Some.Package", "1.0.post1")
    assert metadata_name_version("Summary: x\n") == (None, None)
