"""The error type shared by every content validator (modules, lessons, quizzes)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class ContentError:
    """One problem in a content file: where it is, what is wrong, how to fix it."""

    path: Path | str
    line: int | None
    message: str
    hint: str = ""

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else f"{self.path}"
        return f"{where}: {self.message}" + (f" — {self.hint}" if self.hint else "")


class ContentInvalid(Exception):
    """Raised when validation found problems; nothing was loaded."""

    def __init__(self, errors: list[ContentError]):
        super().__init__(f"{len(errors)} problem(s) in the content")
        self.errors = errors
