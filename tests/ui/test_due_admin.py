"""The due rules in the admin area: the table as of a past day, one acknowledgement recorded on
someone's behalf with its date and note, a back-dated version confirmed before it is installed, and
the rollout date chosen at first run."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QMessageBox, QWizard

from holbrook_desktop.app import App
from holbrook_desktop.core.admin.password import AdminPassword
from holbrook_desktop.core.hr.due import Status
from holbrook_desktop.ui.main_window import MainWindow
from holbrook_desktop.ui.preferences import Preferences
from tests.conftest import REAL_CONTENT
from tests.ui.conftest import show_active

SECRET = "Staffroom-Kettle-9"


@pytest.fixture
def admin(open_staff_window, store, staff):
    AdminPassword(store.settings).set_first(SECRET)
    window = open_staff_window()
    dialog = window.admin.open_admin()
    dialog.current.setText(SECRET)
    dialog.submit()
    assert window.is_showing_admin()
    return window, window.admin.view


def _row_of(view, name):
    model = view.table.model
    return next(row for row in range(model.rowCount()) if model.status_at(row).member.full_name == name)


def _select(qtbot, view, name):
    row = _row_of(view, name)
    index = view.table.proxy.mapFromSource(view.table.model.index(row, 0))
    view.table.view.selectRow(index.row())
    qtbot.waitUntil(lambda: view.on_behalf_button.isEnabled())


def test_one_acknowledgement_on_behalf_with_its_date_and_note(qtbot, admin, staff):
    _window, view = admin
    name = next(iter(staff))
    view.service.admin.set_rollout_date(date.today() - timedelta(days=90))
    view.reload_statuses()
    _select(qtbot, view, name)
    dialog = view.on_behalf_dialog()
    ok = dialog.buttons.button(dialog.buttons.StandardButton.Ok)
    assert not ok.isEnabled()  # a note is needed
    paper_day = date.today() - timedelta(days=20)
    dialog.date.setDate(QDate(paper_day))
    dialog.note_field.setText("Signed the paper form at induction")
    assert ok.isEnabled()
    dialog.accept()
    qtbot.waitUntil(lambda: "Recorded on behalf" in view.note.text(), timeout=20_000)
    [record] = view.service.records.acknowledgements.for_person(staff[name].id)
    assert record.method == "on-behalf" and record.on_behalf_note == "Signed the paper form at induction"
    assert record.acknowledged_at.startswith(paper_day.isoformat()[:7])
    status = view.table.model.status_at(_row_of(view, name))
    assert status.status is Status.ACKNOWLEDGED


def test_the_table_as_of_a_past_day(qtbot, admin, staff, store):
    _window, view = admin
    name = next(iter(staff))
    service = App(REAL_CONTENT, records=store)
    service.admin.set_rollout_date(date.today() - timedelta(days=120))
    service.attestation.acknowledge_on_behalf(staff[name].id, "social-media", note="Paper form",
                                              on=date.today() - timedelta(days=10))
    view.reload_statuses()
    assert view.table.model.status_at(_row_of(view, name)).status is Status.ACKNOWLEDGED
    view.as_of.setDate(QDate(date.today() - timedelta(days=30)))  # before the paper form
    then = view.table.model.status_at(_row_of(view, name))
    assert then.status is Status.NEVER and view.as_of_day() == date.today() - timedelta(days=30)
    assert view.as_of.maximumDate() == QDate(date.today())
    view.clear()
    assert view.as_of_day() is None


def test_a_back_dated_version_asks_before_it_is_installed(qtbot, admin, staff, store, content_copy):
    window, view = admin
    service = App(REAL_CONTENT, records=store)
    service.admin.set_rollout_date(date.today() - timedelta(days=120))
    for member in staff.values():
        service.attestation.acknowledge_on_behalf(member.id, "social-media", note="Paper form",
                                                  on=date.today() - timedelta(days=60))
    policy = content_copy / "policies" / "social-media" / "policy.md"
    text = policy.read_text(encoding="utf-8").replace('version = "2026 edition"', 'version = "2027 edition"')
    text = re.sub(r"(?m)^effective = .*$", f"effective = {(date.today() - timedelta(days=45)).isoformat()}",
                  text)
    policy.write_text(text.replace("## 2 SCOPE", "## 2 WHO THIS POLICY COVERS"), encoding="utf-8")
    page = view.content_page
    view.tabs.setCurrentWidget(page)
    assert page.check_folder(content_copy).ok
    assert not page.install_checked()
    box = page.confirmation
    qtbot.waitUntil(box.isVisible)
    assert f"{len(staff)} people become overdue" in box.text()
    assert window.service.content.policies[0].meta.version == "2026 edition"  # not yet
    box.button(QMessageBox.StandardButton.Cancel).click()
    assert window.service.content.policies[0].meta.version == "2026 edition"
    assert not page.install_checked()
    install = next(b for b in page.confirmation.buttons() if b.text() == "Install anyway")
    install.click()
    assert window.service.content.policies[0].meta.version == "2027 edition"


def test_the_first_run_wizard_sets_the_rollout_date(qtbot, data_dir, store, tmp_path, monkeypatch):
    from holbrook_desktop.core import paths

    monkeypatch.setattr(paths, "machine_config_path", lambda: tmp_path / "machine" / "holbrook.toml")
    window = show_active(qtbot, MainWindow(App(REAL_CONTENT, records=store), Preferences(data_dir)))
    wizard = window.admin.offer_first_run()
    qtbot.waitExposed(wizard)
    qtbot.mouseClick(wizard.button(QWizard.WizardButton.NextButton), Qt.MouseButton.LeftButton)
    school = wizard.school_page
    assert school.rollout.date().toPython() == date.today()  # the default
    school.rollout.setDate(QDate(2026, 9, 1))
    qtbot.mouseClick(wizard.button(QWizard.WizardButton.NextButton), Qt.MouseButton.LeftButton)
    assert wizard.currentPage() is wizard.password_page
    assert window.service.admin.rollout_date() == date(2026, 9, 1)
    wizard.reject()
