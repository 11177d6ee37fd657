"""Dialogs that fit the screen: their content scrolls, their buttons stay in sight.

A 1024×768 screen with text at 200% makes an admin dialog taller than the screen; without this its
Save or Cancel would be pushed off the bottom. `scroll_above_buttons` is applied once, after a dialog
has laid itself out: the dialog's whole layout moves into a scroll area and the button box sits
below it, outside the scrolling.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFrame, QLayout, QScrollArea, QVBoxLayout, QWidget

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
