"""Opening the staff records at start-up, and what to tell a person when that cannot be done."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QWidget

if TYPE_CHECKING:
    from holbrook_desktop.app import App
    from holbrook_desktop.core.records import Store

log = logging.getLogger(__name__)


def _tr(text: str) -> str:
    return QCoreApplication.translate("RecordsStartup", text)


@dataclass(frozen=True)
class RecordsOpening:
    store: Store | None
    problem: str | None = None  # why there are no records: shown in the window's status bar
    notice: str | None = None  # something that went well but should be said (a backup restored)


def reading_only_note() -> str:
    return _tr("Reading only: the staff records could not be opened, so reading progress is not "
               "saved. Please tell whoever looks after this PC.")


def open_records(app: App, parent: QWidget | None = None) -> RecordsOpening:
    """The app's records opened, or None after telling the person why (and offering a backup if there
    is one)."""
    # The store pulls in sqlite-utils; only the window's start-up path imports it, here.
    from holbrook_desktop.core.records import (
        DatabaseDamaged,
        DatabaseTooNew,
        DiskFull,
        RecordsMissing,
        StoreError,
    )

    data_dir = app.data_dir
    try:
        return RecordsOpening(app.open_records("window"))
    except DiskFull as exc:  # nothing is wrong with the file: nothing to restore, nothing offered
        log.error("records on a full disk: %s", exc)
        _warn(parent, _tr("The disk is full"),
              _tr("%1\n\nYou can carry on reading; progress will not be saved.").replace("%1", str(exc)))
        return RecordsOpening(None, reading_only_note())
    except RecordsMissing as exc:
        log.error("records missing: %s", exc)
        if not exc.backups:
            _warn(parent, _tr("The staff records are missing"), str(exc), _tr(
                "You can carry on reading, but reading progress will not be saved. Please tell whoever "
                "looks after this PC."))
            return RecordsOpening(None, reading_only_note())
        if not _ask_to_restore(exc, parent, _tr(
                "You can put the newest backup in its place, or carry on reading without saving "
                "progress.")):
            return RecordsOpening(None, reading_only_note())
        return _restore_and_open(app, parent)
    except DatabaseDamaged as exc:
        log.error("records damaged: %s", exc)
        if not exc.backups or not _ask_to_restore(exc, parent, _tr(
                "You can put the newest backup in its place (the damaged file is kept beside it, "
                "renamed), or carry on reading without saving progress.")):
            if not exc.backups:
                _tell_damaged_without_backup(exc, parent)
            return RecordsOpening(None, reading_only_note())
        return _restore_and_open(app, parent)
    except DatabaseTooNew as exc:
        log.error("records too new: %s", exc)
        _warn(parent, _tr("The staff records need a newer version"),
              _tr("%1\n\nYou can carry on reading; progress will not be saved.").replace("%1", str(exc)))
        return RecordsOpening(None, reading_only_note())
    except (StoreError, OSError) as exc:  # e.g. a data folder this account may not create
        log.error("records cannot be opened: %s", exc)
        _warn(parent, _tr("The staff records cannot be opened"),
              _tr("The records in %1 cannot be opened: %2\n\nYou can carry on reading; progress will "
                  "not be saved.").replace("%1", str(data_dir)).replace("%2", str(exc)))
        return RecordsOpening(None, reading_only_note())


def _restore_and_open(app: App, parent: QWidget | None) -> RecordsOpening:
    from holbrook_desktop.core.records import Store, StoreError

    try:
        restored = Store.restore_newest_backup(app.data_dir)
        store = app.open_records("window")
    except (StoreError, OSError) as again:
        log.error("restoring the newest backup failed: %s", again)
        _warn(parent, _tr("The backup could not be restored"),
              _tr("%1\n\nYou can carry on reading; progress will not be saved.").replace(
                  "%1", str(again)))
        return RecordsOpening(None, reading_only_note())
    return RecordsOpening(store, notice=_tr(
        "The staff records were restored from the backup %1. The file it replaced, if any, was kept "
        "beside it, renamed.").replace("%1", restored.name))


def _damage_text(exc) -> str:
    """What is wrong, and always that the file was left as it was."""
    text = str(exc)
    if "been changed" not in text:
        text += " " + _tr("The file has not been changed.")
    return text


def _ask_to_restore(exc, parent: QWidget | None, informative: str) -> bool:
    from PySide6.QtWidgets import QMessageBox  # dialogs cost start-up time only when needed

    box = QMessageBox(QMessageBox.Icon.Warning, _tr("The staff records cannot be opened"),
                      _damage_text(exc), QMessageBox.StandardButton.NoButton, parent)
    box.setInformativeText(informative)
    restore = box.addButton(_tr("Restore the newest backup"), QMessageBox.ButtonRole.AcceptRole)
    carry_on = box.addButton(_tr("Continue without records"), QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(restore)
    box.setEscapeButton(carry_on)
    box.exec()
    return box.clickedButton() is restore


def _tell_damaged_without_backup(exc, parent: QWidget | None) -> None:
    _warn(parent, _tr("The staff records cannot be opened"), _damage_text(exc), _tr(
        "You can carry on reading, but reading progress will not be saved until the records are "
        "repaired. Please tell whoever looks after this PC."))


def _warn(parent: QWidget | None, title: str, text: str, informative: str = "") -> None:
    from PySide6.QtWidgets import QMessageBox

    box = QMessageBox(QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.NoButton, parent)
    if informative:
        box.setInformativeText(informative)
    box.addButton(_tr("Continue reading"), QMessageBox.ButtonRole.AcceptRole)
    box.exec()
