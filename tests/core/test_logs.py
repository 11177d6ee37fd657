"""The log file: where it is, how it rotates, that it is private, and that it never stops the app."""

import logging
import logging.handlers
import os
import stat
import sys

import pytest

from holbrook_desktop.core import logs

log = logging.getLogger("holbrook_desktop.tests")


@pytest.fixture(autouse=True)
def no_log_file_left(monkeypatch):
    monkeypatch.setattr(logs._State, "told", False)  # each test starts with nothing said yet
    yield
    logs.close_log_file()


def _file_handlers() -> list[logging.handlers.RotatingFileHandler]:
    return [h for h in logging.getLogger().handlers if isinstance(h, logging.handlers.RotatingFileHandler)]


def test_the_log_is_written_in_the_data_folders_logs_folder(tmp_path):
    data = tmp_path / "data"
    written = logs.configure_logging(data)
    assert written == data / "logs" / "holbrook.log" == logs.log_file()
    log.info("acknowledgement %d recorded", 42)
    log.debug("not kept: below the file's level")
    (handler,) = _file_handlers()
    handler.flush()
    text = written.read_text(encoding="utf-8")
    assert "INFO holbrook_desktop.tests: acknowledgement 42 recorded" in text
    assert "not kept" not in text
    assert text.splitlines()[-1][:4].isdigit()  # each line starts with the time


def test_it_rotates_at_about_a_megabyte_keeping_five_files_in_utf8(tmp_path):
    logs.configure_logging(tmp_path)
    (handler,) = _file_handlers()
    assert (handler.maxBytes, handler.backupCount) == (1_000_000, 5)
    assert handler.encoding == "utf-8"
    handler.maxBytes = 2_000  # a small file, so that the test rotates quickly
    for n in range(200):
        log.warning("line %d: café ✓", n)
    handler.flush()
    names = sorted(p.name for p in (tmp_path / "logs").iterdir())
    assert names == ["holbrook.log", *(f"holbrook.log.{n}" for n in range(1, 6))]
    assert "café ✓" in (tmp_path / "logs" / "holbrook.log").read_text(encoding="utf-8")


def test_calling_it_twice_adds_no_second_handler(tmp_path):
    first = logs.configure_logging(tmp_path)
    assert logs.configure_logging(tmp_path) == first
    assert len(_file_handlers()) == 1
    elsewhere = logs.configure_logging(tmp_path / "other")  # another data folder: the log moves
    assert elsewhere == logs.log_file() and len(_file_handlers()) == 1


def test_other_handlers_keep_showing_what_they_showed(tmp_path):
    root = logging.getLogger()
    stderr_like = logging.StreamHandler()
    root.addHandler(stderr_like)
    saved = root.level
    root.setLevel(logging.WARNING)
    try:
        logs.configure_logging(tmp_path)
        assert stderr_like.level == logging.WARNING  # INFO still not shown there
        assert root.level == logging.INFO  # the file needs INFO to get through
        logs.close_log_file()
        assert root.level == logging.WARNING and stderr_like.level == logging.NOTSET
    finally:
        root.removeHandler(stderr_like)
        root.setLevel(saved)


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_the_folder_and_the_files_are_private(tmp_path):
    written = logs.configure_logging(tmp_path)
    (handler,) = _file_handlers()
    handler.maxBytes = 500
    for n in range(20):
        log.warning("line %d", n)
    assert stat.S_IMODE((tmp_path / "logs").stat().st_mode) == 0o700
    for path in written.parent.iterdir():  # the first file and those made after a rotation
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path.name


def test_a_folder_it_cannot_make_means_no_file_and_one_note(tmp_path, capsys):
    (tmp_path / "logs").write_text("a file where the folder should be")
    assert logs.configure_logging(tmp_path) is None
    assert logs.configure_logging(tmp_path) is None  # said once, not at each try
    assert logs.log_file() is None and _file_handlers() == []
    told = capsys.readouterr().err
    assert told.count("no log file") == 1 and "carrying on without one" in told


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="POSIX permissions, not as root")
def test_a_read_only_data_folder_means_no_file(tmp_path):
    tmp_path.chmod(0o500)
    try:
        assert logs.configure_logging(tmp_path / "data") is None
    finally:
        tmp_path.chmod(0o700)
    assert logs.log_file() is None and _file_handlers() == []


def test_a_failed_write_is_said_once_and_never_raised(tmp_path, capsys, monkeypatch):
    logs.configure_logging(tmp_path)
    (handler,) = _file_handlers()

    def full_disk(_record):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(handler, "shouldRollover", full_disk)
    log.warning("first")
    log.warning("second")
    assert capsys.readouterr().err.count("could not write to the log file") == 1


def test_no_stderr_at_all_is_fine(tmp_path, monkeypatch):
    monkeypatch.setattr(sys, "stderr", None)  # the windowed Windows executable
    assert logs.configure_logging(tmp_path / "a file" / "inside") is not None
    (tmp_path / "blocked").write_text("a file where the folder should be")
    logs.close_log_file()
    assert logs.configure_logging(tmp_path / "blocked") is None


# The command line ----------------------------------------------------------------------------

def test_a_command_that_only_reads_the_content_makes_no_data_folder(tmp_path, capsys):
    from holbrook_desktop.cli import main

    data = tmp_path / "data"
    assert main(["--data-dir", str(data), "content", "check"]) == 0
    assert not data.exists() and logs.log_file() is None


def test_a_command_on_the_records_logs_numbers_and_actions_not_names(tmp_path, capsys):
    from holbrook_desktop.cli import main

    data = tmp_path / "data"
    assert main(["--data-dir", str(data), "staff", "add", "--name", "Siân O’Brien", "--role", "teacher"]) == 0
    assert logs.log_file() == data / "logs" / "holbrook.log"
    for handler in _file_handlers():
        handler.flush()
    text = logs.log_file().read_text(encoding="utf-8")
    assert "applied migration 1" in text and "records opened" in text
    assert "Siân" not in text and "O’Brien" not in text
    assert "INFO" not in capsys.readouterr().err  # stderr shows what it showed before
