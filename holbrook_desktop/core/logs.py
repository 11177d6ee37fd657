"""The app's log file: holbrook.log in the data folder's logs/ folder, rotated, readable by this account only.

What goes in: record numbers, actions and errors; never a person's name or what they typed."""

from __future__ import annotations

import contextlib
import functools
import logging
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from holbrook_desktop import APP_NAME, __version__
from holbrook_desktop.core.paths import ensure_private_dir

if TYPE_CHECKING:
    import logging.handlers

LOGS_FOLDER = "logs"
LOG_FILE = "holbrook.log"
MAX_BYTES = 1_000_000
BACKUP_COUNT = 5  # holbrook.log.1 … .5: about 6 MB at most
FILE_LEVEL = logging.INFO
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

log = logging.getLogger(__name__)


@functools.cache
def _handler_class() -> type[logging.handlers.RotatingFileHandler]:
    # logging.handlers pulls in socket and pickle (a few milliseconds): loaded when a log is opened,
    # not by every module that asks where the log is.
    from logging.handlers import RotatingFileHandler

    class PrivateRotatingFileHandler(RotatingFileHandler):
        """Each file it opens (the first, and each new one after a rotation) is private to this
        account; a failed write (a full disk, a file another process is rotating) is said once on
        stderr, not every time, and never raised."""

        def _open(self):
            descriptor = os.open(self.baseFilename, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
            return open(descriptor, self.mode, encoding=self.encoding, errors=self.errors)

        def handleError(self, record: logging.LogRecord) -> None:
            _say_once(f"holbrook: could not write to the log file {self.baseFilename}; "
                      "carrying on without it")

    return PrivateRotatingFileHandler


class _State:
    handler: logging.FileHandler | None = None
    # What configure_logging changed on the root logger, so that close_log_file can put it back.
    root_level: int | None = None
    pinned: list[logging.Handler] = []  # noqa: RUF012 (one list for the process)
    told = False


def _say_once(message: str) -> None:
    if _State.told:
        return
    _State.told = True
    stream = sys.stderr  # None in the windowed Windows executable: then there is nobody to tell
    if stream is not None:
        with contextlib.suppress(OSError, ValueError):
            print(message, file=stream)


def log_file() -> Path | None:
    """The file being written now, or None when the app is not logging to a file."""
    return Path(_State.handler.baseFilename) if _State.handler is not None else None


def log_path(data_dir: Path) -> Path:
    return data_dir / LOGS_FOLDER / LOG_FILE


def configure_logging(data_dir: Path) -> Path | None:
    """Log to holbrook.log in `data_dir`/logs (made private if new); returns the file, or None when
    it cannot be written (a read-only folder, a full disk), after saying so once on stderr.

    Calling it again adds no second handler (another data folder moves the log there). What the
    other handlers show (the command line's stderr) stays as it was: only the file gets INFO."""
    target = log_path(data_dir)
    current = _State.handler
    if current is not None and current.baseFilename == os.path.abspath(target):
        return target
    try:
        ensure_private_dir(target.parent)
        handler = _handler_class()(str(target), maxBytes=MAX_BYTES, backupCount=BACKUP_COUNT,
                                             encoding="utf-8")
        if os.name == "posix":
            os.chmod(target, 0o600)  # a file left by an older version, or copied in, made private too
    except (OSError, ValueError) as exc:
        _say_once(f"holbrook: no log file ({target}: {getattr(exc, 'strerror', None) or exc}); "
                  "carrying on without one")
        return None
    handler.setLevel(FILE_LEVEL)
    handler.setFormatter(logging.Formatter(FORMAT))
    close_log_file()
    _attach(handler)
    log.info("log opened: %s %s, process %d", APP_NAME, __version__, os.getpid())
    return target


def _attach(handler: logging.FileHandler) -> None:
    root = logging.getLogger()
    if root.getEffectiveLevel() > FILE_LEVEL:
        # The root must let INFO through for the file; handlers already there keep showing only
        # what they showed before (the command line's stderr stays at WARNING unless -v).
        _State.root_level = root.level
        for other in root.handlers:
            if other.level == logging.NOTSET:
                other.setLevel(root.getEffectiveLevel())
                _State.pinned.append(other)
        root.setLevel(FILE_LEVEL)
    root.addHandler(handler)
    _State.handler = handler


def close_log_file() -> None:
    """Stop logging to the file, and put the root logger back as configure_logging found it."""
    handler, _State.handler = _State.handler, None
    if handler is None:
        return
    root = logging.getLogger()
    root.removeHandler(handler)
    handler.close()
    if _State.root_level is not None:
        root.setLevel(_State.root_level)
        _State.root_level = None
    for other in _State.pinned:
        other.setLevel(logging.NOTSET)
    _State.pinned = []
