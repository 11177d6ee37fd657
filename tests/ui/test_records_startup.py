"""Starting the app when the records database is damaged or too new: say so, keep the file, read on."""

from __future__ import annotations

import argparse
from datetime import date

import pytest
from PySide6.QtWidgets import QMessageBox

from holbrook_desktop.core.content.render import Location
from holbrook_desktop.core.identity import Actor
from holbrook_desktop.core.records import NewStaffMember, Store
from holbrook_desktop.ui.app import create_main_window
from tests.conftest import REAL_CONTENT
from tests.core.test_store_safety import fill_the_disk, needs_room_to_upgrade


@pytest.fixture
def answer_boxes(monkeypatch):
    """Message boxes are answered by pressing the named button (else the first); their text is kept."""
    shown: list[dict] = []
    answers: list[str] = []

    def exec_(box: QMessageBox) -> int:
        buttons = {button.text(): button for button in box.buttons()}
        shown.append({"title": box.windowTitle(), "text": box.text(),
                      "informative": box.informativeText(), "buttons": list(buttons)})
        wanted = answers.pop(0) if answers else next(iter(buttons))
        buttons[wanted].click()
        return 0

    monkeypatch.setattr(QMessageBox, "exec", exec_)
    return shown, answers


def _start(qtbot, data_dir):
    window = create_main_window(argparse.Namespace(content=str(REAL_CONTENT), data_dir=str(data_dir)))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    qtbot.waitUntil(lambda: not window.records_pending)  # the records open just after the window
    return window


def test_a_damaged_database_is_explained_left_alone_and_the_handbook_can_be_read(
    qtbot, data_dir, answer_boxes
):
    shown, _answers = answer_boxes
    data_dir.mkdir(parents=True)
    garbage = b"this is not a database, it was a spreadsheet once" * 40
    (data_dir / "holbrook.db").write_bytes(garbage)
    window = _start(qtbot, data_dir)

    assert len(shown) == 1
    assert "cannot be used: it is not an SQLite database" in shown[0]["text"]
    assert "It has not been changed" in shown[0]["text"]
    assert "reading progress will not be saved" in shown[0]["informative"]
    assert shown[0]["buttons"] == ["Continue reading"]  # no backup to offer
    assert (data_dir / "holbrook.db").read_bytes() == garbage
    assert window.start_screen is None
    assert window.reader.location() == Location("social-media", "1")
    assert window.records_note.isVisible()
    assert window.records_note.text().startswith("Reading only: the staff records could not be opened")


def _records_with_a_backup(data_dir) -> None:
    store = Store.open(data_dir, Actor("tester", "window"))
    store.staff.add(NewStaffMember("Siân O’Brien", "teacher", date(2024, 9, 1)))
    store.close()
    Store.open(data_dir, Actor("tester", "window")).close()  # the day's first reopening backs up


def test_the_newest_backup_can_be_restored_from_the_message(qtbot, data_dir, answer_boxes):
    shown, answers = answer_boxes
    _records_with_a_backup(data_dir)
    (data_dir / "holbrook.db").write_bytes(b"\0" * 4096)
    answers.append("Restore the newest backup")
    window = _start(qtbot, data_dir)

    assert shown[0]["buttons"] == ["Restore the newest backup", "Continue without records"]
    assert "The newest backup is daily-holbrook-" in shown[0]["text"]
    assert window.is_showing_start_screen()
    assert window.start_screen.shown_names() == ["Siân O’Brien"]
    assert "restored from the backup daily-holbrook-" in window.start_screen.note_text()
    assert any(p.name.startswith("holbrook.db.damaged-") for p in data_dir.iterdir())
    window.service.records.close()


def test_continuing_without_the_backup_leaves_everything_as_it_was(qtbot, data_dir, answer_boxes):
    _shown, answers = answer_boxes
    _records_with_a_backup(data_dir)
    (data_dir / "holbrook.db").write_bytes(b"\0" * 4096)
    answers.append("Continue without records")
    window = _start(qtbot, data_dir)
    assert window.start_screen is None
    assert (data_dir / "holbrook.db").read_bytes() == b"\0" * 4096
    assert not any(p.name.startswith("holbrook.db.damaged-") for p in data_dir.iterdir())


def test_a_full_disk_is_explained_and_nothing_destructive_is_offered(qtbot, data_dir, answer_boxes,
                                                                    monkeypatch):
    shown, _answers = answer_boxes
    _records_with_a_backup(data_dir)  # a backup is there, and still not offered: nothing is damaged
    needs_room_to_upgrade(data_dir, monkeypatch)
    before = (data_dir / "holbrook.db").read_bytes()
    fill_the_disk(monkeypatch)
    window = _start(qtbot, data_dir)

    assert [box["title"] for box in shown] == ["The disk is full"]
    assert "is full" in shown[0]["text"] and "Nothing was changed" in shown[0]["text"]
    assert shown[0]["buttons"] == ["Continue reading"]
    assert (data_dir / "holbrook.db").read_bytes() == before
    assert not any(".damaged-" in p.name for p in data_dir.iterdir())
    assert window.start_screen is None and window.records_note.isVisible()


