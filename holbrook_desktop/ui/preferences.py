"""Window preferences (zoom, geometry) in an INI file inside the app's data folder only."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings

from holbrook_desktop.core.paths import ensure_private_dir

PREFERENCES_FILE = "preferences.ini"


class Preferences:
    def __init__(self, data_dir: Path) -> None:
        self._data_dir = data_dir
        self._settings: QSettings | None = None

    def _store(self) -> QSettings:
        # Created on first use so that merely opening the window writes nothing.
        if self._settings is None:
            ensure_private_dir(self._data_dir)
            path = str(self._data_dir / PREFERENCES_FILE)
            self._settings = QSettings(path, QSettings.Format.IniFormat)
        return self._settings

    def _exists(self) -> bool:
        return self._settings is not None or (self._data_dir / PREFERENCES_FILE).exists()

    def zoom(self) -> int:
        if not self._exists():
            return 100
        try:
            return int(self._store().value("reader/zoom", 100))
        except (TypeError, ValueError):
            return 100  # a hand-edited file must not stop the window opening

    def set_zoom(self, percent: int) -> None:
        self._store().setValue("reader/zoom", int(percent))
        self._store().sync()

    def geometry(self) -> QByteArray | None:
        if not self._exists():
            return None
        value = self._store().value("window/geometry")
        return value if isinstance(value, QByteArray) else None

    def set_geometry(self, geometry: QByteArray) -> None:
        self._store().setValue("window/geometry", geometry)
        self._store().sync()
