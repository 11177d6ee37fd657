"""The staff import preview: every row shown with what happens to it; Cancel writes nothing, Import
writes, "All or nothing" with a rejected row writes nothing."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt

from holbrook_desktop.app import App
from holbrook_desktop.core.hr.staff_import import StaffImportFileError
from holbrook_desktop.core.records import NewStaffMember
from holbrook_desktop.ui.admin.staff_import_dialog import StaffImportDialog
from tests.conftest import REAL_CONTENT

STAFF_CSV = ("Name,Role,Staff number,Start date\n"
             "Ann Smith,Teacher,T1,01/09/2024\n"
             "Ben Ray,TA,T2,01/09/2024\n"
             "Cat Lee,Caretaker,T3,31/02/2024\n"
             "Dan Roe,Caretaker,T4,01/09/2024\n")


@pytest.fixture
def service(store):
    store.staff.add(NewStaffMember("Ben Ray", "teacher", date(2024, 9, 1), staff_number="T2"))
    return App(REAL_CONTENT, records=store)


@pytest.fixture
def staff_csv(tmp_path):
    path = tmp_path / "staff.csv"
    path.write_text(STAFF_CSV, encoding="utf-8")
    return path


def counts(store) -> tuple[int, int]:
    return store.staff.count(), store.db.execute("SELECT count(*) FROM audit_log").fetchone()[0]


def open_dialog(qtbot, service, path) -> StaffImportDialog:
    dialog = StaffImportDialog(service, path)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def cell(dialog, row: int, column: int, role=Qt.ItemDataRole.DisplayRole):
    return dialog.model.data(dialog.model.index(row, column), role)


def test_the_preview_shows_every_row_counts_and_marks_the_rejected(qtbot, service, staff_csv):
    dialog = open_dialog(qtbot, service, staff_csv)
    assert dialog.counts.text() == "2 to add, 1 to update, 1 rejected"
    assert [cell(dialog, r, 0) for r in range(4)] == ["2", "3", "4", "5"]
    assert [cell(dialog, r, 1) for r in range(4)] == ["Add", "Update", "Rejected", "Add"]
    assert cell(dialog, 1, 6) == "role: Teacher → Teaching assistant"
    assert "February 2024 has 29 days" in cell(dialog, 2, 6)
    assert cell(dialog, 2, 1, Qt.ItemDataRole.DecorationRole) is not None  # an icon, not colour alone
    assert cell(dialog, 0, 1, Qt.ItemDataRole.DecorationRole) is None
    # An unknown job title: added as Other, with a note to check, never rejected.
    assert cell(dialog, 3, 3) == "Other"
    assert "Check: the job title “Caretaker” is not mapped to a role: added as Other." in cell(dialog, 3, 6)
    assert cell(dialog, 3, 1, Qt.ItemDataRole.DecorationRole) is not None
    assert "Job titles not mapped to a role yet: Caretaker" in dialog.about_file.text()
    qtbot.mouseClick(dialog.rejected_only, Qt.MouseButton.LeftButton)
    assert [r.name for r in dialog.visible_rows()] == ["Cat Lee"]
    assert dialog.import_button.isEnabled()


def test_cancel_writes_nothing(qtbot, service, staff_csv, store):
    before = counts(store)
    dialog = open_dialog(qtbot, service, staff_csv)
    with qtbot.waitSignal(dialog.rejected):
        qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    assert counts(store) == before


def test_import_writes_the_good_rows_shows_the_result_and_closes(qtbot, service, staff_csv, store):
    dialog = open_dialog(qtbot, service, staff_csv)
    with qtbot.waitSignal(dialog.accepted):
        qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    qtbot.addWidget(dialog.result_box)
    assert dialog.result_box.text().startswith("2 added, 1 updated, 0 unchanged. 1 rejected rows")
    people = {m.full_name: m.role for m in store.staff.list()}
    assert people == {"Ann Smith": "teacher", "Ben Ray": "teaching-assistant", "Dan Roe": "other"}
    assert store.verify_audit().ok


def test_all_or_nothing_with_a_rejected_row_writes_nothing_and_stays_open(qtbot, service, staff_csv, store):
    before = counts(store)
    dialog = open_dialog(qtbot, service, staff_csv)
    dialog.all_or_nothing.setChecked(True)
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    assert counts(store) == before
    assert dialog.isVisible() and "Nothing was imported: 1 rejected" in dialog.message.text()


def test_someone_added_since_the_preview_is_shown_again_not_duplicated(qtbot, service, staff_csv, store):
    dialog = open_dialog(qtbot, service, staff_csv)
    store.staff.add(NewStaffMember("Ann Smith", "teacher", date(2024, 9, 1), staff_number="T1"))
    before = counts(store)
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    assert counts(store) == before
    assert "changed since this preview" in dialog.message.text()
    assert dialog.counts.text() == "1 to add, 1 to update, 1 unchanged, 1 rejected"


def test_nothing_to_do_disables_import_and_a_bad_file_has_no_preview(qtbot, service, tmp_path):
    same = tmp_path / "same.csv"
    same.write_text("Name,Role,Staff number\nBen Ray,Teacher,T2\n", encoding="utf-8")
    dialog = open_dialog(qtbot, service, same)
    assert dialog.counts.text() == "1 unchanged" and not dialog.import_button.isEnabled()
    broken = tmp_path / "broken.csv"
    broken.write_text("Job,Phone\nTeacher,0123\n", encoding="utf-8")
    with pytest.raises(StaffImportFileError, match="no name column"):
        StaffImportDialog(service, broken)


def test_the_rejected_rows_are_saved_from_the_preview_to_fix_and_import(qtbot, service, staff_csv,
                                                                          tmp_path, monkeypatch):
    import csv

    from PySide6.QtWidgets import QFileDialog

    dialog = open_dialog(qtbot, service, staff_csv)
    assert dialog.save_rejected_button.isEnabled()
    chosen = tmp_path / "to fix"  # the ".csv" is added
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args, **kwargs: (str(chosen), ""))
    qtbot.mouseClick(dialog.save_rejected_button, Qt.MouseButton.LeftButton)
    saved = tmp_path / "to fix.csv"
    rows = list(csv.reader(saved.open(encoding="utf-8-sig", newline="")))
    assert rows[0] == ["Name", "Role", "Staff number", "Start date", "problem"]
    assert rows[1][:4] == ["Cat Lee", "Caretaker", "T3", "31/02/2024"]
    assert rows[1][4].startswith("line 4: start date:") and len(rows) == 2
    assert f"1 rejected rows saved to {saved}" in dialog.about_file.text()
    assert dialog.save_rejected(staff_csv) is None
    assert "that is the file being imported" in dialog.message.text()


def test_an_excel_workbook_is_previewed_with_its_sheet_rows(qtbot, service, tmp_path):
    from tests.fixtures.mis_export import write_xlsx

    workbook = tmp_path / "MIS export.xlsx"
    write_xlsx(workbook, title_rows=1)
    dialog = open_dialog(qtbot, service, workbook)
    assert dialog.counts.text() == "68 to add"
    assert (cell(dialog, 0, 0), cell(dialog, 0, 2), cell(dialog, 0, 4)) == ("3", "Siân Ó Rourke", "00100")
    assert not dialog.save_rejected_button.isEnabled()
