"""The first-run wizard on a fresh data folder: school, password, signing key, data folder, and
where things are; Cancel before the password leaves the installation fresh."""

from __future__ import annotations

import pytest
from PIL import Image
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QLineEdit, QWizard

from holbrook_desktop.app import App
from holbrook_desktop.core import paths
from holbrook_desktop.core.admin.password import AdminPassword
from holbrook_desktop.ui.admin.first_run_wizard import FirstRunWizard
from holbrook_desktop.ui.main_window import MainWindow
from holbrook_desktop.ui.preferences import Preferences
from tests.conftest import REAL_CONTENT
from tests.ui.conftest import show_active

SECRET = "Staffroom-Kettle-9"


@pytest.fixture
def machine_config(tmp_path, monkeypatch):
    config = tmp_path / "machine" / "holbrook.toml"
    monkeypatch.setattr(paths, "machine_config_path", lambda: config)
    return config


@pytest.fixture
def fresh_window(qtbot, data_dir, store, machine_config):
    service = App(REAL_CONTENT, records=store)
    return show_active(qtbot, MainWindow(service, Preferences(data_dir)))


def _click(qtbot, wizard: FirstRunWizard, which: QWizard.WizardButton) -> None:
    qtbot.mouseClick(wizard.button(which), Qt.MouseButton.LeftButton)


def test_the_wizard_sets_up_everything_and_ends_in_the_admin_area(qtbot, fresh_window, store, data_dir,
                                                                   tmp_path, machine_config):
    wizard = fresh_window.admin.offer_first_run()
    assert isinstance(wizard, FirstRunWizard)
    qtbot.waitExposed(wizard)
    for field in wizard.findChildren(QLineEdit):
        assert field.accessibleName(), field
    welcome = " ".join(label.text() for label in wizard.welcome_page.findChildren(QLabel))
    assert wizard.currentPage() is wizard.welcome_page and "about 2 minutes" in welcome
    _click(qtbot, wizard, QWizard.WizardButton.NextButton)

    school = wizard.school_page
    assert wizard.currentPage() is school and school.name.text() == "Holbrook Primary"
    scan = tmp_path / "scan.png"
    scan.write_text("not a picture", encoding="utf-8")
    assert not school.use_logo(scan)
    assert str(scan) in school.problem.text() and school.problem.isVisible()
    crest = tmp_path / "crest.png"
    Image.new("RGB", (320, 240), (10, 40, 90)).save(crest)
    assert school.use_logo(crest) and not school.problem.isVisible()
    assert not school.logo_preview.pixmap().isNull()
    school.name.setText("")
    _click(qtbot, wizard, QWizard.WizardButton.NextButton)
    assert wizard.currentPage() is school and school.problem.isVisible()  # a name is needed
    school.name.setText("Holbrook Federation")
    _click(qtbot, wizard, QWizard.WizardButton.NextButton)

    password = wizard.password_page
    assert wizard.currentPage() is password
    password.new.setText("short")
    password.again.setText("short")
    _click(qtbot, wizard, QWizard.WizardButton.CommitButton)
    assert wizard.currentPage() is password and "at least 8" in password.problem.text()
    password.new.setText(SECRET)
    password.again.setText(SECRET + "x")
    _click(qtbot, wizard, QWizard.WizardButton.CommitButton)
    assert wizard.currentPage() is password and "different" in password.problem.text()
    assert not AdminPassword(store.settings).is_set()
    password.again.setText(SECRET)
    _click(qtbot, wizard, QWizard.WizardButton.CommitButton)
    assert AdminPassword(store.settings).check(SECRET).ok

    key = wizard.key_page
    assert wizard.currentPage() is key and key.create_choice.isChecked()
    _click(qtbot, wizard, QWizard.WizardButton.NextButton)
    certificate = fresh_window.service.attestation.signing_key().current()
    assert certificate is not None and "Holbrook Federation" in certificate.subject

    folder = wizard.folder_page
    assert wizard.currentPage() is folder and folder.folder.text() == str(data_dir)
    assert folder.change_button.isEnabled()
    elsewhere = tmp_path / "shared-drive"
    elsewhere.mkdir()
    assert folder.use_folder(elsewhere)
    assert paths.configured_data_dir(machine_config) == elsewhere.resolve()
    assert "next start" in folder.outcome.text()
    _click(qtbot, wizard, QWizard.WizardButton.NextButton)

    summary = wizard.done_page.summary.text()
    assert wizard.currentPage() is wizard.done_page
    for shown in (str(data_dir), "backups", "Ctrl+Shift+A", certificate.short_fingerprint, "F1"):
        assert shown in summary
    _click(qtbot, wizard, QWizard.WizardButton.FinishButton)
    assert fresh_window.is_showing_admin()
    assert fresh_window.service.admin.school_profile().name == "Holbrook Federation"
    assert fresh_window.service.admin.school_profile().logo_is_custom
    fresh_window.admin.lock()
    assert fresh_window.admin.offer_first_run() is None  # only once: now there is a password


