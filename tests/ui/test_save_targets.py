"""Every save dialog goes through ui/save_target.py: a file or folder chosen in the data folder gets a plain
warning naming the folder, the dialog opens again, and nothing is written there."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
from PySide6.QtWidgets import QFileDialog, QMainWindow, QMessageBox

from holbrook_desktop.app import App
from holbrook_desktop.ui.admin.attestation_export_dialog import AttestationExportDialog
from holbrook_desktop.ui.attestation.acknowledgement_view import AcknowledgementView
from holbrook_desktop.ui.reading.policy_printing import PolicyPrinting
from holbrook_desktop.ui.save_target import choose_save_file
from tests.conftest import REAL_CONTENT, REPO
from tests.core.test_output_guard import snapshot
from tests.ui.test_admin_area import _unlock
from tests.ui.test_admin_area import admin_window as admin_window


class Dialogs:
    """The platform's file dialogs, answering from `answers` (then cancelling), and the warnings shown."""

    def __init__(self) -> None:
        self.answers: list[str] = []
        self.asked: list[str] = []  # the titles of the dialogs opened
        self.warnings: list[tuple[str, str]] = []  # (title, text)

    def answer(self, title: str) -> str:
        self.asked.append(title)
        return self.answers.pop(0) if self.answers else ""


@pytest.fixture
def dialogs(monkeypatch) -> Dialogs:
    fake = Dialogs()
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        staticmethod(lambda parent, title, *_: (fake.answer(title), "")))
    monkeypatch.setattr(QFileDialog, "getExistingDirectory",
                        staticmethod(lambda parent, title, *_: fake.answer(title)))
    monkeypatch.setattr(QMessageBox, "warning",
                        staticmethod(lambda parent, title, text, *rest: fake.warnings.append((title, text))))
    return fake


def _records(data_dir: Path) -> dict[str, str]:
    return {name: digest for name, digest in snapshot(data_dir).items() if not name.startswith("logs")}


def _refused_then_cancelled(dialogs: Dialogs, data_dir: Path, title: str, *, folder: bool = False) -> None:
    assert dialogs.asked == [title, title]  # asked again after the warning, then cancelled
    [(warned_title, text)] = dialogs.warnings
    assert warned_title == title
    assert f"({data_dir.resolve()})" in text and "where the school's records" in text
    assert f"Choose a {'folder' if folder else 'file'} outside it; nothing was saved." in text


@pytest.fixture
def signed(store, staff):
    service = App(REAL_CONTENT, records=store)
    record = service.attestation.acknowledge_on_behalf(staff["Zoë Ndiaye"].id, "social-media",
                                                       note="On paper")
    return service, record


def test_the_spreadsheet_is_not_saved_over_the_records(admin_window, dialogs, data_dir, qtbot):
    _unlock(admin_window)
    before = _records(data_dir)
    dialogs.answers = [str(data_dir / "holbrook.db")]
    admin_window.admin.view.save_spreadsheet_dialog()
    _refused_then_cancelled(dialogs, data_dir, "Save the spreadsheet")
    qtbot.wait(100)
    assert _records(data_dir) == before and admin_window.admin.view.spreadsheet_button.isEnabled()


def test_after_the_warning_a_place_outside_is_saved(admin_window, dialogs, data_dir, qtbot, tmp_path):
    _unlock(admin_window)
    view = admin_window.admin.view
    out = tmp_path / "outside.csv"
    dialogs.answers = [str(data_dir / ".." / data_dir.name / "acknowledgements.csv"), str(out)]
    view.save_spreadsheet_dialog()
    qtbot.waitUntil(lambda: view.note.text() == f"Saved 4 rows to {out}.", timeout=5000)
    assert len(dialogs.warnings) == 1 and not (data_dir / "acknowledgements.csv").exists()


def test_the_governors_report_is_not_saved_in_the_data_folder(admin_window, dialogs, data_dir, qtbot):
    _unlock(admin_window)
    before = _records(data_dir)
    dialogs.answers = [str(data_dir / "signing" / "school-key.pem")]
    admin_window.admin.view.save_report_dialog()
    _refused_then_cancelled(dialogs, data_dir, "Save the governors' report")
    qtbot.wait(100)
    assert _records(data_dir) == before


def test_the_subject_access_folder_is_not_made_in_the_data_folder(admin_window, dialogs, data_dir):
    _unlock(admin_window)
    view = admin_window.admin.view
    view.table.view.selectRow(0)
    before = _records(data_dir)
    dialogs.answers = [str(data_dir)]
    view.subject_access_dialog()
    _refused_then_cancelled(dialogs, data_dir, "Where to put the subject-access folder", folder=True)
    assert _records(data_dir) == before
    assert not [p for p in data_dir.iterdir() if p.name.startswith("subject-access")]


@pytest.mark.skipif(sys.platform == "win32", reason="symbolic links need privileges on Windows")
def test_the_signed_pdfs_folder_chosen_through_a_link_is_refused(qtbot, dialogs, data_dir, signed, tmp_path):
    service, _ = signed
    dialog = AttestationExportDialog(service)
    qtbot.addWidget(dialog)
    (tmp_path / "hr-drive").symlink_to(data_dir / "attestations", target_is_directory=True)
    dialogs.answers = [str(tmp_path / "hr-drive")]
    dialog.choose_folder()
    _refused_then_cancelled(dialogs, data_dir, "Copy the signed PDFs into", folder=True)
    assert dialog.folder_edit.text() == ""


def test_a_copy_of_the_certificate_is_not_saved_over_a_signed_pdf(qtbot, dialogs, data_dir, signed, store):
    service, record = signed
    view = AcknowledgementView(service)
    qtbot.addWidget(view)
    view.record = record
    kept = store.acknowledgements.pdf_path(record)
    before = _records(data_dir)
    dialogs.answers = [str(kept.with_suffix(""))]  # the .pdf is added: the very file kept
    view.save_copy_dialog()
    _refused_then_cancelled(dialogs, data_dir, "Save a copy of your certificate")
    assert _records(data_dir) == before


def test_the_policy_is_not_saved_as_pdf_in_the_data_folder(qtbot, dialogs, data_dir, store):
    service = App(REAL_CONTENT, records=store)
    window = QMainWindow()
    qtbot.addWidget(window)
    policy = service.content.policies[0]
    printing = PolicyPrinting(window, service.content, "", lambda: policy, lambda: service.data_dir)
    before = _records(data_dir)
    dialogs.answers = [str(data_dir / "backups" / "policy.pdf")]
    printing.save_pdf_dialog()
    _refused_then_cancelled(dialogs, data_dir, "Save the policy as PDF")
    assert _records(data_dir) == before and not (data_dir / "backups" / "policy.pdf").exists()


def test_the_helper_adds_the_suffix_before_it_checks(qtbot, dialogs, tmp_path):
    dialogs.answers = [str(tmp_path / "copy")]
    assert choose_save_file(None, "Save", "", "", tmp_path / "data", suffix=".pdf") == tmp_path / "copy.pdf"
    assert dialogs.warnings == []


def test_every_save_dialog_in_the_window_goes_through_the_helper():
    """A new save dialog calling QFileDialog directly would skip the check: only choosing what to read
    (a content folder to install) and choosing the data folder itself may."""
    allowed = {"save_target.py", "content_page.py", "first_run_wizard.py"}
    direct = [path.name for path in (REPO / "holbrook_desktop" / "ui").rglob("*.py")
              if re.search(r"getSaveFileName|getExistingDirectory|getSaveFileUrl|QFileDialog\(",
                           path.read_text(encoding="utf-8")) and path.name not in allowed]
    assert direct == []
