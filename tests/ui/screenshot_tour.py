"""Walks the real window through the screens a person sees and saves each as a PNG, with a report of
text that does not fit (a clipped label or button) and of a window that cannot fit the screen.

Run by tests/ui/test_screenshots.py under Xvfb with the xcb platform, a real window as on a school
PC; run it by hand to look at the screens:

    python -m tests.ui.screenshot_tour OUT_DIR [--zoom 200] [--theme dark]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from PySide6.QtCore import QSize, QTimer
from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel, QSizePolicy, QWidget

REPO = Path(__file__).resolve().parents[2]
SECRET = "Screenshot-Tour-2026"
NEWCOMER = "Amira Khan"


def layout_problems(window: QWidget, screen: QSize) -> list[str]:
    """Text cut short: a label or button narrower than its text needs, or a window the screen can't hold."""
    problems = []
    for widget in window.findChildren(QWidget):
        if not widget.isVisible() or widget.width() <= 0:
            continue
        if isinstance(widget, QLabel):
            elides = widget.sizePolicy().horizontalPolicy() == QSizePolicy.Policy.Ignored  # tooltip has it
            if widget.wordWrap() or elides or not widget.text() or widget.pixmap() is not None:
                continue
            needed = widget.fontMetrics().horizontalAdvance(_plain(widget.text())) + 2 * widget.margin()
            if needed > widget.contentsRect().width() + 2:
                problems.append(f"label {widget.text()[:60]!r} needs {needed}px, has {widget.width()}px")
        elif (isinstance(widget, QAbstractButton) and widget.text()
              and widget.sizeHint().width() > widget.width() + 2):
            problems.append(f"button {widget.text()!r} needs {widget.sizeHint().width()}px, "
                            f"has {widget.width()}px")
    needed = window.minimumSizeHint()
    if needed.width() > screen.width() or needed.height() > screen.height():
        problems.append(f"window needs at least {needed.width()}×{needed.height()}, "
                        f"screen has {screen.width()}×{screen.height()}")
    return problems


def _plain(text: str) -> str:
    if "<" in text:
        from PySide6.QtGui import QTextDocument

        document = QTextDocument()
        document.setHtml(text)
        return document.toPlainText()
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&")


