"""Windows never larger than the screen they open on (small laptops, a taskbar, 150 % or 200 % scaling)."""

from __future__ import annotations

from typing import ClassVar

from PySide6.QtCore import QEvent, QObject, QRect, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QDialog, QFrame, QScrollArea, QWidget


def available_area(widget: QWidget) -> QRect:
    """The screen's area less taskbars and docks, in the logical pixels Qt lays out in."""
    screen = widget.screen() or QGuiApplication.primaryScreen()
    return screen.availableGeometry() if screen is not None else QRect(0, 0, 1024, 768)


def fit_to_screen(window: QWidget) -> None:
    """Also makes every dialog shown later fit the screen (see DialogFit).

    Shrink a window (its frame included, roughly) to the available area and move it onto it. If even
    its minimum size will not fit, it opens maximised: the layouts scroll inside."""
    DialogFit.install()
    area = available_area(window)
    frame_extra = 40  # a title bar and borders the frame adds, before the window is shown
    width = min(window.width(), area.width())
    height = min(window.height(), area.height() - frame_extra)
    minimum = window.minimumSizeHint().expandedTo(window.minimumSize())
    if minimum.width() > area.width() or minimum.height() > area.height() - frame_extra:
        window.setMinimumSize(0, 0)
        window.resize(width, height)
        window.setWindowState(window.windowState() | Qt.WindowState.WindowMaximized)
        return
    window.resize(width, height)
    x = min(max(window.x(), area.left()), area.right() - width + 1)
    y = min(max(window.y(), area.top()), area.bottom() - height - frame_extra + 1)
    window.move(x, y)


def scrolling(content: QWidget) -> QScrollArea:
    """`content` in a frameless scroll area: when the window is smaller than the page needs (a small
    screen, large text), the page scrolls instead of pushing its buttons out of reach."""
    area = QScrollArea(content.parentWidget())
    area.setWidget(content)
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the controls inside take the keyboard
    return area


class DialogFit(QObject):
    """Watches the application: a dialog that would open taller or wider than the screen's free area
    is shrunk to it (its lists and text boxes then scroll) and moved onto the screen."""

    _installed: ClassVar[list[DialogFit]] = []

    @classmethod
    def install(cls) -> None:
        app = QApplication.instance()
        if app is not None and not cls._installed:
            cls._installed.append(cls(app))
            app.installEventFilter(cls._installed[0])

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Show and isinstance(watched, QDialog) and watched.isWindow():
            area = available_area(watched)
            if watched.width() > area.width() or watched.height() > area.height() - 40:
                watched.resize(min(watched.width(), area.width()), min(watched.height(), area.height() - 40))
                watched.move(max(area.left(), min(watched.x(), area.right() - watched.width())),
                             max(area.top(), min(watched.y(), area.bottom() - watched.height() - 40)))
        return False
