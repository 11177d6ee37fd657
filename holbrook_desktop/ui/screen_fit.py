"""Windows never larger than the screen they open on (small laptops, a taskbar, 150 % or 200 % scaling).

A 1024×768 screen with text at 200% makes an admin dialog taller than the screen; without
`scroll_above_buttons` its Save or Cancel would be pushed off the bottom: applied once, after a dialog
has laid itself out, it moves the dialog's whole layout into a scroll area, the button box below it.
"""

from __future__ import annotations

from typing import ClassVar

from PySide6.QtCore import QEvent, QObject, QRect, Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QFrame,
    QLayout,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)


def available_area(widget: QWidget) -> QRect:
    """The screen's area less taskbars and docks, in the logical pixels Qt lays out in."""
    screen = widget.screen() or QGuiApplication.primaryScreen()
    return screen.availableGeometry() if screen is not None else QRect(0, 0, 1024, 768)


def fit_to_screen(window: QWidget) -> None:
    """Shrink a window (its frame included, roughly) to the available area and move it onto it. If even
    its minimum size will not fit, it opens maximised: the layouts scroll inside.

    Also makes every dialog shown once the window has been painted fit the screen (see DialogFit),
    before anything else can show one."""
    # Two turns of the event loop: Qt paints a shown window after the first turn's timers have run.
    QTimer.singleShot(0, lambda: QTimer.singleShot(0, DialogFit.install))
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
    is shrunk to it (its lists and text boxes then scroll) and moved onto the screen.

    Every event of every widget passes through this filter, and PySide makes each kind of event's
    Python type the first time one does (some 15-35 ms while a window first lays out): so it is
    installed after the main window's first paint (`fit_to_screen`), before any dialog can open."""

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


_ROOM = 80  # the title bar and the window frame, which the dialog's own size does not count


def scroll_above_buttons(dialog: QDialog, buttons: QDialogButtonBox | QLayout) -> QScrollArea:
    """`buttons` (a button box, or the layout of a row of buttons) stays below; the rest scrolls."""
    layout = dialog.layout()
    assert layout is not None, "lay the dialog out first"
    content = QWidget()
    content.setObjectName("dialog-content")
    content.setLayout(layout)  # Qt takes the layout off the dialog, with every widget in it
    _take_out(layout, buttons)
    scroll = QScrollArea(dialog)
    scroll.setObjectName("dialog-scroll")
    # A Tab stop (the arrow keys scroll it when nothing inside can take the focus): named for a
    # screen reader after the dialog it belongs to.
    scroll.setAccessibleName(dialog.windowTitle() or dialog.tr("Dialog content"))
    scroll.setWidgetResizable(True)
    scroll.setFrameShape(QFrame.Shape.NoFrame)
    scroll.setWidget(content)
    outer = QVBoxLayout(dialog)
    margins = layout.contentsMargins()
    outer.setContentsMargins(margins.left(), 0, margins.right(), margins.bottom())
    layout.setContentsMargins(0, margins.top(), 0, 0)
    outer.addWidget(scroll, 1)
    if isinstance(buttons, QLayout):
        outer.addLayout(buttons)
    else:
        outer.addWidget(buttons)
    _fit(dialog, content, scroll, buttons)
    return scroll


def _take_out(layout: QLayout, widget: QWidget | QLayout) -> bool:
    """`widget` (or a layout) removed from `layout` or from the layout inside it that holds it."""
    for index in range(layout.count()):
        item = layout.itemAt(index)
        if item is None:
            continue
        if item.widget() is widget or item.layout() is widget:
            layout.takeAt(index)
            return True
        inner = item.layout()
        if inner is not None and _take_out(inner, widget):
            return True
    return False


def _fit(dialog: QDialog, content: QWidget, scroll: QScrollArea, buttons: QDialogButtonBox | QLayout) -> None:
    """As big as the content wants, no bigger than the screen: the rest scrolls."""
    screen = dialog.screen() or QGuiApplication.primaryScreen()
    if screen is None:
        return
    available = screen.availableGeometry()
    for widget in (dialog, content):
        widget.ensurePolished()  # the fonts (200% text) count only once polished
    wanted = content.sizeHint()  # a size the dialog chose for itself before (resize) is kept if it fits
    bar = scroll.verticalScrollBar().sizeHint().width() + 2 * scroll.frameWidth() + 8
    width = min(max(wanted.width() + bar, dialog.width() - _ROOM // 4), available.width() - _ROOM)
    room = available.height() - _ROOM - buttons.sizeHint().height() - 24
    height = min(max(wanted.height(), dialog.height() - buttons.sizeHint().height() - 24), room)
    scroll.setMinimumWidth(width)
    if content.minimumSizeHint().width() + bar <= width:  # it fits across: only up and down scrolls
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    scroll.setMinimumHeight(min(wanted.height(), room // 2))
    dialog.setMaximumHeight(available.height() - _ROOM // 2)
    dialog.resize(width + _ROOM // 4, height + buttons.sizeHint().height() + 24)