def test_cancel_leaves_the_installation_fresh_and_it_is_offered_again(qtbot, fresh_window, store):
    wizard = fresh_window.admin.offer_first_run()
    _click(qtbot, wizard, QWizard.WizardButton.NextButton)
    _click(qtbot, wizard, QWizard.WizardButton.NextButton)
    assert wizard.currentPage() is wizard.password_page
    wizard.password_page.new.setText(SECRET)  # typed, but never saved
    _click(qtbot, wizard, QWizard.WizardButton.CancelButton)
    assert not wizard.isVisible()
    assert not AdminPassword(store.settings).is_set()
    assert fresh_window.service.attestation.signing_key().current() is None
    assert not fresh_window.is_showing_admin() and fresh_window.is_showing_start_screen()
    assert "next time" in fresh_window.start_screen.note_text()
    again = fresh_window.admin.offer_first_run()
    assert isinstance(again, FirstRunWizard)
    again.reject()


def test_the_wizard_is_driven_by_the_keyboard(qtbot, fresh_window):
    wizard = fresh_window.admin.offer_first_run()
    qtbot.waitExposed(wizard)
    qtbot.keyClick(wizard, Qt.Key.Key_Return)  # Next is the default button
    assert wizard.currentPage() is wizard.school_page
    wizard.reject()


def test_when_this_account_may_not_choose_the_folder_it_says_who_can(qtbot, fresh_window, monkeypatch):
    monkeypatch.setattr("holbrook_desktop.core.paths.may_write_machine_setting", lambda: False)
    wizard = FirstRunWizard(fresh_window.service, fresh_window)
    qtbot.addWidget(wizard)
    page = wizard.folder_page
    assert not page.change_button.isEnabled() and "/DATADIR" in page.outcome.text()


def test_the_admin_settings_change_the_name_and_logo_later(qtbot, fresh_window, store, tmp_path):
    AdminPassword(store.settings).set_first(SECRET)
    fresh_window.admin.show_area()
    page = fresh_window.admin.view.settings_page
    assert page.school_name.text() == "Holbrook Primary" and not page.default_logo_button.isEnabled()
    page.school_name.setText("  ")
    qtbot.mouseClick(page.save_name_button, Qt.MouseButton.LeftButton)
    assert "name" in page.school_note.text()
    page.school_name.setText("Holbrook Juniors")
    qtbot.mouseClick(page.save_name_button, Qt.MouseButton.LeftButton)
    assert fresh_window.service.admin.school_profile().name == "Holbrook Juniors"
    bad = tmp_path / "crest.jpg"
    bad.write_bytes(b"\xff\xd8 not really")
    assert not page.use_logo(bad) and str(bad) in page.school_note.text()
    crest = tmp_path / "crest.png"
    Image.new("RGB", (200, 200), (10, 40, 90)).save(crest)
    assert page.use_logo(crest) and page.default_logo_button.isEnabled()
    assert fresh_window.service.admin.school_profile().logo_is_custom
    qtbot.mouseClick(page.default_logo_button, Qt.MouseButton.LeftButton)
    assert not fresh_window.service.admin.school_profile().logo_is_custom
