"""`cli._coercion` turns option values into what typer's own coercion makes, without pydantic.

The same probe command runs twice: once as typer runs it (pydantic adapters), once with the
plain coercion installed; the values it receives, or the usage error, must be the same.
"""

from __future__ import annotations

import os
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import pytest
import typer
import typer.main
from hypothesis import given
from hypothesis import strategies as st

from universal_lock.cli import app
from universal_lock.cli._coercion import use_plain_coercion


class Colour(StrEnum):
    red = "red"
    green = "green"


def _probe_app(seen: list[dict[str, Any]]) -> typer.Typer:
    probe_app = typer.Typer(add_completion=False)

    @probe_app.command()
    def probe(
        directory: Annotated[Path, typer.Option("--directory")] = Path(),
        maybe: Annotated[Path | None, typer.Option("--maybe")] = None,
        names: Annotated[list[str] | None, typer.Option("--name")] = None,
        text: Annotated[str | None, typer.Option("--text")] = None,
        colour: Annotated[Colour, typer.Option("--colour", case_sensitive=False)] = Colour.red,
        flag: Annotated[bool, typer.Option("--flag")] = False,
        argument: Annotated[str | None, typer.Argument()] = None,
    ) -> None:
        seen.append(
            {
                "directory": directory,
                "maybe": maybe,
                "names": names,
                "text": text,
                "colour": colour,
                "flag": flag,
                "argument": argument,
            }
        )

    return probe_app


def _outcome(argv: list[str], *, plain: bool) -> tuple[str, object]:
    seen: list[dict[str, Any]] = []
    command = typer.main.get_command(_probe_app(seen))
    if plain:
        assert use_plain_coercion(command) == 7
    try:
        command.main(args=argv, standalone_mode=False)
    except Exception as error:
        return ("error", (type(error).__name__, error.format_message()))  # type: ignore[attr-defined]
    (values,) = seen
    return ("ok", {name: (type(value), value) for name, value in values.items()})


def _same(argv: list[str]) -> None:
    expected = _outcome(argv, plain=False)
    assert _outcome(argv, plain=True) == expected


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["--directory", "sub/dir", "--maybe", "", "--text", "x", "positional"],
        ["--name", "a", "--name", "b", "--flag"],
        ["--colour", "green"],
        ["--colour", "GREEN"],
        ["--colour", "blue"],
        ["--directory"],
        ["--bogus"],
        ["--directory", "/"],
        ["--directory", "a/../b//c/.", "--maybe", "./"],
    ],
)
def test_the_plain_coercion_gives_typers_values_and_errors(argv: list[str]) -> None:
    _same(argv)


# Any text (argv holds no NUL or lone surrogates), and path-like text: dots, slashes, spaces.
_VALUE = st.text(
    st.characters(exclude_categories=["Cs"], exclude_characters="\x00"), max_size=12
) | st.text(" ./-aR", max_size=8)


@given(
    directory=_VALUE,
    maybe=_VALUE,
    names=st.lists(_VALUE, max_size=3),
    text=_VALUE,
    colour=_VALUE | st.sampled_from(["red", "green", "Red", "GREEN"]),
    argument=_VALUE,
)
def test_any_values_coerce_as_typer_does(
    directory: str, maybe: str, names: list[str], text: str, colour: str, argument: str
) -> None:
    argv = ["--directory", directory, "--maybe", maybe, "--text", text, "--colour", colour]
    for name in names:
        argv += ["--name", name]
    _same([*argv, "--", argument])


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads every file")
def test_an_unreadable_path_gets_typers_message(tmp_path: Path) -> None:
    secret = tmp_path / "secret"
    secret.write_text("")
    secret.chmod(0)
    _same(["--directory", str(secret)])
    assert _outcome(["--directory", str(secret)], plain=True)[0] == "error"


def test_every_parameter_of_ulock_gets_the_plain_coercion() -> None:
    # A parameter of a type the plain coercion does not know would make every command build
    # typer's pydantic adapters again.
    command = typer.main.get_command(app)
    params = [command.params] + [sub.params for sub in command.commands.values()]  # type: ignore[attr-defined]
    assert use_plain_coercion(command) == sum(len(group) for group in params)
