"""`project.tables` accepts exactly the tables the pydantic models of `project.schema` accept.

A table of the right shape is read without pydantic; any other goes to pydantic for its
message. The two must agree on every table (accepted or not, and the values), or a project
could lock with a table pydantic refuses, or be refused with no message.
"""

from __future__ import annotations

import dataclasses
import datetime
import subprocess
import sys
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from universal_lock.project import schema, tables

_PAIRS = [(getattr(tables, name), model) for name, model in sorted(schema.MODELS.items())]


def _kebab(name: str) -> str:
    return name.replace("_", "-")


@pytest.mark.parametrize(("table", "model"), _PAIRS, ids=[pair[1].__name__ for pair in _PAIRS])
def test_each_table_has_its_models_keys_defaults_and_extra_policy(table: Any, model: Any) -> None:
    fields = {item.name: item for item in dataclasses.fields(table) if item.name != "other_keys"}
    assert set(fields) == set(model.model_fields)
    for name, info in model.model_fields.items():
        item = fields[name]
        if info.is_required():
            assert item.default is dataclasses.MISSING
            assert item.default_factory is dataclasses.MISSING
        else:
            default = (
                item.default_factory()
                if item.default_factory is not dataclasses.MISSING
                else item.default
            )
            assert default == info.default
    assert table.unknown_keys == model.model_config["extra"]
    assert ("other_keys" in {item.name for item in dataclasses.fields(table)}) == (
        table.unknown_keys == "allow"
    )


def _dump(value: Any) -> Any:
    """A table as pydantic's ``model_dump(by_alias=True)`` shows its model."""
    if dataclasses.is_dataclass(value):
        dumped = {
            _kebab(item.name): _dump(getattr(value, item.name))
            for item in dataclasses.fields(value)
            if item.name != "other_keys"
        }
        return {**dumped, **getattr(value, "other_keys", {})}
    if isinstance(value, list):
        return [_dump(item) for item in value]
    return value


def _agree(table: Any, value: dict[str, Any]) -> None:
    model = schema.MODELS[table.__name__]
    try:
        expected = model.model_validate(value).model_dump(by_alias=True)
    except ValidationError:
        expected = None
    found = tables.shaped(table, value)
    assert (None if found is tables._REFUSED else _dump(found)) == expected


_SCALAR = (
    st.booleans()
    | st.integers(-2, 2)
    | st.floats(allow_nan=False, width=16)
    | st.text(max_size=4)
    | st.sampled_from(["simple", "flat", "highest", "lowest", "first-index", "allow", "x"])
    | st.dates()
    | st.datetimes(timezones=st.just(datetime.UTC))
)
_KEYS_OF = {
    table: [_kebab(item.name) for item in dataclasses.fields(table) if item.name != "other_keys"]
    for table, _ in _PAIRS
}
_ANY_KEYS = sorted({key for keys in _KEYS_OF.values() for key in keys})


def _toml(depth: int = 2) -> st.SearchStrategy[Any]:
    if depth == 0:
        return _SCALAR
    inner = _toml(depth - 1)
    return (
        _SCALAR
        | st.lists(inner, max_size=3)
        | st.dictionaries(st.sampled_from([*_ANY_KEYS, "git", "index_strategy"]), inner, max_size=3)
    )


def _table_of(table: Any) -> st.SearchStrategy[dict[str, Any]]:
    keys = st.sampled_from([*_KEYS_OF[table], "git", "publish-url", "index_strategy"])
    return st.dictionaries(keys, _toml(), max_size=5)


_MEMBER = st.fixed_dictionaries(
    {}, optional={"extra": st.text(max_size=3), "group": st.text(max_size=3), "package": _SCALAR}
)
_INDEX = st.fixed_dictionaries(
    {"url": st.text(max_size=5) | _SCALAR},
    optional={
        "name": st.text(max_size=3),
        "explicit": st.booleans(),
        "default": st.booleans() | _SCALAR,
        "format": st.sampled_from(["simple", "flat", "Flat"]),
        "publish-url": st.text(max_size=3),
    },
)
_LIKELY = st.fixed_dictionaries(
    {},
    optional={
        "environments": st.lists(st.text(max_size=3), max_size=2) | _SCALAR,
        "conflicts": st.lists(st.lists(_MEMBER | _SCALAR, max_size=3), max_size=2),
        "override-dependencies": st.lists(st.text(max_size=3) | _SCALAR, max_size=2),
        "index-strategy": st.sampled_from(["first-index", "unsafe-first-match", "x"]),
        "prerelease": st.sampled_from(["allow", "explicit", "if-necessary-or-explicit"]),
        "index": st.lists(_INDEX, max_size=2),
        "sources": st.dictionaries(st.text(max_size=3), _toml(1), max_size=2),
        "exclude-newer": _SCALAR,
    },
)


@pytest.mark.parametrize("table", [tables.UlockTable, tables.UvTable])
@given(data=st.data())
def test_the_top_tables_are_accepted_exactly_as_pydantic_accepts_them(
    table: Any, data: st.DataObject
) -> None:
    _agree(table, data.draw(_LIKELY | _table_of(table)))


@pytest.mark.parametrize(("table", "_model"), _PAIRS, ids=[pair[1].__name__ for pair in _PAIRS])
@given(data=st.data())
def test_every_table_is_accepted_exactly_as_pydantic_accepts_it(
    table: Any, _model: Any, data: st.DataObject
) -> None:
    _agree(table, data.draw(_table_of(table) | _MEMBER | _INDEX))


def test_a_valid_project_is_read_without_pydantic(tmp_path: Any) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "p"\nversion = "1"\ndependencies = ["a"]\n'
        "[tool.ulock]\nenvironments = [\"sys_platform == 'linux'\"]\n"
        'conflicts = [[{ extra = "x" }, { extra = "y" }]]\n'
        '[project.optional-dependencies]\nx = ["b"]\ny = ["c"]\n'
        '[[tool.ulock.index]]\nname = "i"\nurl = "https://example.invalid/simple"\n'
        '[tool.ulock.sources]\na = { index = "i" }\n'
    )
    probe = (
        "import sys\n"
        "from pathlib import Path\n"
        "from universal_lock.project import load_project\n"
        "project = load_project(Path(sys.argv[1]))\n"
        "print(project.settings.indexes[0].name, 'pydantic' in sys.modules)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe, str(tmp_path)], capture_output=True, text=True, check=True
    )
    assert done.stdout == "i False\n"
