"""The first-run wizard's other path: one more PC of a school joins it with HR's join file and the
school's administrator password, skips the school, password and signing-key pages, and ends with the
school's name, this PC's certificate and the sync folder shown, and the school's password in force."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QFileDialog, QLineEdit, QWizard

from holbrook_desktop.app import App
from holbrook_desktop.core.identity import Actor
from holbrook_desktop.core.records import Store
from holbrook_desktop.core.sync import folder as sync
from holbrook_desktop.ui.accessibility import announcements
from holbrook_desktop.ui.admin.first_run_wizard import (
    KEY_PAGE,
    PASSWORD_PAGE,
    SCHOOL_PAGE,
    FirstRunWizard,
)
from tests.conftest import REAL_CONTENT
from tests.ui.test_first_run import _click, fresh_window, machine_config  # noqa: F401 (the fixtures)

SCHOOL_PASSWORD = "Governors meet 3rd Tuesday"


@pytest.fixture
def school(tmp_path):
    """HR's PC: the school's certificate, a sync folder, and a join file for the staff room's PC."""
    shared = tmp_path / "shared"
    shared.mkdir()
    store = Store.open(tmp_path / "hr", Actor("hr", "window"))
    hr = App(REAL_CONTENT, records=store)
    hr.admin.password().set_first(SCHOOL_PASSWORD)
    hr.admin.set_school_name("St Brigid's Federation")
    sync.set_sync_folder(store, shared)
    hr.school.create(SCHOOL_PASSWORD, pc_name="Office")
    made = hr.school.make_join_file(SCHOOL_PASSWORD, "Staff room", tmp_path / "staff-room.holbrook-join")
    yield made.path, shared
    store.close()


@pytest.fixture
def chosen_file(monkeypatch):
    """The open dialog answers with the file named here; what it was asked is kept."""
    asked: list[tuple] = []
    answer: list[str] = [""]

    def get_open_file_name(parent, title, folder, filters):
        asked.append((title, filters))
        return answer[0], ""

    monkeypatch.setattr(QFileDialog, "getOpenFileName", get_open_file_name)
    return answer, asked


@pytest.fixture
def spoken(qapp):
    said: list[tuple[str, bool]] = []

    def hear(text: str, assertive: bool) -> None:
        said.append((text, assertive))

    announcements().said.connect(hear)
    yield said
    announcements().said.disconnect(hear)


