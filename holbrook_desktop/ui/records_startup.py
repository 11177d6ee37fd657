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
        store = app.open_records("window")
        return RecordsOpening(store, notice=_recover_unrecorded(app, parent, restored=None))
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


def restore_newest_and_open(app: App, parent: QWidget | None) -> RecordsOpening:
    """The newest backup put in place and the records opened again, with the signed PDFs a restore
    left off the record put back (also used when damage is met while the window runs)."""
    return _restore_and_open(app, parent)


def damage_text(exc) -> str:
    return _damage_text(exc)


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
    notice = _tr("The staff records were restored from the backup %1. The file it replaced, if any, was "
                 "kept beside it, renamed.").replace("%1", restored.name)
    return RecordsOpening(store, notice=_recover_unrecorded(app, parent, restored=notice))


def _recover_unrecorded(app: App, parent: QWidget | None, restored: str | None) -> str | None:
    """Signed PDFs that no record names (acknowledgements made after the backup now in place, whether
    the app restored it or someone copied it by hand) are put back on record at once, never left to
    be found missing: the notice says how many; a PDF that could not be used is named to the person
    too (in a message right after a restore; at other starts in the status bar only, not a message at
    every start). Costs a directory listing when there are none."""
    try:
        if not app.attestation.unrecorded_pdfs():
            return restored
        report = app.attestation.recover()
    except Exception:  # the records are open and usable: a failed recovery is logged, not fatal
        log.exception("recovering acknowledgements from their signed PDFs failed")
        return restored
    parts = [restored] if restored else []
    if report.recovered:
        count = len(report.recovered)
        parts.append(_tr("1 acknowledgement missing from the records (made after the backup now in use) "
                          "was put back from its signed PDF.") if count == 1 else
                      _tr("%1 acknowledgements missing from the records (made after the backup now in use) "
                          "were put back from their signed PDFs.").replace("%1", str(count)))
    if report.refused:
        names = "\n".join(f"{r.pdf_file}: {r.reason}" for r in report.refused)
        log.error("signed PDFs not recovered:\n%s", names)
        if restored:
            _warn(parent, _tr("Some signed attestations are not on record"),
                  _tr("%1 signed PDFs in the data folder are on no record and could not be put back:\n\n%2")
                  .replace("%1", str(len(report.refused))).replace("%2", names),
                  _tr("They are kept as they are. Please tell whoever looks after this PC ('holbrook "
                      "audit verify' names them)."))
        parts.append(_tr("%1 signed PDFs could not be put back on record.").replace(
            "%1", str(len(report.refused))))
    return " ".join(parts) or None


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
