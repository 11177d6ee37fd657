"""One school identity from the admin area's Several PCs tab: HR's PC makes the school's certificate and
a join file (sealed with the administrator password), another PC joins with it, a PC is revoked; a
wrong password changes nothing."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QFileDialog, QMessageBox

from holbrook_desktop.app import App
from holbrook_desktop.core.admin.password import AdminPassword
from holbrook_desktop.core.identity import Actor
from holbrook_desktop.core.records import Store
from holbrook_desktop.ui import theme
from holbrook_desktop.ui.admin.school_identity import SchoolIdentityGroup
from tests.conftest import REAL_CONTENT
from tests.ui.test_accessibility import assert_every_word_heard
from tests.ui.test_admin_area import SECRET, _unlock
from tests.ui.test_admin_area import admin_window as admin_window


@pytest.fixture
def files(monkeypatch):
    """The platform's open and save dialogs, answering from the lists given (then cancelling)."""
    answers: dict[str, list[str]] = {"open": [], "save": []}

    def answer(kind: str) -> tuple[str, str]:
        return (answers[kind].pop(0) if answers[kind] else "", "")

    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *_a, **_k: answer("open")))
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *_a, **_k: answer("save")))
    return answers


@pytest.fixture
def school_group(admin_window):
    """HR's admin area, unlocked, on the Several PCs tab: its "This school" group."""
    _unlock(admin_window)
    view = admin_window.admin.view
    view.tabs.setCurrentWidget(view.sync_page)
    return view.sync_page.school


@pytest.fixture
def other_pc(tmp_path, qtbot):
    """A second PC of the school, not joined yet: its own records and its own group."""
    store = Store.open(tmp_path / "staff-room", Actor("tester", "window"))
    service = App(REAL_CONTENT, records=store)
    AdminPassword(store.settings).set_first("Another-PC-password")
    group = SchoolIdentityGroup(service)
    qtbot.addWidget(group)
    group.show()
    group.reload()
    yield group
    store.close()


def _messages(widget) -> list[str]:
    return [box.text() for box in widget.findChildren(QMessageBox) if box.isVisible()]


def _make_certificate(group, password=SECRET):
    dialog = group.create_dialog()
    assert dialog.password.echoMode() == dialog.password.EchoMode.Password
    dialog.name_field.setText("Office")
    dialog.password.setText(password)
    dialog.ok_button.click()
    return dialog


def _make_join_file(group, files, tmp_path, name="Staff room"):
    files["save"].append(str(tmp_path / "for-the-staff-room"))  # the suffix is added
    dialog = group.join_file_dialog()
    dialog.name_field.setText(name)
    dialog.password.setText(SECRET)
    dialog.ok_button.click()


def test_hr_makes_the_certificate_a_join_file_another_pc_joins_and_is_revoked(
        school_group, other_pc, files, tmp_path, qtbot):
    group = school_group
    assert group.state_label.text().startswith("Not part of a school identity yet.")
    assert group.create_button.isVisible() and group.join_button.isVisible()
    assert not group.join_file_button.isVisible() and not group.issued.isVisible()

    _make_certificate(group)
    assert group.state_label.text().startswith("This PC holds the school's certificate (HR's PC)")
    fingerprint = group.service.school.status()["school_certificate"]
    assert group.fingerprint_label.text() == ("School certificate: " + " ".join(
        fingerprint[i:i + 4] for i in range(0, 16, 4)))
    assert group.join_file_button.isVisible() and group.revoke_button.isVisible()
    assert group.export_button.isVisible()
    assert not group.create_button.isVisible() and not group.join_button.isVisible()
    assert group.issued.isVisible() and group.issued.rowCount() == 1
    assert group.issued.item(0, 0).text() == "Office (this PC)" and group.issued.item(0, 2).text() == "In use"
    # One Tab stop, named like the page's other tables; every action button named by its words.
    assert group.issued.accessibleName() == "PCs the school's certificate was issued to here"
    assert not group.issued.tabKeyNavigation()
    assert all(button.text() for button in group.buttons)

    _make_join_file(group, files, tmp_path)
    join_file = tmp_path / "for-the-staff-room.holbrook-join"
    assert join_file.exists() and SECRET not in join_file.read_text()
    assert "sealed with the administrator password" in group.note.text()
    assert group.issued.rowCount() == 2 and group.issued.item(1, 0).text() == "Staff room"

    # The other PC joins with the file and the administrator password.
    assert other_pc.join_button.isVisible() and not other_pc.export_button.isVisible()
    files["open"].append(str(join_file))
    entry = other_pc.join_dialog()
    assert entry.password.echoMode() == entry.password.EchoMode.Password
    assert not entry.ok_button.isEnabled()
    qtbot.keyClicks(entry.password, SECRET)
    entry.ok_button.click()
    assert other_pc.state_label.text() == ("This PC is 'Staff room' of Holbrook Primary; its certificate "
                                           "was issued by the school.")
    assert other_pc.fingerprint_label.text() == group.fingerprint_label.text()
    assert "Delete the join file now" in other_pc.note.text()
    assert other_pc.export_button.isVisible() and not other_pc.join_file_button.isVisible()
    assert not other_pc.issued.isVisible()

    # HR revokes it: the confirmation's default is Cancel; Revoke revokes.
    dialog = group.revoke_dialog()
    assert [dialog.pc_choice.itemText(i).split(" (")[0] for i in range(dialog.pc_choice.count())] == [
        "Staff room"]  # this PC's own certificate is not offered
    dialog.reason_choice.setCurrentIndex(dialog.reason_choice.findData("retired"))
    dialog.password.setText(SECRET)
    dialog.ok_button.click()
    box = group.confirmation
    assert box is not None and box.defaultButton() is box.button(QMessageBox.StandardButton.Cancel)
    assert group.issued.item(1, 2).text() == "In use"
    next(b for b in box.buttons() if b.text() == "Revoke").click()
    assert group.issued.item(1, 2).text().startswith("Revoked on ")
    assert "no longer used" in group.issued.item(1, 2).text()
    assert "PC 'Staff room': revoked on" in group.note.text()
    # Once the revocation list reaches that PC (by the sync folder), it says so, in the warning colour.
    other_pc.service.school.root().accept_revocation_list(group.service.school.root().revocation_list())
    other_pc.reload()
    assert other_pc.state_label.text().startswith("This PC's certificate was revoked on ")
    assert theme.colours().warning in other_pc.state_label.styleSheet()
    assert theme.colours().warning not in group.state_label.styleSheet()


