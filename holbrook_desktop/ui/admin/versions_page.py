"""Policy versions for the administrator: what the current one changed, and marking it minor."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from holbrook_desktop.core.admin.settings import SettingRefused
from holbrook_desktop.core.records.errors import StoreError
from holbrook_desktop.ui import theme


def fill_policy_choice(choice: QComboBox, policies, all_label: str | None = None) -> None:
    """The policies in a drop-down, refilled quietly (content may change while the area is open)."""
    choice.blockSignals(True)
    choice.clear()
    if all_label is not None:
        choice.addItem(all_label, None)
    for policy in policies:
        choice.addItem(policy.title, policy.id)
    choice.blockSignals(False)


class VersionsPage(QWidget):
    minorChanged = Signal()

    def __init__(self, service, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self.policy_choice = QComboBox(self)
        self.policy_choice.setAccessibleName(self.tr("Policy"))
        self.set_policies(service.content.policies)
        self.policy_choice.currentIndexChanged.connect(lambda _i: self.reload())
        self.history = QLabel(self)
        self.history.setWordWrap(True)
        self.minor = QCheckBox(self.tr("This version only corrects typos or wording: acknowledgements of the "
                                       "version before it still count"), self)
        self.minor.toggled.connect(self._on_minor_toggled)
        self.note = QLabel(self)
        self.note.setWordWrap(True)
        self.changes = QTextBrowser(self)
        self.changes.setAccessibleName(self.tr("What changed in this version"))
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("Policy:"), self))
        top.addWidget(self.policy_choice, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.history)
        layout.addWidget(self.minor)
        layout.addWidget(self.note)
        layout.addWidget(self.changes, 1)
        self._loading = False

    def set_policies(self, policies) -> None:
        fill_policy_choice(self.policy_choice, policies)

    def policy_id(self) -> str | None:
        return self.policy_choice.currentData()

    def reload(self) -> None:
        policy_id = self.policy_id()
        if policy_id is None:
            return
        versions = self.service.admin.policy_versions(policy_id)
        changes = self.service.admin.version_changes(policy_id)
        current = versions[-1] if versions and versions[-1]["sha256"] == changes.current_sha256 else None
        self.history.setText(self.tr("Versions shown on this PC, oldest first: %1").replace(
            "%1", "; ".join(f"{v['label']} (first shown {v['first_seen'][:10]}"
                            + (", minor change" if v["minor_change"] else "") + ")" for v in versions)))
        self._loading = True
        self.minor.setChecked(bool(current and current["minor_change"]))
        self.minor.setEnabled(not changes.first_version)
        self._loading = False
        self.changes.setHtml(changes_html(changes))

    def _on_minor_toggled(self, checked: bool) -> None:
        if self._loading:
            return
        policy = self.service.content.policy(self.policy_id())
        try:
            self.service.admin.mark_minor_change(policy.id, policy.sha256, checked)
        except (SettingRefused, StoreError) as exc:
            self.note.setText(str(exc))
            return
        self.note.setText(self.tr("Marked as a minor change: nobody becomes due because of it.") if checked
                          else self.tr("Not a minor change: everyone acknowledges this version."))
        self.reload()
        self.minorChanged.emit()


def changes_html(changes) -> str:
    if changes.first_version:
        return (f"<p><b>{escape(changes.current_label)}</b> is the first version shown on this PC: "
                "there is nothing earlier to compare it with.</p>")
    colours = theme.colours()
    parts = [f"<h3>{escape(changes.previous_label or '')} → {escape(changes.current_label)}</h3>"]
    if not changes.clauses:
        parts.append("<p>No clause's words changed (only layout or headings).</p>")
    for clause in changes.clauses:
        parts.append(f"<h4>{escape(clause.number)}: {escape(clause.kind)}</h4>")
        if clause.kind == "changed" and clause.old_text is None:
            parts.append("<p><i>The earlier words were not kept (only their fingerprint), so only the new "
                         "words are shown.</i></p>")
            parts.append(f"<p>{escape(clause.new_text or '')}</p>")
            continue
        pieces = []
        for op, words in clause.word_diff():
            if op == "removed":
                pieces.append(f"<s style='color:{colours.removed}'>[removed: {escape(words)}]</s>")
            elif op == "added":
                pieces.append(f"<u style='color:{colours.added}'><b>[added: {escape(words)}]</b></u>")
            else:
                pieces.append(escape(words))
        parts.append("<p>" + " ".join(pieces) + "</p>")
    return "".join(parts)
