"""Several PCs from the window: a sync in the background at start and after a sign-out, its state on
the status bar, and the admin area's "Several PCs" tab."""

from __future__ import annotations

import hashlib
import json

import pytest
from PySide6.QtWidgets import QMessageBox

from holbrook_desktop.core.admin.password import AdminPassword
from holbrook_desktop.core.records import events as records_events
from holbrook_desktop.core.sync import folder as sync
from tests.core.sync_school import make_activity, open_pc

SECRET = "Staffroom-Kettle-9"


@pytest.fixture
def shared(tmp_path, store):
    folder = tmp_path / "shared"
    folder.mkdir()
    sync.set_sync_folder(store, folder)
    return folder


@pytest.fixture
def other_pc(tmp_path):
    pc = open_pc(tmp_path, "STAFFROOM")
    yield pc
    pc.store.close()


def _synced(window, qtbot, count: int = 1) -> None:
    """Wait for the window's `count`-th sync to have ended."""
    ended = []
    window.sync.finished.connect(ended.append)
    qtbot.waitUntil(lambda: len(ended) >= count or (count == 1 and window.sync.last is not None
                                                     and not window.sync.running), timeout=20_000)


def _no_message_box(window) -> bool:
    return not [box for box in window.findChildren(QMessageBox) if box.isVisible()]


def test_at_start_the_other_pcs_records_arrive_and_the_status_bar_says_synced(
        open_staff_window, qtbot, store, staff, shared, other_pc):
    make_activity(other_pc, 2, 1)
    other_pc.sync(shared)
    window = open_staff_window()
    _synced(window, qtbot)
    assert window.sync.last.state == "synced"
    assert store.staff.count() == len(staff) + 2  # the window's own connection sees them
    assert "STAFFROOM Person 1" in window.start_screen.shown_names()  # they can sign in here now
    assert window.sync.label.isVisible()
    assert window.sync.label.text().startswith("Synced ") and window.sync.label.text().endswith("· 2 PCs")


def test_an_unreachable_folder_is_said_quietly_as_offline(open_staff_window, qtbot, shared):
    shared.rmdir()
    window = open_staff_window()
    _synced(window, qtbot)
    assert window.sync.last.state == "offline"
    assert window.sync.label.text() == "Sync folder not reachable — working offline"
    assert _no_message_box(window)


def test_no_sync_folder_no_sync_and_nothing_shown(open_staff_window, qtbot):
    window = open_staff_window()
    assert not window.sync.running and window.sync.last is None
    assert not window.sync.run()
    assert not window.sync.label.isVisible()


def test_only_one_sync_at_a_time(qtbot, data_dir, store, staff, shared):
    from holbrook_desktop.app import App
    from holbrook_desktop.ui.main_window import MainWindow
    from holbrook_desktop.ui.preferences import Preferences
    from tests.conftest import REAL_CONTENT

    window = MainWindow(App(REAL_CONTENT, records=store), Preferences(data_dir))
    qtbot.addWidget(window)
    assert window.sync.running  # started with the start screen, reported by the event loop
    assert not window.sync.run()  # the one under way goes on; this one is not started
    with qtbot.waitSignal(window.sync.finished, timeout=20_000):
        pass
    assert not window.sync.running
    assert window.sync.run()
    with qtbot.waitSignal(window.sync.finished, timeout=20_000):
        pass


def test_a_sign_out_syncs(open_staff_window, qtbot, store, staff, shared, other_pc):
    window = open_staff_window()
    _synced(window, qtbot)
    assert store.staff.count() == len(staff)
    make_activity(other_pc, 3, 1)
    other_pc.sync(shared)
    assert window.sign_in(staff["Siân O’Brien"].id)
    with qtbot.waitSignal(window.sync.finished, timeout=20_000) as ended:
        window.switch_person()
    assert ended.args[0].brought_records
    assert store.staff.count() == len(staff) + 3


def test_the_admin_tab_lists_the_pcs_and_a_refused_bundle_and_syncs_now(
        open_staff_window, qtbot, store, staff, shared, other_pc):
    AdminPassword(store.settings).set_first(SECRET)
    make_activity(other_pc, 2, 1)
    other_pc.sync(shared)
    path = shared / "pcs" / records_events.this_pc(other_pc.store) / "bundle-1.json"
    outer = json.loads(path.read_bytes())
    outer["body"] = outer["body"].replace("STAFFROOM Person 1", "Someone Else")
    outer["body_sha256"] = hashlib.sha256(outer["body"].encode()).hexdigest()
    path.write_text(json.dumps(outer))
    window = open_staff_window()
    _synced(window, qtbot)
    assert window.sync.label.text() == "1 bundle refused — see the admin area"
    assert store.staff.count() == len(staff)  # nothing of the tampered bundle
    assert _no_message_box(window)

    dialog = window.admin.open_admin()
    dialog.current.setText(SECRET)
    dialog.submit()
    view = window.admin.view
    view.tabs.setCurrentWidget(view.sync_page)
    page = view.sync_page
    assert str(shared) in page.folder_label.text()
    pcs = [page.pcs.item(r, 0).text() for r in range(page.pcs.rowCount())]
    assert "STAFFROOM" in pcs and any(name.endswith("(this PC)") for name in pcs)
    assert page.refused.rowCount() == 1
    assert page.refused.item(0, 0).text() == "STAFFROOM"
    assert page.refused.item(0, 1).text() == "bundle-1.json"
    assert "signature does not verify" in page.refused.item(0, 3).text()

    # Put right on the other PC (its bundle written afresh): "Sync now" applies it.
    path.unlink()
    other_pc.sync(shared)
    with qtbot.waitSignal(window.sync.finished, timeout=20_000) as ended:
        page.sync_button.click()
    assert ended.args[0].brought_records
    assert store.staff.count() == len(staff) + 2
    assert page.refused.rowCount() == 0
    assert window.sync.label.text().startswith("Synced ")
    assert "received" in page.last_label.text()


def test_content_loaded_on_another_pc_is_read_here_at_the_start_screen(
        open_staff_window, qtbot, tmp_path, shared, other_pc):
    import shutil

    from holbrook_desktop.app import App
    from tests.conftest import REAL_CONTENT

    new = tmp_path / "new-content"
    shutil.copytree(REAL_CONTENT, new)
    policy = new / "policies" / "social-media" / "policy.md"
    policy.write_text(policy.read_text().replace('version = "2026 edition"', 'version = "2027 edition"'))
    App(REAL_CONTENT, records=other_pc.store).content.install(new)
    other_pc.sync(shared)
    window = open_staff_window()
    assert window.service.content.policies[0].meta.version == "2026 edition"
    _synced(window, qtbot)
    assert window.sync.last.report.content == "installed"
    qtbot.waitUntil(lambda: window.service.content.policies[0].meta.version == "2027 edition", timeout=5_000)
    assert not window.sync.content_waiting


def test_a_closed_window_syncs_and_polls_no_more(open_staff_window, qtbot, shared):
    from PySide6.QtCore import QTimer

    window = open_staff_window()
    _synced(window, qtbot)
    assert window.sync.timer.isActive()
    window.close()
    assert not window.sync.timer.isActive()
    assert not [timer for timer in window.findChildren(QTimer) if timer.isActive()]