def _choose(qtbot, choice) -> None:
    """Click the radio button's circle (its middle may be past the end of its words)."""
    qtbot.mouseClick(choice, Qt.MouseButton.LeftButton, pos=QPoint(8, choice.height() // 2))
    assert choice.isChecked()


def _to_join_page(qtbot, window) -> FirstRunWizard:
    wizard = window.admin.offer_first_run()
    assert isinstance(wizard, FirstRunWizard)
    qtbot.waitExposed(wizard)
    welcome = wizard.welcome_page
    assert welcome.new_school_choice.isChecked() and not welcome.join_choice.isChecked()
    _choose(qtbot, welcome.join_choice)
    _click(qtbot, wizard, QWizard.WizardButton.NextButton)
    assert wizard.currentPage() is wizard.join_page
    return wizard


def _nothing_joined(service) -> None:
    assert not service.admin.password().is_set()
    assert service.attestation.signing_key().current() is None
    assert not service.school.status()["member"]


def test_a_new_pc_joins_the_school_in_the_wizard(qtbot, fresh_window, school, chosen_file, spoken):  # noqa: F811
    join_file, shared = school
    answer, asked = chosen_file
    service = fresh_window.service
    wizard = _to_join_page(qtbot, fresh_window)
    page = wizard.join_page
    next_button = wizard.button(QWizard.WizardButton.CommitButton)
    assert not page.join_button.isEnabled() and not next_button.isEnabled()
    answer[0] = str(join_file)
    qtbot.mouseClick(page.choose_button, Qt.MouseButton.LeftButton)
    assert asked and "*.holbrook-join" in asked[-1][1]
    assert page.file.text() == str(join_file)
    assert page.password.echoMode() == QLineEdit.EchoMode.Password

    qtbot.keyClicks(page.password, "not the school's password")
    qtbot.mouseClick(page.join_button, Qt.MouseButton.LeftButton)
    assert page.problem.isVisible() and str(join_file) in page.problem.text()
    assert "password" in page.problem.text()
    assert any(str(join_file) in words and assertive for words, assertive in spoken)
    assert wizard.currentPage() is page and not wizard.button(QWizard.WizardButton.CommitButton).isEnabled()
    _nothing_joined(service)

    page.password.setText(SCHOOL_PASSWORD)  # tried again
    qtbot.mouseClick(page.join_button, Qt.MouseButton.LeftButton)
    assert not page.problem.isVisible() and page.outcome.isVisible()
    assert "'Staff room' of St Brigid's Federation" in page.outcome.text()
    assert str(shared.resolve()) in page.outcome.text()  # the school's sync folder, reachable here
    assert any("Staff room" in words for words, _ in spoken)
    assert page.password.text() == "" and not page.join_button.isEnabled()
    _click(qtbot, wizard, QWizard.WizardButton.BackButton)  # once joined, Back leads only to joining
    assert not wizard.welcome_page.new_school_choice.isEnabled()
    _click(qtbot, wizard, QWizard.WizardButton.NextButton)
    assert wizard.currentPage() is page and page.outcome.isVisible()
    qtbot.waitUntil(lambda: wizard.button(QWizard.WizardButton.CommitButton).isEnabled())
    _click(qtbot, wizard, QWizard.WizardButton.CommitButton)

    assert wizard.currentPage() is wizard.folder_page
    back = wizard.button(QWizard.WizardButton.BackButton)
    assert not (back.isVisible() and back.isEnabled())  # past the join: no way back
    _click(qtbot, wizard, QWizard.WizardButton.NextButton)
    assert wizard.currentPage() is wizard.done_page
    certificate = service.attestation.signing_key().current()
    assert certificate is not None and "Staff room" in certificate.subject
    summary = wizard.done_page.summary.text()
    for shown in ("St Brigid&#x27;s Federation", certificate.short_fingerprint, str(shared.resolve()),
                  "Staff room"):
        assert shown in summary, shown
    assert not {SCHOOL_PAGE, PASSWORD_PAGE, KEY_PAGE} & set(wizard.visitedIds())
    _click(qtbot, wizard, QWizard.WizardButton.FinishButton)

    assert fresh_window.is_showing_admin()
    assert service.admin.password().check(SCHOOL_PASSWORD).ok
    assert service.admin.school_profile().name == "St Brigid's Federation"
    assert service.school.status()["member"]
    fresh_window.admin.lock()
    assert fresh_window.admin.offer_first_run() is None  # set up: not offered again


def test_a_file_that_is_not_a_join_file_is_named_and_another_can_be_chosen(
        qtbot, fresh_window, school, chosen_file, tmp_path):  # noqa: F811
    join_file, _shared = school
    answer, _asked = chosen_file
    wizard = _to_join_page(qtbot, fresh_window)
    page = wizard.join_page
    notes = tmp_path / "notes.holbrook-join"
    notes.write_text("shopping list", encoding="utf-8")
    answer[0] = str(notes)
    qtbot.mouseClick(page.choose_button, Qt.MouseButton.LeftButton)
    page.password.setText(SCHOOL_PASSWORD)
    qtbot.mouseClick(page.join_button, Qt.MouseButton.LeftButton)
    assert page.problem.isVisible() and str(notes) in page.problem.text()
    assert "not a join file" in page.problem.text()
    _nothing_joined(fresh_window.service)
    answer[0] = str(join_file)
    qtbot.mouseClick(page.choose_button, Qt.MouseButton.LeftButton)
    assert not page.problem.isVisible()
    qtbot.mouseClick(page.join_button, Qt.MouseButton.LeftButton)
    assert page.joined is not None and fresh_window.service.admin.password().check(SCHOOL_PASSWORD).ok
    wizard.reject()


def test_return_in_the_password_joins_and_stays_to_say_so(qtbot, fresh_window, school, chosen_file):  # noqa: F811
    join_file, _shared = school
    answer, _asked = chosen_file
    wizard = _to_join_page(qtbot, fresh_window)
    page = wizard.join_page
    answer[0] = str(join_file)
    qtbot.mouseClick(page.choose_button, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(page.password, SCHOOL_PASSWORD)
    qtbot.keyClick(page.password, Qt.Key.Key_Return)
    assert page.joined is not None
    qtbot.wait(50)
    assert wizard.currentPage() is page and page.outcome.isVisible()  # read before moving on
    qtbot.waitUntil(lambda: wizard.button(QWizard.WizardButton.CommitButton).isEnabled())
    wizard.reject()


def test_cancelling_before_joining_leaves_the_installation_fresh(qtbot, fresh_window, school, chosen_file):  # noqa: F811
    join_file, _shared = school
    answer, _asked = chosen_file
    wizard = _to_join_page(qtbot, fresh_window)
    answer[0] = str(join_file)
    qtbot.mouseClick(wizard.join_page.choose_button, Qt.MouseButton.LeftButton)
    wizard.join_page.password.setText(SCHOOL_PASSWORD)  # typed, but Join never pressed
    _click(qtbot, wizard, QWizard.WizardButton.CancelButton)
    _nothing_joined(fresh_window.service)
    assert "next time" in fresh_window.start_screen.note_text()
    again = fresh_window.admin.offer_first_run()
    assert isinstance(again, FirstRunWizard)
    again.reject()


def test_back_from_the_join_page_leads_to_the_new_school_path(qtbot, fresh_window):  # noqa: F811
    wizard = _to_join_page(qtbot, fresh_window)
    _click(qtbot, wizard, QWizard.WizardButton.BackButton)
    _choose(qtbot, wizard.welcome_page.new_school_choice)
    _click(qtbot, wizard, QWizard.WizardButton.NextButton)
    assert wizard.currentPage() is wizard.school_page
    wizard.reject()
