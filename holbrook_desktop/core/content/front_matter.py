"""The small TOML header (`+++ … +++`) at the top of every content file."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from holbrook_desktop.core.content.diagnostics import DiagnosticList

FENCE = "+++"
_TOML_POSITION = re.compile(r"\(at line (\d+), column (\d+)\)")


@dataclass(frozen=True)
class FrontMatter:
    values: dict[str, Any]
    body: str
    body_first_line: int  # 1-based line number of the body's first line in the file


def split_front_matter(text: str, problems: DiagnosticList) -> FrontMatter | None:
    """Separate the header from the body; report a missing, unterminated or invalid header."""
    lines = text.split("\n")
    first = lines[0].strip()
    if first != FENCE:
        hint = " (found '---': this app uses TOML front matter between '+++' lines)" if (
            first == "---"
        ) else ""
        problems.error(1, f"missing front matter: the file must start with a '{FENCE}' line{hint}")
        return None
    closing = next((i for i in range(1, len(lines)) if lines[i].strip() == FENCE), None)
    if closing is None:
        problems.error(1, f"front matter opened here is never closed with a '{FENCE}' line")
        return None
    header = "\n".join(lines[1:closing])
    try:
        values = tomllib.loads(header)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        line = 1
        found = _TOML_POSITION.search(message)
        if found:
            line = int(found.group(1)) + 1  # +1 for the opening fence
            message = _TOML_POSITION.sub("", message).strip()
        problems.error(line, f"front matter is not valid TOML: {message}")
        return None
    return FrontMatter(values, "\n".join(lines[closing + 1 :]), closing + 2)


def header_line_of(text: str, key: str) -> int:
    """The line where `key = …` is written in the header, for pointing at a bad value."""
    pattern = re.compile(rf"^\s*{re.escape(key)}\s*=", re.MULTILINE)
    found = pattern.search(text)
    return text.count("\n", 0, found.start()) + 1 if found else 1


def require_str(values: dict[str, Any], key: str, problems: DiagnosticList, line: int) -> str:
    value = values.get(key)
    if value is None:
        problems.error(line, f"front matter has no '{key}'")
        return ""
    if not isinstance(value, str) or not value.strip():
        problems.error(line, f"front matter '{key}' must be a non-empty text in quotes")
        return ""
    return value.strip()


def require_date(values: dict[str, Any], key: str, problems: DiagnosticList, line: int) -> date:
    value = values.get(key)
    if value is None:
        problems.error(line, f"front matter has no '{key}' date")
        return date.min
    if isinstance(value, datetime) or not isinstance(value, date):
        problems.error(line, f"front matter '{key}' must be a date written as YYYY-MM-DD")
        return date.min
    return value
