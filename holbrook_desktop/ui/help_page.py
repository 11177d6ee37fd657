"""The short help page (resources/help.md), with the window's own keyboard shortcuts."""

from __future__ import annotations

import html
import logging

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout, QWidget

from holbrook_desktop.core.paths import resource_path

log = logging.getLogger(__name__)
HELP_FILE = "help.md"
# In help.md, the shortcuts table after this marker is a fallback: with a window to read them from,
# the shortcuts its actions really have take its place, so the page can never list a stale key.
SHORTCUTS_MARKER = "<!-- shortcuts -->"


def shortcut_rows(window: QWidget) -> list[tuple[str, str]]:
    """(keys, what they do) for each action of the window that has a shortcut, in creation order."""
    rows: list[tuple[str, str]] = []
    seen: set[str] = set()
    for action in window.findChildren(QAction):
        native = QKeySequence.SequenceFormat.NativeText
        keys = [k.toString(native) for k in action.shortcuts() if not k.isEmpty()]
        name = action.text().replace("&&", "\0").replace("&", "").replace("\0", "&").rstrip("…").strip()
        if not keys or not name or name in seen:
            continue
        seen.add(name)
        rows.append((" or ".join(keys), name))
    return rows


def help_markdown(window: QWidget | None = None) -> str:
    try:
        text = resource_path(HELP_FILE).read_text(encoding="utf-8")
    except OSError as exc:
        log.warning("help page missing: %s", exc)
        return "# Help\n\nThe help page is missing from this installation. Ask IT to reinstall the app.\n"
    rows = shortcut_rows(window) if window is not None else []
    if rows and SHORTCUTS_MARKER in text:
        table = ["| Keys | What they do |", "| --- | --- |"]
        table += [f"| {html.escape(keys)} | {html.escape(name)} |" for keys, name in rows]
        text = text.split(SHORTCUTS_MARKER)[0] + "\n".join(table) + "\n"
    return text


def help_html(window: QWidget | None = None) -> str:
    import markdown  # ~25 ms: only when help is asked for
    from markdown.extensions.tables import TableExtension

    return markdown.Markdown(extensions=[TableExtension()]).convert(help_markdown(window))


class HelpDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Help"))
        self.browser = QTextBrowser(self)
        self.browser.setOpenExternalLinks(False)
        self.browser.setAccessibleName(self.tr("Help"))
        self.browser.document().setDefaultStyleSheet(
            "table { border-collapse: collapse; } td, th { padding: 3px 10px; } th { text-align: left; }")
        self.browser.setHtml(help_html(parent.window() if parent is not None else None))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser)
        layout.addWidget(buttons)
        self.resize(640, 640)
        self.browser.setFocus()

    def text(self) -> str:
        return self.browser.toPlainText()
