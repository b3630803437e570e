"""Problems found in content, each with a place a designer can jump to.

    flows/urges.yaml:31:11: error: state 'breathe': next 'brethe' is not a state ...
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

Severity = Literal["error", "warning", "unchecked"]
"""``unchecked``: a resource nobody has checked yet, while the directory documents why (a
warning that ``lint --strict`` accepts; see docs/crisis.md)."""


@dataclass(frozen=True, slots=True)
class Place:
    """A position in a file: 1-based line and column, as editors count."""

    file: str
    line: int = 0
    column: int = 0

    def __str__(self) -> str:
        if not self.line:
            return self.file
        return f"{self.file}:{self.line}:{self.column}"


@dataclass(frozen=True, slots=True)
class Problem:
    place: Place
    message: str
    severity: Severity = "error"

    def __str__(self) -> str:
        return f"{self.place}: {self.severity}: {self.message}"

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.place.file, self.place.line, self.place.column, self.message)


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """`` (did you mean 'breathe'?)`` when a close match exists, else ``''``."""
    matches = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean '{matches[0]}'?)" if matches else ""


def display_path(path: Path, base: Path | None) -> str:
    """``path`` as problems name it: relative to ``base`` when it lies inside it."""
    if base is not None:
        try:
            return str(path.resolve().relative_to(base.resolve()))
        except ValueError:
            pass
    return str(path)
