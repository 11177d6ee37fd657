"""The admin area's Content tab: load a new content folder (a new policy version) without reinstalling.

A chosen folder is checked first and its result shown here, errors with their file and line; only
a folder without errors can be put in use, and only after the administrator confirms it."""

from __future__ import annotations

from html import escape
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from holbrook_desktop.core.content.install import ContentCheck, ContentRefused
from holbrook_desktop.core.paths import shipped_content_dir
from holbrook_desktop.core.records.errors import StoreError
from holbrook_desktop.ui.accessibility import caption

MAX_ERRORS_SHOWN = 40


class ContentPage(QWidget):
    contentChanged = Signal()  # the handbook now reads other content: the window must redraw it

    def __init__(self, service, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self._checked: ContentCheck | None = None
        self.in_use = QLabel(self)
        self.in_use.setWordWrap(True)
        self.in_use.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        caption(self.in_use, self.tr("Content in use"))
        self.choose_button = QPushButton(self.tr("&Check a new content folder…"), self)
        self.choose_button.setToolTip(self.tr("Choose the folder of a new policy version; it is checked "
                                              "before anything changes"))
        self.choose_button.clicked.connect(self.choose_folder_dialog)
        self.install_button = QPushButton(self.tr("&Use this content from now on"), self)
        self.install_button.setEnabled(False)
        self.install_button.clicked.connect(lambda: self.install_checked())
        self.shipped_button = QPushButton(self.tr("Go back to the content &shipped with the app"), self)
        self.shipped_button.clicked.connect(self.use_shipped)
        self.result = QTextBrowser(self)
        self.result.setAccessibleName(self.tr("Result of the check"))
        self.result.setOpenLinks(False)
        buttons = QHBoxLayout()
        buttons.addWidget(self.choose_button)
        buttons.addWidget(self.install_button)
        buttons.addStretch(1)
        buttons.addWidget(self.shipped_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.in_use)
        layout.addLayout(buttons)
        layout.addWidget(self.result, 1)

    def reload(self) -> None:
        loaded = self.service.content.content_dir.resolve() != shipped_content_dir().resolve()
        versions = ", ".join(f"{p.title} ({p.meta.version})" for p in self.service.content.policies) or "—"
        where = (self.tr("loaded into the data folder by an administrator") if loaded
                 else self.tr("shipped with the app"))
        self.in_use.setText(self.tr("In use now: %1, %2, from %3.").replace("%1", versions)
                            .replace("%2", where).replace("%3", str(self.service.content.content_dir)))
        self.shipped_button.setEnabled(loaded)

    def clear(self) -> None:
        self._checked = None
        self.install_button.setEnabled(False)
        self.result.clear()

    def choose_folder_dialog(self) -> None:
        from PySide6.QtWidgets import QFileDialog

        folder = QFileDialog.getExistingDirectory(self, self.tr("Choose the new content folder"))
        if folder:
            self.check_folder(Path(folder))

    def check_folder(self, folder: Path) -> ContentCheck:
        """Show what the checker found; the install button is offered only for a folder with no errors."""
        check = self.service.content.check_folder(folder)
        self._checked = check if check.ok else None
        self.install_button.setEnabled(check.ok)
        self.result.setHtml(self._describe(check))
        return check

    def install_checked(self, confirmed: bool = False) -> bool:
        """Put the checked folder in use. A version whose effective date has passed makes people
        overdue the moment it is in use: unless `confirmed`, the administrator is told how many
        first, and it is installed only if they say so (False until then)."""
        if self._checked is None:
            return False
        folder = self._checked.folder
        if not confirmed:
            try:
                late = self.service.content.overdue_if_installed(folder)
            except (StoreError, OSError) as exc:
                self.result.setHtml(f"<p>{escape(str(exc))}</p>")
                return False
            if late:
                self.confirm_overdue(late)
                return False
        self.clear()
        try:
            installed = self.service.content.install(folder)
        except ContentRefused as exc:
            self.result.setHtml(self._describe(exc.check) if exc.check else f"<p>{escape(str(exc))}</p>")
            return False
        except (StoreError, OSError) as exc:
            self.result.setHtml(f"<p>{escape(str(exc))}</p>")
            return False
        self.result.setHtml(self.tr("<p><b>Done.</b> Staff now read %1. Their earlier acknowledgements "
                                    "stay on record; the Who is due tab shows who needs to read the new "
                                    "version.</p>").replace("%1", escape(self._titles(installed))))
        self.reload()
        self.contentChanged.emit()
        return True

    def confirm_overdue(self, late: list[tuple[str, int]]) -> None:
        from PySide6.QtWidgets import QMessageBox

        total = sum(count for _title, count in late)
        lines = "\n".join(self.tr("• %1: %2 people").replace("%1", title).replace("%2", str(count))
                          for title, count in late)
        box = QMessageBox(QMessageBox.Icon.Warning, self.tr("People become overdue at once"),
                          self.tr("%1 people become overdue as soon as this content is in use: its effective "
                                  "date has passed, so the days they had to acknowledge it are already over."
                                  "\n\n%2\n\nIf it is only a minor correction, mark it minor on the Policy "
                                  "versions tab afterwards, and nobody's date changes.")
                          .replace("%1", str(total)).replace("%2", lines),
                          QMessageBox.StandardButton.Cancel, self)
        install = box.addButton(self.tr("Install anyway"), QMessageBox.ButtonRole.AcceptRole)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.buttonClicked.connect(lambda clicked: self.install_checked(confirmed=True) if clicked is install
                                  else None)
        self.confirmation = box
        box.open()

    def use_shipped(self) -> bool:
        try:
            changed = self.service.content.use_shipped()
        except (StoreError, OSError) as exc:
            self.result.setHtml(f"<p>{escape(str(exc))}</p>")
            return False
        self.clear()
        self.reload()
        if changed:
            self.result.setHtml(self.tr("<p>Back to the content shipped with the app.</p>"))
            self.contentChanged.emit()
        return changed

    def _titles(self, check: ContentCheck) -> str:
        return ", ".join(f"{p.title} ({p.version})" for p in check.policies)

    def _describe(self, check: ContentCheck) -> str:
        folder = escape(str(check.folder))
        if not check.ok:
            errors = check.errors
            lines = "".join(f"<li><code>{escape(str(d.path))}</code>, line {d.line}: {escape(d.message)}</li>"
                            for d in errors[:MAX_ERRORS_SHOWN])
            more = len(errors) - MAX_ERRORS_SHOWN
            if more > 0:
                lines += f"<li>… {more} more</li>"
            return self.tr("<p><b>Refused.</b> %1 cannot be used: the checker found %2 error(s). Nothing "
                           "has changed. Pass these lines to whoever prepared the folder:</p>").replace(
                               "%1", folder).replace("%2", str(len(errors))) + f"<ul>{lines}</ul>"
        current = {p.id: p for p in self.service.content.policies}
        rows = []
        for policy in check.policies:
            before = current.get(policy.id)
            if before is None:
                change = self.tr("new policy")
            elif before.sha256 == policy.sha256:
                change = self.tr("same text as now")
            else:
                change = self.tr("replaces %1").replace("%1", escape(before.meta.version))
            rows.append(f"<li>{escape(policy.title)} ({escape(policy.version)}): {change}</li>")
        warnings = len(check.diagnostics)
        note = self.tr("<p>%1 warning(s); run <code>holbrook content check</code> to read them.</p>").replace(
            "%1", str(warnings)) if warnings else ""
        return (self.tr("<p><b>No errors</b> in %1. It holds:</p>").replace("%1", folder)
                + f"<ul>{''.join(rows)}</ul>" + note
                + self.tr("<p>Press <b>Use this content from now on</b> to put it in use. Whoever is "
                          "reading is signed out, and staff read the new version from then on.</p>"))
