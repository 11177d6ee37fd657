"""Window preferences (zoom, geometry) in an INI file inside the app's data folder only."""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings

from holbrook_desktop.core.paths import ensure_private_dir

log = logging.getLogger(__name__)
PREFERENCES_FILE = "preferences.ini"


class Preferences:
    """Read lazily and written on change; if the folder cannot be written, kept for the session."""

    def __init__(self, data_dir: Path) -> None:
        self._data_dir = data_dir
        self._settings: QSettings | None = None
        self._session_only: dict[str, object] = {}
        self._writable = True

    def _store(self) -> QSettings | None:
        if self._settings is None and self._writable:
            # Created on first save so that merely opening the window writes nothing.
            try:
                ensure_private_dir(self._data_dir)
            except OSError as exc:
                log.warning("preferences kept for this session only: cannot create %s (%s)",
                            self._data_dir, exc.strerror or exc)
                self._writable = False
                return None
            self._settings = QSettings(str(self._data_dir / PREFERENCES_FILE), QSettings.Format.IniFormat)
        return self._settings

    def _get(self, key: str) -> object:
        if key in self._session_only:
            return self._session_only[key]
        if self._settings is None and not (self._data_dir / PREFERENCES_FILE).is_file():
            return None
        store = self._store()
        return store.value(key) if store is not None else None

    def _set(self, key: str, value: object) -> None:
        store = self._store()
        if store is None:
            self._session_only[key] = value
            return
        store.setValue(key, value)
        store.sync()
        if store.status() != QSettings.Status.NoError:
            log.warning("could not save preferences to %s", store.fileName())
            self._session_only[key] = value

    def zoom(self) -> int:
        try:
            return int(self._get("reader/zoom") or 100)
        except (TypeError, ValueError):
            return 100  # a hand-edited file must not stop the window opening

    def set_zoom(self, percent: int) -> None:
        self._set("reader/zoom", int(percent))

    def geometry(self) -> QByteArray | None:
        value = self._get("window/geometry")
        return value if isinstance(value, QByteArray) else None

    def set_geometry(self, geometry: QByteArray) -> None:
        self._set("window/geometry", geometry)