class Tour:
    def __init__(self, out: Path, data_dir: Path, zoom: int, size: QSize) -> None:
        from holbrook_desktop.app import App
        from holbrook_desktop.core.admin.password import AdminPassword
        from holbrook_desktop.core.identity import Actor
        from holbrook_desktop.core.records import NewStaffMember, Store
        from holbrook_desktop.ui.main_window import MainWindow
        from holbrook_desktop.ui.preferences import Preferences

        self.out = out
        self.report: dict[str, list[str]] = {}
        self.store = Store.open(data_dir, Actor("screenshots", "window"))
        password = AdminPassword(self.store.settings)
        if not password.is_set():
            password.set_first(SECRET)
        self.service = App(REPO / "content", records=self.store, seconds_for=lambda _w: 0.2)
        today = datetime.now(UTC).date()
        self.newcomer = self.service.hr.add_staff(NewStaffMember(NEWCOMER, "teacher", today))
        preferences = Preferences(data_dir)
        preferences.set_zoom(zoom)
        self.window = MainWindow(self.service, preferences)
        # Xvfb has no window manager to maximise it: sized by hand, as a maximised window on that screen.
        self.size = size
        self.window.setGeometry(0, 0, size.width(), size.height())
        self.window.show()

    def changed_content(self) -> Path:
        """A copy of the content with a new version that rewords two clauses, as an update would."""
        import shutil

        folder = Path(tempfile.mkdtemp()) / "content"
        shutil.copytree(REPO / "content", folder)
        policy_file = folder / "policies" / "social-media" / "policy.md"
        text = policy_file.read_text(encoding="utf-8")
        text = text.replace('version = "2026 edition"', 'version = "2026 edition, revised"', 1)
        text = text.replace("5.6 Staff members must decline", "5.6 Staff must always decline")
        text = text.replace("You must not engage in activities involving social media which might bring",
                            "You must never take part in anything on social media that might bring")
        policy_file.write_text(text, encoding="utf-8")
        return folder

    def shoot(self, name: str) -> None:
        app = QApplication.instance()
        for _ in range(5):
            app.processEvents()
        self.window.grab().save(str(self.out / f"{name}.png"))
        self.report[name] = layout_problems(self.window, self.size)

    def run(self) -> dict[str, list[str]]:
        window, service = self.window, self.service
        self.shoot("1-start-screen")

        policy = service.content.policies[0]
        self.store.policy_versions.record_seen(policy)
        progress = self.store.progress_for(self.newcomer.id)
        from holbrook_desktop.core.reading.progress import SectionKey

        for section in list(policy.reading_sections())[:4]:
            progress.mark_read(SectionKey(policy.id, policy.sha256, section.number), datetime.now(UTC))
        window.sign_in(self.newcomer.id)
        target = service.content.locate(f"{policy.id}/5.2")
        if target is not None:
            window.show_location(target)
        self.shoot("2-reader")

        for section in policy.reading_sections():
            progress.mark_read(SectionKey(policy.id, policy.sha256, section.number), datetime.now(UTC))
        window.switch_person()
        window.sign_in(self.newcomer.id)
        window.take_quiz()
        self.shoot("3-quiz")

        window.switch_person()
        service.sign_in(self.newcomer.id)
        session = service.quiz.start(policy.id, "induction", seed=3)
        for index, presented in enumerate(session.questions):
            session.answer(index, presented.correct_answer())
        session.finish()
        service.sign_out()
        window.sign_in(self.newcomer.id)
        window.acknowledge_policy(policy.id)
        self.shoot("4-acknowledgement")

        # "My record" after acknowledging; then "What changed" once a new version is in use.
        window.switch_person()
        service.sign_in(self.newcomer.id)
        service.attestation.acknowledge(policy.id, typed_name=NEWCOMER, declared=True, signature=None)
        service.sign_out()
        window.sign_in(self.newcomer.id)
        window.quiz_controller.show_my_record()
        self.shoot("6-my-record")
        window.switch_person()
        changed = self.changed_content()
        service.content.reload(changed)
        window.content_reloaded()
        window.sign_in(self.newcomer.id)
        window.quiz_controller.show_my_record()
        self.shoot("7-what-changed")

        window.switch_person()
        dialog = window.admin.open_admin()
        dialog.current.setText(SECRET)
        dialog.submit()
        self.shoot("5-admin-table")
        view = window.admin.view
        next(iter(view.table.count_buttons.values())).click()  # a filter pressed: it looks pressed
        self.shoot("8-admin-filter-pressed")
        view.table.view.selectRow(0)
        self.shoot_dialog("9-edit-person", view.edit_staff_dialog())
        self.shoot_dialog("10-erase-dialog", self._erase_dialog(view))
        self._several_pcs(view)
        window.admin.lock()
        return self.report

    def _erase_dialog(self, view):
        """Two leavers past the retention period, one of them active after leaving (not erased)."""
        from datetime import date

        from holbrook_desktop.core.records import NewStaffMember

        active = next(s.member for s in view.table.model.statuses() if not s.member.leaving_date)
        quiet = self.service.hr.add_staff(NewStaffMember("Hywel Pryce-Jones", "lunchtime", date(2019, 9, 2)))
        self.service.admin.set_retention_years(1)
        for member in (active, quiet):
            self.store.staff.mark_leaver(member.id, date(2025, 1, 31))
        dialog = view.retention_dialog()
        if dialog is not None:
            dialog.word.setText("era")
        return dialog

    def _several_pcs(self, view) -> None:
        """HR's PC with the school's certificate, two join files made and one PC revoked."""
        view.tabs.setCurrentWidget(view.sync_page)
        group = view.sync_page.school
        group.create(SECRET, "Office")
        folder = Path(tempfile.mkdtemp())
        group.make_join_file(SECRET, "Laptop 3", folder / "laptop-3.holbrook-join")
        group.revoke(SECRET, "Laptop 3", "lost")
        group.make_join_file(SECRET, "Staff room", folder / "staff-room.holbrook-join")
        self.shoot("11-several-pcs")

    def shoot_dialog(self, name: str, dialog) -> None:
        if dialog is None:
            self.report[name] = ["no dialog"]
            return
        app = QApplication.instance()
        for _ in range(5):
            app.processEvents()
        dialog.grab().save(str(self.out / f"{name}.png"))
        self.report[name] = layout_problems(dialog, dialog.size())
        dialog.reject()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--zoom", type=int, default=100, help="the reader's text size, per cent")
    parser.add_argument("--theme", help="light, dark or high-contrast (HOLBROOK_THEME)")
    parser.add_argument("--size", default="1366x768", help="the window, in logical pixels (1366x768)")
    parser.add_argument("--demo-staff", type=int, default=40, help="the sample school's size")
    parser.add_argument("--text", type=int, default=100, help="the system's text size, per cent")
    args = parser.parse_args(argv)
    if args.theme:
        os.environ["HOLBROOK_THEME"] = args.theme
    args.out.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    if args.text != 100:  # as a system text-size setting: every font grows, not the pixels
        font = app.font()
        font.setPointSizeF(font.pointSizeF() * args.text / 100)
        app.setFont(font)
    _apply_theme(app)
    with tempfile.TemporaryDirectory() as folder:
        from holbrook_desktop.core.demo import build_demo

        data_dir = Path(folder) / "data"
        build_demo(data_dir, REPO / "content", staff=args.demo_staff)
        width, height = (int(n) for n in args.size.split("x"))
        tour = Tour(args.out, data_dir, args.zoom, QSize(width, height))
        result: dict[str, list[str]] = {}

        def go() -> None:
            try:
                result.update(tour.run())
            finally:
                tour.window.close()
                tour.store.close()
                app.quit()

        QTimer.singleShot(0, go)
        app.exec()
    (args.out / "report.json").write_text(json.dumps(result, indent=2, ensure_ascii=False), encoding="utf-8")
    print(json.dumps(result, ensure_ascii=False))
    return 0 if result else 1


def _apply_theme(app: QApplication) -> None:
    try:
        from holbrook_desktop.ui.theme import apply_theme
    except ImportError:
        return
    apply_theme(app)


if __name__ == "__main__":
    sys.exit(main())
