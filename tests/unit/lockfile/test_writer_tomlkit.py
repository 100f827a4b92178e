"""The direct TOML writer gives the very bytes of the tomlkit layout it replaced.

``_tomlkit_layout`` below is the writer's former implementation, kept here only as a reference:
the same plain values laid out with tomlkit's document model. Any lock, and any string a lock can
hold, must come out byte for byte the same, and read back with ``tomllib`` to the same value.
"""

from __future__ import annotations

import tomllib
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone

import tomlkit
from hypothesis import given
from hypothesis import strategies as st
from tomlkit import items

from tests.unit.lockfile.samples import index_entry, sample_lock
from tests.unit.lockfile.strategies import locks
from universal_lock.lockfile import Lock, as_dict, render
from universal_lock.lockfile import writer as writer_module

_MULTILINE = frozenset({"environments", "fork-markers", "conflicts", "wheels", "build-requires"})
_TABLE_ARRAYS = frozenset({"packages", "build-packages"})
_TABLES = frozenset({"ulock"})
_SUPER_TABLES = frozenset({"tool"})


def _tomlkit_layout(lock: Lock) -> str:
    document = tomlkit.document()
    for key, value in as_dict(lock).items():
        document.add(key, _item(key, value))
    return document.as_string().rstrip("\n") + "\n"


def _item(key: str, value: object) -> items.Item:
    if isinstance(value, dict):
        if key in _SUPER_TABLES or key in _TABLES:
            table = tomlkit.table(is_super_table=key in _SUPER_TABLES)
            for name, inner in value.items():
                table.add(name, _item(name, inner))
            return table
        inline = tomlkit.inline_table()
        for name, inner in value.items():
            inline.add(name, _item(name, inner))
        return inline
    if isinstance(value, list):
        if key in _TABLE_ARRAYS and value:
            blocks = tomlkit.aot()
            for entry in value:
                table = tomlkit.table()
                for name, inner in entry.items():
                    table.add(name, _item(name, inner))
                blocks.append(table)
            return blocks
        array = tomlkit.array()
        for entry in value:
            array.append(_item("", entry))
        return array.multiline(key in _MULTILINE)
    if isinstance(value, str):
        literal = '"' in value and "'" not in value and value.isprintable()
        return tomlkit.string(value, literal=literal)
    if isinstance(value, datetime):
        utc = value.astimezone(UTC)
        raw = (
            f"{utc.year:04d}-{utc.month:02d}-{utc.day:02d}"
            f"T{utc.hour:02d}:{utc.minute:02d}:{utc.second:02d}"
        )
        if utc.microsecond:
            raw += f".{utc.microsecond:06d}"
        return items.DateTime(
            utc.year, utc.month, utc.day, utc.hour, utc.minute, utc.second, utc.microsecond,
            UTC, items.Trivia(), raw + "Z",
        )  # fmt: skip
    return tomlkit.item(value)


def test_the_documented_sample_matches_the_tomlkit_layout() -> None:
    assert render(sample_lock()) == _tomlkit_layout(sample_lock())


def test_an_empty_lock_matches_the_tomlkit_layout() -> None:
    assert render(Lock()) == _tomlkit_layout(Lock())


@given(locks())
def test_every_lock_gives_the_bytes_of_the_tomlkit_layout(lock: Lock) -> None:
    text = render(lock)
    assert text == _tomlkit_layout(lock)
    assert tomllib.loads(text) == as_dict(lock)


# Every character class a string can meet: quotes, backslashes, every control character, DEL,
# non-ASCII letters, and the non-printable but legal characters that force a basic string.
_TRICKY = st.text(
    alphabet=st.sampled_from(
        ["a", " ", "'", '"', "\\", "\x7f", "é", "✓", "\u00a0", "\u2028", "=", "#", "[", "{"]
        + [chr(code) for code in range(0x20)]
    )
    | st.characters(),
    max_size=30,
)


@given(_TRICKY)
def test_any_string_is_written_as_tomlkit_writes_it_and_reads_back(text: str) -> None:
    expected = tomlkit.string(
        text, literal='"' in text and "'" not in text and text.isprintable()
    ).as_string()
    written = writer_module._string(text)
    assert written == expected
    assert tomllib.loads(f"x = {written}")["x"] == text


@given(_TRICKY.filter(bool))
def test_any_key_is_quoted_as_tomlkit_quotes_it_and_reads_back(key: str) -> None:
    document = tomlkit.document()
    document.add(key, 1)
    expected = document.as_string()
    written = f"{writer_module._key(key)} = 1\n"
    assert written == expected
    assert tomllib.loads(written) == {key: 1}


@given(st.datetimes(min_value=datetime(1970, 1, 2), max_value=datetime(2100, 1, 1)))
def test_upload_times_in_any_time_zone_are_written_in_utc_with_z(moment: datetime) -> None:
    for zone in (UTC, timezone(timedelta(hours=5, minutes=30)), timezone(timedelta(hours=-8))):
        aware = moment.replace(tzinfo=zone)
        wheel = replace(index_entry("demo", "1.0").wheels[0], upload_time=aware)
        lock = Lock(packages=(replace(index_entry("demo", "1.0"), wheels=(wheel,)),))
        text = render(lock)
        assert text == _tomlkit_layout(lock)
        read = tomllib.loads(text)["packages"][0]["wheels"][0]["upload-time"]
        assert read == aware and read.utcoffset() == timedelta(0)
