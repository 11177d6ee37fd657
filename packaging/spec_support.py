"""Helpers for holbrook.spec, kept out of the spec so that tests can import them without PyInstaller."""

from __future__ import annotations

import os
import re
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BUNDLE_NAME = "holbrook"  # dist/holbrook/: the folder the Windows installer takes
CONSOLE_EXE = "holbrook"  # the command line (and the window, when run with no command)
WINDOWED_EXE = "Holbrook Staff Handbook"  # Windows only: the Start-menu shortcut, no console window

# Qt and standard-library parts the app never imports; leaving them out keeps the folder small.
EXCLUDES = [
    "tkinter", "_tkinter", "unittest", "pydoc", "test", "IPython", "matplotlib", "numpy",
    # openpyxl's optional faster XML (9 MB); it falls back to the standard library. (aiohttp stays:
    # pyhanko-certvalidator's ValidationContext makes its default fetcher with it, even offline.)
    "lxml",
    "PySide6.QtNetwork", "PySide6.QtQml", "PySide6.QtQuick", "PySide6.QtQuickWidgets",
    "PySide6.QtQuickControls2", "PySide6.QtWebEngineCore", "PySide6.QtWebEngineWidgets",
    "PySide6.QtWebChannel", "PySide6.QtWebSockets", "PySide6.Qt3DCore", "PySide6.Qt3DRender",
    "PySide6.QtMultimedia", "PySide6.QtMultimediaWidgets", "PySide6.QtSql", "PySide6.QtTest",
    "PySide6.QtDBus", "PySide6.QtOpenGL", "PySide6.QtOpenGLWidgets", "PySide6.QtDesigner",
    "PySide6.QtHelp", "PySide6.QtUiTools", "PySide6.QtXml", "PySide6.QtConcurrent",
    "PySide6.QtNetworkAuth", "PySide6.QtBluetooth", "PySide6.QtPositioning", "PySide6.QtCharts",
    "PySide6.QtDataVisualization", "PySide6.QtStateMachine", "PySide6.QtSerialPort",
]




def is_qt_translation(dest: str) -> bool:
    """Qt's own translations (7 MB): left out so that every dialog speaks the app's UK English,
    not a mix of it and the PC's language."""
    return Path(dest).as_posix().startswith("PySide6/Qt/translations/")


def app_version(repo: Path = REPO) -> str:
    """holbrook_desktop.__version__, read from the source so the spec needs no import of the app."""
    text = (repo / "holbrook_desktop" / "__init__.py").read_text(encoding="utf-8")
    found = re.search(r'^__version__\s*=\s*["\']([^"\']+)["\']', text, re.MULTILINE)
    if not found:
        raise ValueError("no __version__ in holbrook_desktop/__init__.py")
    return found.group(1)


def version_numbers(version: str) -> tuple[int, int, int, int]:
    """Four numbers for Windows' fixed file version: '1.2.3rc1' → (1, 2, 3, 0)."""
    numbers = [int(part) for part in re.findall(r"\d+", version.split("+")[0])[:3]]
    return (*numbers, *[0] * (4 - len(numbers)))  # type: ignore[return-value]


def windows_version_info(version: str, exe_name: str):
    """The Windows version resource (Properties → Details) for one executable."""
    from PyInstaller.utils.win32 import versioninfo as vi

    numbers = version_numbers(version)
    strings = {
        "CompanyName": "Holbrook Primary School", "FileDescription": "Holbrook Staff Handbook",
        "FileVersion": version, "InternalName": exe_name, "OriginalFilename": f"{exe_name}.exe",
        "ProductName": "Holbrook Staff Handbook", "ProductVersion": version,
        "LegalCopyright": "MIT licence",
    }
    table = vi.StringTable("080904B0", [vi.StringStruct(key, value) for key, value in strings.items()])
    return vi.VSVersionInfo(
        ffi=vi.FixedFileInfo(filevers=numbers, prodvers=numbers),
        kids=[vi.StringFileInfo([table]),
              vi.VarFileInfo([vi.VarStruct("Translation", [0x0809, 1200])])],  # UK English, Unicode
    )


ICON_SIZES = (16, 24, 32, 48, 64, 128, 256)


def make_windows_icon(svg: Path, ico: Path) -> Path:
    """A multi-size .ico from the app's SVG icon (QtSvg draws it; Pillow writes the .ico)."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from io import BytesIO

    from PIL import Image
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    _app = QGuiApplication.instance() or QGuiApplication([])
    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise ValueError(f"{svg} is not an SVG Qt can draw")
    largest = max(ICON_SIZES)
    image = QImage(largest, largest, QImage.Format.Format_ARGB32)
    image.fill(0)
    painter = QPainter(image)
    renderer.render(painter)
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    buffer.close()
    ico.parent.mkdir(parents=True, exist_ok=True)
    Image.open(BytesIO(bytes(data))).save(ico, format="ICO", sizes=[(s, s) for s in ICON_SIZES])
    return ico
