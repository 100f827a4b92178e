"""The errors of the build frontend: a build that failed, and an editable build the backend
cannot do.

``BuildFailed`` names what was being built and carries the backend's output tail, so the user
sees why without a traceback. Callers that speak of builds in their own words (the index
client's ``MetadataBuildFailed``) wrap ``detail``.
"""

from __future__ import annotations

from universal_lock.errors import UlockError

#: How much of a failed backend's output an error keeps (its end, where the cause usually is).
OUTPUT_TAIL = 2000


class BuildFailed(UlockError):
    """``source`` (an sdist's file name or a source tree's label) could not be built.

    ``reason`` says which step failed; ``output`` is the tail of what the backend printed
    (empty when there was nothing); ``detail`` is both, as the message shows them.
    """

    def __init__(
        self, source: str, reason: str, *, output: str = "", hint: str | None = None
    ) -> None:
        tail = output[-OUTPUT_TAIL:].strip("\n")
        detail = f"{reason}:\n{tail}" if tail else reason
        super().__init__(f"building `{source}` failed: {detail}", hint=hint)
        self.source = source
        self.reason = reason
        self.output = tail
        self.detail = detail


class HookMissing(BuildFailed):
    """An editable build was asked of a backend without the PEP 660 hooks."""

    def __init__(self, source: str) -> None:
        super().__init__(
            source,
            "its build backend cannot make editable installs (no PEP 660 `build_editable` hook)",
            hint="sync with `--no-editable`",
        )
