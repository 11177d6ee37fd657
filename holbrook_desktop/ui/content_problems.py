"""Errors in the handbook's content told to whoever is at the PC, and the page shown when there is none."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QWidget

from holbrook_desktop.core.content.diagnostics import Diagnostic, Severity

MAX_PROBLEMS_SHOWN = 8


def _tr(text: str) -> str:
    return QCoreApplication.translate("ContentProblems", text)


def content_problems_text(diagnostics: Iterable[Diagnostic]) -> str | None:
    """The errors, one a line (the first few, then how many more), or None if there are none."""
    errors = [d for d in diagnostics if d.severity is Severity.ERROR]
    if not errors:
        return None
    lines = [str(d) for d in errors[:MAX_PROBLEMS_SHOWN]]
    if len(errors) > MAX_PROBLEMS_SHOWN:
        lines.append(_tr("… and %1 more.").replace("%1", str(len(errors) - MAX_PROBLEMS_SHOWN)))
    return "\n".join(lines)


def show_content_problems(diagnostics: Iterable[Diagnostic], parent: QWidget) -> None:
    text = content_problems_text(diagnostics)
    if text is None:
        return
    from PySide6.QtWidgets import QMessageBox  # only when there is something to tell

    box = QMessageBox(QMessageBox.Icon.Warning, _tr("Problems in the handbook's content"),
                      _tr("Some content files have errors. What could be read is shown; "
                          "please pass these lines to whoever maintains the policies:"),
                      QMessageBox.StandardButton.Ok, parent)
    box.setDetailedText(text)
    box.setInformativeText(text)
    box.open()


def no_content_page(content_dir: Path) -> str:
    return _tr(
        "<h1>No policy to show</h1><p>No policy could be read from <b>%1</b>.</p>"
        "<p>Run <code>holbrook content check</code> to see what is wrong.</p>"
    ).replace("%1", str(content_dir))
