"""Problems found in content files, reported as `file:line: severity: message`."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, order=True)
class Diagnostic:
    path: Path
    line: int
    severity: Severity
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.severity}: {self.message}"

    def as_dict(self) -> dict[str, object]:
        return {
            "file": str(self.path),
            "line": self.line,
            "severity": str(self.severity),
            "message": self.message,
        }


class DiagnosticList(list[Diagnostic]):
    """Collects diagnostics for one file so parsers can report without repeating the path."""

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = path

    def error(self, line: int, message: str) -> None:
        self.append(Diagnostic(self.path, line, Severity.ERROR, message))

    def warning(self, line: int, message: str) -> None:
        self.append(Diagnostic(self.path, line, Severity.WARNING, message))


def has_errors(diagnostics: list[Diagnostic]) -> bool:
    return any(d.severity is Severity.ERROR for d in diagnostics)
