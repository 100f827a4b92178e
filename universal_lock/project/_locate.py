"""Where each key of a TOML document is written: key path -> 1-based line number.

The standard library's ``tomllib`` gives values but no positions, and an error
message about ``tool.ulock.sources.torch[1].index`` is only useful with a line
number. This scanner walks text that ``tomllib`` has already accepted and records,
for every key, array element and inline-table key, the line where it starts.
It trusts the input to be valid TOML, so it skips values rather than parsing them.
It runs only when an error is reported, never on the fast path.
"""

from __future__ import annotations

import re

KeyPath = tuple[str | int, ...]

_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
# A scalar (number, boolean, date, time, datetime) ends at a separator; a date may
# be followed by a space and a time ("1979-05-27 07:32:00Z").
_SCALAR = re.compile(r"[A-Za-z0-9_:.+\-]+(?: [0-9]{2}:[0-9A-Za-z_:.+\-]*)?")


def key_lines(text: str) -> dict[KeyPath, int]:
    """Map every key path in ``text`` (valid TOML) to the line where it is first written."""
    scanner = _Scanner(text)
    scanner.document()
    return scanner.implied | scanner.lines


class _Scanner:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.line = 1
        self.lines: dict[KeyPath, int] = {}
        # Tables that exist only because a deeper header names them (``a`` in ``[a.b]``).
        self.implied: dict[KeyPath, int] = {}
        # How many elements each array of tables has so far, so that a header
        # ``[a.b]`` below ``[[a]]`` resolves to ``a[last].b``.
        self.table_arrays: dict[KeyPath, int] = {}

    # -- characters ---------------------------------------------------------

    def _peek(self, count: int = 1) -> str:
        return self.text[self.pos : self.pos + count]

    def _advance(self, count: int = 1) -> None:
        chunk = self.text[self.pos : self.pos + count]
        self.line += chunk.count("\n")
        self.pos += count

    def _skip_blank(self, *, newlines: bool) -> None:
        """Skip spaces and comments (and newlines when ``newlines``)."""
        while self.pos < len(self.text):
            char = self.text[self.pos]
            if char in " \t\r" or (newlines and char == "\n"):
                self._advance()
            elif char == "#":
                end = self.text.find("\n", self.pos)
                self._advance((len(self.text) if end == -1 else end) - self.pos)
            else:
                return

    def _record(self, path: KeyPath, line: int) -> None:
        self.lines.setdefault(path, line)

    def _record_header(self, path: KeyPath, line: int) -> None:
        """A header ``[a.b.c]`` also implies the tables ``a`` and ``a.b``."""
        self._record(path, line)
        for depth in range(1, len(path)):
            self.implied.setdefault(path[:depth], line)

    # -- structure ----------------------------------------------------------

    def document(self) -> None:
        table: KeyPath = ()
        while True:
            self._skip_blank(newlines=True)
            if self.pos >= len(self.text):
                return
            if self._peek(2) == "[[":
                line = self.line
                self._advance(2)
                keys = self._key()
                self._advance(self.text.index("]]", self.pos) + 2 - self.pos)
                base = (*self._resolve(keys[:-1]), keys[-1])
                self._record_header(base, line)
                index = self.table_arrays.get(base, 0)
                self.table_arrays[base] = index + 1
                table = (*base, index)
                self._record(table, line)
            elif self._peek() == "[":
                line = self.line
                self._advance()
                keys = self._key()
                self._advance(self.text.index("]", self.pos) + 1 - self.pos)
                table = self._resolve(keys)
                self._record_header(table, line)
            else:
                self._key_value(table)

    def _resolve(self, keys: tuple[str, ...]) -> KeyPath:
        """Turn a header's keys into a path, entering the last element of table arrays."""
        path: KeyPath = ()
        for key in keys:
            path = (*path, key)
            if path in self.table_arrays:
                path = (*path, self.table_arrays[path] - 1)
        return path

    def _key(self) -> tuple[str, ...]:
        """Read a possibly dotted, possibly quoted key."""
        parts: list[str] = []
        while True:
            self._skip_blank(newlines=False)
            char = self._peek()
            if char in ('"', "'"):
                parts.append(self._string())
            else:
                match = _BARE_KEY.match(self.text, self.pos)
                if match is None:
                    return tuple(parts)
                parts.append(match.group())
                self._advance(len(match.group()))
            self._skip_blank(newlines=False)
            if self._peek() != ".":
                return tuple(parts)
            self._advance()

    def _key_value(self, table: KeyPath) -> None:
        line = self.line
        keys = self._key()
        for depth in range(1, len(keys) + 1):
            self._record((*table, *keys[:depth]), line)
        self._skip_blank(newlines=False)
        self._advance()  # "="
        self._value((*table, *keys))

    def _value(self, path: KeyPath) -> None:
        self._skip_blank(newlines=False)
        char = self._peek()
        if char in ('"', "'"):
            self._string()
        elif char == "[":
            self._array(path)
        elif char == "{":
            self._inline_table(path)
        else:
            match = _SCALAR.match(self.text, self.pos)
            self._advance(len(match.group()) if match else 1)

    def _array(self, path: KeyPath) -> None:
        self._advance()  # "["
        index = 0
        while True:
            self._skip_blank(newlines=True)
            if self._peek() == "]":
                self._advance()
                return
            if self._peek() == ",":
                self._advance()
                continue
            self._record((*path, index), self.line)
            self._value((*path, index))
            index += 1

    def _inline_table(self, path: KeyPath) -> None:
        self._advance()  # "{"
        while True:
            self._skip_blank(newlines=True)
            if self._peek() == "}":
                self._advance()
                return
            if self._peek() == ",":
                self._advance()
                continue
            self._key_value(path)

    def _string(self) -> str:
        """Read a string of any of the four kinds; escapes are kept undecoded."""
        quote = self._peek()
        if self._peek(3) == quote * 3:
            self._advance(3)
            end = self.text.index(quote * 3, self.pos)
            # A multi-line string may end with up to two extra quotes before the closer.
            while self.text[end + 3 : end + 4] == quote:
                end += 1
            value = self.text[self.pos : end]
            self._advance(end + 3 - self.pos)
            return value
        self._advance()
        start = self.pos
        while self.pos < len(self.text) and self.text[self.pos] != quote:
            self._advance(2 if quote == '"' and self.text[self.pos] == "\\" else 1)
        value = self.text[start : self.pos]
        self._advance()
        return value
