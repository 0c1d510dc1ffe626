"""The one error type a user sees for bad input: it names the file, the field and what was expected."""

from __future__ import annotations

from pathlib import Path


class SpecError(ValueError):
    """Bad input in a spec file or on the command line; the CLI prints it and exits with 2."""

    def __init__(self, source: str | Path | None, field: str | None, message: str) -> None:
        self.source = str(source) if source is not None else None
        self.field = field
        self.message = message
        super().__init__(str(self))

    def __str__(self) -> str:
        parts = [p for p in (self.source, self.field) if p]
        return ": ".join([*parts, self.message])
