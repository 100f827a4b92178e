"""Developer sessions: tests, lint, typecheck, imports (layer contracts), docs, bench."""

import nox

nox.options.sessions = ["lint", "typecheck", "imports", "docs", "tests"]
nox.options.reuse_existing_virtualenvs = True


@nox.session
def tests(session: nox.Session) -> None:
    """The test suite, exactly as CI runs it (plus any pytest arguments given after --)."""
    session.install("-e", ".[test]")
    session.run("python", "-m", "pytest", *session.posargs)


@nox.session
def lint(session: nox.Session) -> None:
    """ruff: lint and format check."""
    session.install("ruff>=0.5")
    session.run("ruff", "check", "universal_lock", "tests", "benchmarks", "noxfile.py")
    session.run("ruff", "format", "--check", "universal_lock", "tests", "benchmarks", "noxfile.py")


@nox.session
def typecheck(session: nox.Session) -> None:
    """mypy --strict on the package."""
    session.install("-e", ".", "mypy>=1.10")
    session.run("mypy", "universal_lock")


@nox.session
def imports(session: nox.Session) -> None:
    """import-linter: the solver stays pure and the layers point one way."""
    session.install("-e", ".", "import-linter>=2.0")
    session.run("lint-imports")


@nox.session
def docs(session: nox.Session) -> None:
    """Build the mkdocs site strictly: a broken link or a page missing from nav fails."""
    session.install("mkdocs>=1.6")
    session.run("mkdocs", "build", "--strict", "--site-dir", "site")


@nox.session
def bench(session: nox.Session) -> None:
    """Benchmarks (never part of the tests): python benchmarks/run.py [names...].

    ``nox -s bench -- compare [options]`` runs benchmarks/compare.py instead: ulock against
    uv, pdm and poetry (installed into a venv of their own); ``--live`` adds the projects
    on the public index.
    """
    session.install("-e", ".")
    if session.posargs[:1] == ["compare"]:
        session.run("python", "benchmarks/compare.py", *session.posargs[1:])
    else:
        session.run("python", "benchmarks/run.py", *session.posargs)
