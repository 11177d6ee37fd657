"""`holbrook --self-test`: prove an installation (or a fresh PyInstaller bundle) works, end to end.

Each check uses the same code the app uses, so a library the bundle lacks (a hidden import, a data
file) fails here, on the build machine, rather than on a teacher's PC. Everything is written to a
temporary folder that is removed afterwards; the real data folder is never opened.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

from holbrook_desktop import APP_NAME, __version__
from holbrook_desktop.core import paths

EXIT_OK, EXIT_FAILED = 0, 1

# Plain files the window and the attestation PDF read from resources/.
REQUIRED_RESOURCES = (
    ("fonts", "DejaVuSans.ttf"),
    ("fonts", "DejaVuSans-Bold.ttf"),
    ("icons", "holbrook.svg"),
    ("icons", "section-read.svg"),
    ("icons", "section-unread.svg"),
    ("reader.css",),
    ("school-logo.png",),
)
SELF_TEST_PASSWORD = "self-test pass phrase"  # stored only in the temporary database
WINDOW_SIZE = (1000, 700)
MIN_COLOURS = 8  # a drawn window has text, lines and a background; a blank one has one or two


class CheckFailed(Exception):
    """A check that ran and found something wrong; the message says what."""


class _SelfTest:
    """The checks in order; later ones use what earlier ones made (the service, the records)."""

    def __init__(self, args: argparse.Namespace, workspace: Path) -> None:
        self.args = args
        self.workspace = workspace
        self.service: Any = None
        self.store: Any = None
        self.member: Any = None
        self.window: Any = None

    def checks(self) -> list[tuple[str, Callable[[], str]]]:
        return [
            ("resources", self.resources),
            ("content", self.content),
            ("quiz banks", self.quiz_banks),
            ("records", self.records),
            ("admin password", self.admin_password),
            ("attestation", self.attestation),
            ("export", self.export),
            ("window", self.window_drawn),
        ]

    def resources(self) -> str:
        folder = paths.resources_dir()
        missing = [str(Path(*parts)) for parts in REQUIRED_RESOURCES
                   if not paths.resource_path(*parts).is_file()]
        if missing:
            raise CheckFailed(f"missing from {folder}: {', '.join(missing)}")
        from reportlab.pdfbase.ttfonts import TTFont  # the PDF's fonts must load, not just exist

        for name in ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf"):
            TTFont(name, str(paths.resource_path("fonts", name)))
        return f"{len(REQUIRED_RESOURCES)} files in {folder}"

    def content(self) -> str:
        from holbrook_desktop.app import open_app
        from holbrook_desktop.core.content.diagnostics import Severity

        folder = paths.content_dir(self.args.content)
        if not folder.is_dir():
            raise CheckFailed(f"content folder not found: {folder}")
        self.service = open_app(folder, self.workspace / "data")
        errors = [d for d in self.service.content.diagnostics if d.severity is Severity.ERROR]
        if errors:
            raise CheckFailed(f"{len(errors)} errors in {folder}, the first: {errors[0]}")
        policies = self.service.content.policies
        if not policies:
            raise CheckFailed(f"no policy in {folder}")
        clauses = sum(1 for policy in policies for _clause in policy.clauses())
        return f"{_count(len(policies), 'policy', 'policies')}, {_count(clauses, 'clause')} in {folder}"

    def quiz_banks(self) -> str:
        from holbrook_desktop.core.content.diagnostics import Severity

        banks = self.service.quiz.banks  # reading the banks adds their problems to the diagnostics
        errors = [d for d in self.service.content.diagnostics if d.severity is Severity.ERROR]
        if errors:
            raise CheckFailed(f"{len(errors)} errors, the first: {errors[0]}")
        questions = sum(len(bank.questions) for bank in banks.values())
        if not questions:
            raise CheckFailed("no quiz questions found")
        return f"{_count(len(banks), 'bank')}, {_count(questions, 'question')}"

    def records(self) -> str:
        from holbrook_desktop.core.records import NewStaffMember

        self.store = self.service.open_records("self-test")
        self.member = self.service.hr.add_staff(NewStaffMember("Self Test", "teacher", date.today()))
        report = self.store.verify_audit()
        if not report.ok:
            raise CheckFailed(f"audit log broken at row {report.first_bad_row}: {report.problem}")
        return (f"temporary database opened, a member of staff added, "
                f"audit log intact ({_count(report.rows, 'row')})")

    def admin_password(self) -> str:
        password = self.service.admin.password()
        password.set_first(SELF_TEST_PASSWORD)
        if not password.check(SELF_TEST_PASSWORD).ok:
            raise CheckFailed("the password just set was refused")
        if password.check(SELF_TEST_PASSWORD + "!").ok:
            raise CheckFailed("a wrong password was accepted")
        return "Argon2 hash set and checked"

    def attestation(self) -> str:
        policy = self.service.content.policies[0]
        record = self.service.attestation.acknowledge_on_behalf(self.member.id, policy.id,
                                                                note="installation self-test")
        pdf = self.service.attestation.pdf(record)
        check = self.service.attestation.verify(pdf)
        if not check.ok:
            raise CheckFailed("; ".join(check.problems))
        return f"signed PDF made and verified ({len(pdf) // 1024} KB)"

    def export(self) -> str:
        from holbrook_desktop.core.hr.exports import write_csv, write_xlsx

        rows = self.service.hr.acknowledgement_rows(self.service.hr.statuses())
        xlsx, csv = self.workspace / "export.xlsx", self.workspace / "export.csv"
        written = write_xlsx(rows, xlsx)
        write_csv(rows, csv)
        if not written or xlsx.stat().st_size == 0:
            raise CheckFailed("the XLSX export wrote nothing")
        return f"{_count(written, 'row')} to XLSX and CSV"

    def window_drawn(self) -> str:
        # A build machine has no screen: draw off screen unless told otherwise.
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        from PySide6.QtGui import QIcon
        from PySide6.QtWidgets import QApplication

        from holbrook_desktop.ui.main_window import MainWindow
        from holbrook_desktop.ui.preferences import Preferences

        app = QApplication.instance() or QApplication(sys.argv[:1])
        app.setApplicationName(APP_NAME)
        app.setWindowIcon(QIcon(str(paths.resource_path("icons", "holbrook.svg"))))
        self.window = MainWindow(self.service, Preferences(self.workspace / "data"))
        self.window.resize(*WINDOW_SIZE)
        self.window.show()
        deadline = time.monotonic() + 2
        while time.monotonic() < deadline and not self.window.isVisible():
            app.processEvents()
        for _ in range(5):
            app.processEvents()
        image = self.window.grab().toImage()
        if image.isNull() or image.width() == 0 or image.height() == 0:
            raise CheckFailed("the window could not be drawn (empty image)")
        colours = _colours(image)
        if colours < MIN_COLOURS:
            raise CheckFailed(f"the window drew as a blank area ({_count(colours, 'colour')}) "
                              f"on the '{app.platformName()}' platform")
        return f"main window drawn {image.width()}×{image.height()}, {colours} colours ({app.platformName()})"

    def close(self) -> None:
        if self.window is not None:
            self.window.close()
            self.window.deleteLater()
            self.window = None
        if self.store is not None:
            self.store.close()  # before the temporary folder goes (Windows will not delete an open file)
            self.store = None


def _colours(image) -> int:
    """Distinct colours on a grid of sample points (enough to tell a drawn window from a blank one)."""
    step_x, step_y = max(1, image.width() // 80), max(1, image.height() // 60)
    return len({image.pixel(x, y) for x in range(0, image.width(), step_x)
                for y in range(0, image.height(), step_y)})


def _count(number: int, singular: str, plural: str | None = None) -> str:
    return f"{number} {singular if number == 1 else (plural or singular + 's')}"


@contextlib.contextmanager
def _workspace() -> Iterator[Path]:
    # ignore_cleanup_errors: a file Windows still holds must not turn a passing test into a failure.
    with tempfile.TemporaryDirectory(prefix="holbrook-self-test-", ignore_cleanup_errors=True) as folder:
        yield Path(folder)


def run_self_test(args: argparse.Namespace) -> int:
    """Run every check, one line each on stderr; 0 if all pass, 1 at the first that fails."""
    started = time.monotonic()
    _say(f"{APP_NAME} {__version__} self-test ({'bundled' if getattr(sys, 'frozen', False) else 'Python'} "
         f"{sys.version.split()[0]}, {sys.platform})")
    with _workspace() as workspace:
        test = _SelfTest(args, workspace)
        try:
            for name, check in test.checks():
                began = time.monotonic()
                try:
                    message = check()
                except CheckFailed as exc:
                    return _failed(name, str(exc))
                except Exception as exc:  # a missing module or data file in a bundle lands here
                    if getattr(args, "verbose", False):
                        traceback.print_exc()
                    return _failed(name, f"{type(exc).__name__}: {exc}")
                _say(f"ok    {name}: {message} [{time.monotonic() - began:.2f} s]")
        finally:
            test.close()
    _say(f"self-test passed in {time.monotonic() - started:.1f} s")
    return EXIT_OK


def _failed(name: str, message: str) -> int:
    _say(f"FAIL  {name}: {message}")
    _say(f"self-test failed: {name}")
    return EXIT_FAILED


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)
