"""The Roles tab of the admin area: HR maps the school's job titles once and adds its own roles;
the next import uses them."""

from __future__ import annotations

from PySide6.QtCore import Qt

from holbrook_desktop.app import App
from holbrook_desktop.ui.admin.roles_page import RolesPage, role_id_for
from tests.conftest import REAL_CONTENT


def open_page(qtbot, store) -> RolesPage:
    page = RolesPage(App(REAL_CONTENT, records=store))
    qtbot.addWidget(page)
    page.reload()
    page.show()
    qtbot.waitExposed(page)
    return page


def test_a_job_title_mapped_and_a_role_added_are_kept_and_used_by_the_next_import(qtbot, store, tmp_path):
    page = open_page(qtbot, store)
    assert page.titles.rowCount() == 0 and page.role.count() == 10
    page.new_label.setText("Site team")
    page.quiz_as.setCurrentIndex(page.quiz_as.findData("contractor"))
    qtbot.mouseClick(page.add_button, Qt.MouseButton.LeftButton)
    assert page.note.text() == "Site team added: map job titles to it above."
    assert page.role.currentData() == "site-team" and page.role.currentText() == "Site team"
    qtbot.keyClicks(page.title, "Caretaker")
    qtbot.mouseClick(page.map_button, Qt.MouseButton.LeftButton)
    page.title.setText("Cook")
    page.role.setCurrentIndex(page.role.findData("lunchtime"))
    qtbot.keyClick(page.title, Qt.Key.Key_Return)
    cells = [(page.titles.item(r, 0).text(), page.titles.item(r, 1).text())
             for r in range(page.titles.rowCount())]
    assert cells == [("Caretaker", "Site team"), ("Cook", "Lunchtime")]
    actions = [row[0] for row in store.db.execute("SELECT action FROM audit_log ORDER BY id")]
    assert actions[-3:] == ["roles.added", "roles.mapped", "roles.mapped"]

    path = tmp_path / "staff.csv"
    path.write_text("Name,Job Title,Start date\nDan Roe,Caretaker,01/09/2024\nEve Hart,cook,01/09/2024\n",
                    encoding="utf-8")
    service = App(REAL_CONTENT, records=store)
    service.hr.apply_staff_import(service.hr.plan_staff_import(path))
    people = {m.full_name: (m.role, m.role_label) for m in store.staff.list()}
    assert people == {"Dan Roe": ("contractor", "Site team"), "Eve Hart": ("lunchtime", "Lunchtime")}

    page.titles.selectRow(1)
    qtbot.mouseClick(page.unmap_button, Qt.MouseButton.LeftButton)
    assert page.titles.rowCount() == 1 and "“Cook” is no longer mapped" in page.note.text()


def test_blank_or_repeated_input_is_explained_not_saved(qtbot, store):
    page = open_page(qtbot, store)
    qtbot.mouseClick(page.map_button, Qt.MouseButton.LeftButton)
    assert "Type the job title" in page.note.text()
    page.new_label.setText("Teacher")
    assert not page.add_role() and "already" in page.note.text()
    assert role_id_for("Early Years (EYFS)") == "early-years-eyfs"
    assert role_id_for("1st aid") == "role-1st-aid"