def test_a_wrong_password_is_said_and_changes_nothing(school_group, files, tmp_path, store):
    group = school_group
    _make_certificate(group, password="not the password")
    assert any("not the administrator password" in text.lower() or "wrong" in text.lower()
               for text in _messages(group)), _messages(group)
    assert group.state_label.text().startswith("Not part of a school identity yet.")
    assert not group.service.school.status()["member"] and group.create_button.isVisible()

    _make_certificate(group)
    audited = store.db.execute("SELECT count(*) FROM audit_log").fetchone()[0]
    files["save"].append(str(tmp_path / "laptop.holbrook-join"))
    dialog = group.join_file_dialog()
    dialog.name_field.setText("Laptop")
    dialog.password.setText("still not it")
    dialog.ok_button.click()
    assert not (tmp_path / "laptop.holbrook-join").exists()
    assert group.issued.rowCount() == 1
    actions = [row[0] for row in store.db.execute("SELECT action FROM audit_log")][audited:]
    assert "school.join-file-made" not in actions


def test_a_wrong_password_for_the_join_file_is_said_and_the_pc_stays_outside(
        school_group, other_pc, files, tmp_path):
    _make_certificate(school_group)
    _make_join_file(school_group, files, tmp_path)
    files["open"].append(str(tmp_path / "for-the-staff-room.holbrook-join"))
    entry = other_pc.join_dialog()
    entry.password.setText("Not the password 1")
    entry.ok_button.click()
    assert any("administrator password does not open" in text for text in _messages(other_pc)), \
        _messages(other_pc)
    assert other_pc.state_label.text().startswith("Not part of a school identity yet.")


def test_the_schools_certificate_is_saved_for_auditors(school_group, files, tmp_path, qtbot):
    group = school_group
    _make_certificate(group)
    files["save"].append(str(tmp_path / "for-the-auditor"))
    assert group.export_dialog() is not None
    saved = tmp_path / "for-the-auditor.pem"
    qtbot.waitUntil(lambda: saved.exists() and "Saved the school's certificate" in group.note.text(),
                    timeout=5000)
    assert saved.read_bytes().startswith(b"-----BEGIN CERTIFICATE-----")


def test_walk_the_school_identity(school_group, files, tmp_path, qtbot):
    group = school_group
    window = group.window()
    for dialog in (group.create_dialog(),):
        qtbot.waitExposed(dialog)
        assert_every_word_heard(dialog, "make the school's certificate")
        dialog.reject()
    _make_certificate(group)
    assert_every_word_heard(window, "Several PCs, HR's PC")
    _make_join_file(group, files, tmp_path)  # a PC to revoke
    for dialog in (group.join_file_dialog(), group.revoke_dialog()):
        qtbot.waitExposed(dialog)
        assert_every_word_heard(dialog, dialog.windowTitle())
        dialog.reject()