def test_missing_records_are_not_started_anew_and_the_newest_backup_is_offered(qtbot, data_dir,
                                                                               answer_boxes):
    shown, answers = answer_boxes
    _records_with_a_backup(data_dir)
    (data_dir / "holbrook.db").unlink()
    answers.append("Restore the newest backup")
    window = _start(qtbot, data_dir)

    assert "is missing, but this folder holds 1 backup in backups/" in shown[0]["text"]
    assert shown[0]["buttons"] == ["Restore the newest backup", "Continue without records"]
    assert window.is_showing_start_screen()
    assert window.start_screen.shown_names() == ["Siân O’Brien"]
    assert "restored from the backup daily-holbrook-" in window.start_screen.note_text()
    window.service.records.close()


def test_missing_records_with_no_backup_are_reported_and_no_new_file_is_made(qtbot, data_dir,
                                                                             answer_boxes):
    shown, _answers = answer_boxes
    (data_dir / "attestations").mkdir(parents=True)
    (data_dir / "attestations" / "attestation-000012.pdf").write_bytes(b"%PDF-1.7 signed")
    window = _start(qtbot, data_dir)

    assert shown[0]["title"] == "The staff records are missing"
    assert "1 signed attestation in attestations/" in shown[0]["text"]
    assert shown[0]["buttons"] == ["Continue reading"]
    assert not (data_dir / "holbrook.db").exists()
    assert window.start_screen is None and window.records_note.isVisible()


def test_records_from_a_newer_version_are_not_touched(qtbot, data_dir, answer_boxes):
    shown, _answers = answer_boxes
    store = Store.open(data_dir, Actor("tester", "window"))
    store.db.execute("INSERT INTO schema_migrations VALUES (99, 'from_the_future', '2030-01-01')")
    store.db.conn.commit()
    store.close()
    window = _start(qtbot, data_dir)
    assert "made by a newer version" in shown[0]["text"]
    assert window.start_screen is None
    assert window.records_note.isVisible()


def test_healthy_records_open_on_the_start_screen(qtbot, data_dir, answer_boxes):
    shown, _answers = answer_boxes
    window = _start(qtbot, data_dir)
    assert shown == []
    assert window.is_showing_start_screen()
    assert "No one has been added on this PC yet" in window.start_screen.count.text()
    assert not window.records_note.isVisible()
    window.service.records.close()


def _acknowledged_since_the_backup(data_dir) -> list[int]:
    """Record 1 backed up; record 2 made after the backup (its person added after it too)."""
    from holbrook_desktop.app import App

    made = []
    for name in ("Ann Archer", "Ben Baker"):
        store = Store.open(data_dir, Actor("tester", "window"))  # the second opening backs up record 1
        app = App(REAL_CONTENT, records=store)
        member = store.staff.add(NewStaffMember(name, "teacher", date(2024, 9, 1)))
        made.append(app.attestation.acknowledge_on_behalf(member.id, "social-media", note="On paper").id)
        store.close()
    return made


def test_acknowledgements_a_restore_took_away_are_put_back_from_their_pdfs(qtbot, data_dir, answer_boxes):
    shown, answers = answer_boxes
    assert _acknowledged_since_the_backup(data_dir) == [1, 2]
    (data_dir / "holbrook.db").write_bytes(b"\0" * 4096)
    answers.append("Restore the newest backup")
    window = _start(qtbot, data_dir)

    assert len(shown) == 1  # the offer to restore: nothing refused
    assert [r.id for r in window.service.records.acknowledgements.all()] == [1, 2]
    assert window.service.records.staff.get(2).full_name == "Ben Baker"
    note = window.start_screen.note_text()
    assert "restored from the backup daily-holbrook-" in note
    assert "1 acknowledgement missing from the records" in note
    window.service.records.close()


def test_a_backup_copied_over_the_records_by_hand_loses_no_acknowledgement(qtbot, data_dir, answer_boxes):
    shown, _answers = answer_boxes
    _acknowledged_since_the_backup(data_dir)
    backup = next((data_dir / "backups").glob("daily-*.db"))
    for suffix in ("-wal", "-shm"):
        (data_dir / f"holbrook.db{suffix}").unlink(missing_ok=True)
    (data_dir / "holbrook.db").write_bytes(backup.read_bytes())
    window = _start(qtbot, data_dir)

    assert shown == []
    assert [r.id for r in window.service.records.acknowledgements.all()] == [1, 2]
    assert "1 acknowledgement missing from the records" in window.start_screen.note_text()
    window.service.records.close()
