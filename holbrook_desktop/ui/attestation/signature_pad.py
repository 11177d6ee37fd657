"""The signature pad: a box to sign in with a mouse, a pen or a finger, and its Clear and Undo row."""

from __future__ import annotations

import logging
import math
import time

from PySide6.QtCore import QCoreApplication, QEvent, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QEventPoint,
    QFocusEvent,
    QInputDevice,
    QKeyEvent,
    QKeySequence,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPen,
    QPointingDevice,
    QTabletEvent,
    QTouchEvent,
)
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSizePolicy, QVBoxLayout, QWidget

from holbrook_desktop.core.attestation.signature import Signature
from holbrook_desktop.ui import theme
from holbrook_desktop.ui.accessibility import canvas

log = logging.getLogger(__name__)

# The pad is a piece of paper in every theme: dark ink on white, as the signature is kept and printed.
# Only its focus ring takes the theme's highlight colour.
PAPER, PAPER_DISABLED = QColor("#ffffff"), QColor("#f1f3f5")
BORDER = QColor("#6b7682")  # 4.6:1 on the paper: the box's edge is seen (WCAG 1.4.11 asks 3:1)
BASELINE = QColor("#c9d3de")
HINT = QColor("#5f6b77")  # quieter than ink yet 5.3:1 on the paper; the description says it in full
INK, INK_DISABLED = QColor("#1a2a44"), QColor("#8a94a0")
PEN_WIDTH = 2.5
PAD_HEIGHT, PAD_MIN_HEIGHT, PAD_MIN_WIDTH = 170, 150, 420
BASELINE_SHARE = 0.72  # the line sits low, as on a paper form: most signatures hang above it
# On some systems a finger or pen also produces mouse events a moment later (or just before); they
# are the same stroke, so mouse events that say they come from a touch or pen are dropped for a while
# after a native touch or tablet event.
TWIN_SECONDS = 0.5
NATIVE_DEVICES = (QInputDevice.DeviceType.TouchScreen, QInputDevice.DeviceType.Stylus,
                  QInputDevice.DeviceType.Airbrush, QInputDevice.DeviceType.Puck)
ENDING_TOUCH = (QEvent.Type.TouchEnd, QEvent.Type.TouchCancel)

Point = tuple[float, float]


class InkStroke:
    """One stroke: its points, and a curve through the midpoints of the samples, grown as they arrive.
    A mouse samples coarsely, and straight segments between samples look jagged next to a pen on paper;
    rebuilding the whole curve on every movement would cost more with every point."""

    def __init__(self, start: Point, pressure: float | None) -> None:
        self.points: list[Point] = [start]
        self.path = QPainterPath(QPointF(*start))
        self.pressures: list[float] = [pressure] if pressure else []
        self.width = PEN_WIDTH
        self.pen: QPen | None = None  # set when the stroke is finished

    def add(self, point: Point, pressure: float | None) -> bool:
        """False for a point too close to the last to show (a pen reports far more often than that)."""
        if math.dist(point, self.points[-1]) < 0.5:
            return False
        (x0, y0), (x1, y1) = self.points[-1], point
        if len(self.points) > 1:
            self.path.quadTo(x0, y0, (x0 + x1) / 2, (y0 + y1) / 2)
        self.points.append(point)
        if pressure:
            self.pressures.append(pressure)
        return True

    def finish(self, width: float) -> None:
        if len(self.points) > 1:
            self.path.lineTo(*self.points[-1])
        if self.pressures:
            # A light touch draws a little thinner, a firm one a little bolder: 0.8 to 1.2 times.
            width *= 0.8 + 0.4 * min(1.0, sum(self.pressures) / len(self.pressures))
        self.width = width
        self.pen = ink_pen(width, INK)

    def paint(self, painter: QPainter, pen: QPen) -> None:
        painter.setPen(pen)
        if len(self.points) == 1:  # a dot: a path with no length draws nothing
            painter.drawPoint(self.path.currentPosition())
            return
        painter.drawPath(self.path)
        if self.pen is None:  # still being drawn: the stretch from the last midpoint to the pen
            painter.drawLine(self.path.currentPosition(), QPointF(*self.points[-1]))


def ink_pen(width: float, ink: QColor) -> QPen:
    return QPen(ink, width, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap, Qt.PenJoinStyle.RoundJoin)


def _is_synthesized(event: QMouseEvent) -> bool:
    """A mouse event made from a touch or a pen, by Qt or by the system."""
    return (event.source() != Qt.MouseEventSource.MouseEventNotSynthesized
            or event.pointingDevice().type() in NATIVE_DEVICES)


class SignaturePad(QWidget):
    """Strokes are kept in the pad's own logical pixels, as drawn: a resize neither moves nor scales them."""

    changed = Signal()  # a stroke was finished, undone or cleared
    drawing_started = Signal()  # a stroke began (the field keeps its advice quiet until it ends)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._strokes: list[InkStroke] = []
        self._active: InkStroke | None = None
        self._active_source: str | None = None  # "mouse", "touch" or "tablet"
        self._touch_id: int | None = None
        self._last_native = -math.inf
        self.setAttribute(Qt.WidgetAttribute.WA_AcceptTouchEvents)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setCursor(Qt.CursorShape.CrossCursor)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setAccessibleName(self.tr("Signature"))
        canvas(self)
        self.setAccessibleDescription(self.tr(
            "Draw your signature with the mouse, a pen or your finger. Press Delete to clear, Ctrl+Z to "
            "undo the last stroke. If you cannot draw, use the typed-name option instead."))

    # What the rest of the app asks -----------------------------------------------------------

    def signature(self) -> Signature:
        """The finished strokes (not one still being drawn), with the pad's size as it is now."""
        return Signature.from_points(self.width(), self.height(), [s.points for s in self._strokes])

    def is_empty(self) -> bool:
        return not self._strokes

    def is_drawing(self) -> bool:
        return self._active is not None

    def clear(self) -> None:
        had_ink = bool(self._strokes) or self._active is not None
        self._strokes.clear()
        self._drop_active()
        self.update()
        if had_ink:
            self.changed.emit()

    def undo_stroke(self) -> None:
        if self._active is not None:  # Ctrl+Z mid-stroke: the stroke under the pen goes first
            self._abandon()
            return
        if not self._strokes:
            return
        self._strokes.pop()
        self.update()
        self.changed.emit()

    def sizeHint(self) -> QSize:
        return QSize(PAD_MIN_WIDTH + 120, PAD_HEIGHT)

    def minimumSizeHint(self) -> QSize:
        return QSize(PAD_MIN_WIDTH, PAD_MIN_HEIGHT)

    # Strokes -----------------------------------------------------------------------------------

    def _begin(self, source: str, position: QPointF, pressure: float | None = None) -> None:
        if self._active is not None:
            if self._active_source == "mouse" and source != "mouse":
                self._drop_active()  # the mouse twin of this very touch or pen stroke: keep the native one
            else:
                self._finish()  # a release that never came (a dialog took the mouse, say)
        self._active = InkStroke(self._clamped(position), pressure)
        self._active_source = source
        if not self.hasFocus():
            self.setFocus(Qt.FocusReason.MouseFocusReason)  # then Delete and Ctrl+Z act on this pad
        self.update()
        self.drawing_started.emit()

    def _extend(self, position: QPointF, pressure: float | None = None) -> None:
        assert self._active is not None
        if self._active.add(self._clamped(position), pressure):
            self.update()

    def _finish(self) -> None:
        stroke = self._active
        if stroke is None:
            return
        stroke.finish(self._pen_width())
        self._drop_active()
        self._strokes.append(stroke)
        self.update()
        self.changed.emit()

    def _abandon(self) -> None:
        """Drop the stroke being drawn; listeners hear of it, as the ink they saw has gone."""
        self._drop_active()
        self.update()
        self.changed.emit()

    def _drop_active(self) -> None:
        self._active = None
        self._active_source = None
        self._touch_id = None

    def _clamped(self, position: QPointF) -> Point:
        # The mouse keeps drawing when it strays outside the box; the ink stays on the edge.
        return (min(max(position.x(), 0.0), float(self.width())),
                min(max(position.y(), 0.0), float(self.height())))

    def _pen_width(self) -> float:
        # A taller pad (a caller's layout, a large-text setting) gets a slightly bolder pen.
        return PEN_WIDTH * min(1.6, max(1.0, self.height() / PAD_HEIGHT))

    # Mouse -------------------------------------------------------------------------------------

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            event.ignore()
            return
        event.accept()  # a twin too: it is this pad's touch, and no parent should act on it
        if self._is_twin(event):
            log.debug("mouse events made from a touch or pen ignored: the stroke is drawn once")
            return
        self._begin("mouse", event.position())

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._active_source != "mouse":
            event.ignore()
            return
        if not event.buttons() & Qt.MouseButton.LeftButton:
            self._finish()  # the release happened somewhere we did not hear about
        else:
            self._extend(event.position())
        event.accept()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if self._active_source != "mouse" or event.button() != Qt.MouseButton.LeftButton:
            event.ignore()
            return
        self._extend(event.position())
        self._finish()
        event.accept()

    def _is_twin(self, event: QMouseEvent) -> bool:
        if self._active_source in ("touch", "tablet"):
            return True
        return _is_synthesized(event) and time.monotonic() - self._last_native < TWIN_SECONDS

    # Pen and finger ----------------------------------------------------------------------------

    def tabletEvent(self, event: QTabletEvent) -> None:
        # Accepting every tablet event stops Qt making mouse events of them as well.
        event.accept()
        self._last_native = time.monotonic()
        if event.pointerType() == QPointingDevice.PointerType.Eraser:
            return  # the pen's other end rubs out on paper; here it neither draws nor erases
        kind = event.type()
        if kind == QEvent.Type.TabletPress and event.button() == Qt.MouseButton.LeftButton:
            self._begin("tablet", event.position(), event.pressure())
        elif self._active_source != "tablet":
            return
        elif kind == QEvent.Type.TabletMove:
            self._extend(event.position(), event.pressure())
        elif kind == QEvent.Type.TabletRelease:
            self._extend(event.position())
            self._finish()

    def event(self, event: QEvent) -> bool:
        kind = event.type()
        if kind in (QEvent.Type.TouchBegin, QEvent.Type.TouchUpdate, *ENDING_TOUCH):
            assert isinstance(event, QTouchEvent)
            self._touch(event)
            return True
        if kind == QEvent.Type.ShortcutOverride and self._handles_key(event):
            event.accept()  # a window-wide Ctrl+Z or Delete shortcut must not take the pad's keys
            return True
        return super().event(event)

    def _touch(self, event: QTouchEvent) -> None:
        # Accepting TouchBegin stops Qt making mouse events of the touch as well.
        event.accept()
        self._last_native = time.monotonic()
        kind = event.type()
        if kind == QEvent.Type.TouchCancel:
            if self._active_source == "touch":  # the system took the gesture: no ink from it
                self._abandon()
            return
        points = event.points()
        if kind == QEvent.Type.TouchBegin and points:
            first = points[0]  # one finger signs; a second (a resting palm) is not ink
            self._begin("touch", first.position())
            self._touch_id = first.id()
            return
        if self._active_source != "touch":
            return
        finger = next((p for p in points if p.id() == self._touch_id), None)
        if finger is not None:
            self._extend(finger.position())
        lifted = finger is not None and finger.state() == QEventPoint.State.Released
        if kind == QEvent.Type.TouchEnd or lifted:
            self._finish()

    # Keys and focus ----------------------------------------------------------------------------

    @staticmethod
    def _handles_key(event: QEvent) -> bool:
        assert isinstance(event, QKeyEvent)
        return (event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace)
                and not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier) \
            or event.matches(QKeySequence.StandardKey.Undo)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.matches(QKeySequence.StandardKey.Undo):
            self.undo_stroke()
        elif self._handles_key(event):
            self.clear()
        else:
            super().keyPressEvent(event)

    def focusInEvent(self, event: QFocusEvent) -> None:
        self.update()
        super().focusInEvent(event)

    def focusOutEvent(self, event: QFocusEvent) -> None:
        self.update()
        super().focusOutEvent(event)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.EnabledChange and not self.isEnabled() and self._active is not None:
            self._abandon()  # switched off mid-stroke: half a stroke is not what was meant
        super().changeEvent(event)

    # Painting ----------------------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        enabled = self.isEnabled()
        box = QRectF(self.rect())  # the parent's background shows at the rounded corners
        focused = self.hasFocus()
        frame = 2.0 if focused else 1.0
        focus_ring = QColor(theme.colours().highlight)
        painter.setPen(QPen(focus_ring if focused else BORDER, frame))
        painter.setBrush(PAPER if enabled else PAPER_DISABLED)
        painter.drawRoundedRect(box.adjusted(frame / 2, frame / 2, -frame / 2, -frame / 2), 6, 6)

        margin = 24.0
        baseline_y = round(box.height() * BASELINE_SHARE) + 0.5
        painter.setPen(QPen(BASELINE, 1.0))
        painter.drawLine(QPointF(margin, baseline_y), QPointF(box.width() - margin, baseline_y))
        if self.is_empty() and self._active is None:
            self._paint_hint(painter, margin, baseline_y)

        painter.setBrush(Qt.BrushStyle.NoBrush)
        for stroke in self._strokes:
            assert stroke.pen is not None
            stroke.paint(painter, stroke.pen if enabled else ink_pen(stroke.width, INK_DISABLED))
        if self._active is not None:
            self._active.paint(painter, ink_pen(self._pen_width(), INK))
        painter.end()

    def _paint_hint(self, painter: QPainter, margin: float, baseline_y: float) -> None:
        font = self.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setItalic(True)
        painter.setFont(font)
        painter.setPen(HINT)
        metrics = painter.fontMetrics()
        cross = "×"
        painter.drawText(QPointF(margin + 4, baseline_y - metrics.descent() - 6), cross)
        painter.drawText(QPointF(margin + 8 + metrics.horizontalAdvance(cross) + 8,
                                 baseline_y - metrics.descent() - 6), self.tr("Sign here"))


class SignatureField(QWidget):
    """The pad, with Clear and Undo beneath it and a calm word on whether the drawing will do."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.pad = SignaturePad(self)
        self.clear_button = QPushButton(self.tr("&Clear signature"), self)
        self.clear_button.setAccessibleDescription(self.tr("Removes everything drawn in the signature box"))
        self.undo_button = QPushButton(self.tr("&Undo last stroke"), self)
        self.undo_button.setAccessibleDescription(self.tr("Removes the last line drawn in the signature box"))
        for button in (self.clear_button, self.undo_button):
            button.setAutoDefault(False)  # Enter in a form must not wipe a signature
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.status.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        # Under the box, where the eye is after signing; the buttons sit to the right, as in a dialog.
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.status, 1)
        row.addSpacing(12)
        row.addWidget(self.clear_button, 0, Qt.AlignmentFlag.AlignTop)
        row.addWidget(self.undo_button, 0, Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        layout.addWidget(self.pad)
        layout.addLayout(row)
        self.setFocusProxy(self.pad)
        QWidget.setTabOrder(self.pad, self.clear_button)
        QWidget.setTabOrder(self.clear_button, self.undo_button)
        self._connect_signals()
        self._refresh()

    def _connect_signals(self) -> None:
        self.clear_button.clicked.connect(self._clear_clicked)
        self.undo_button.clicked.connect(self._undo_clicked)
        self.pad.drawing_started.connect(self._quiet_while_drawing)
        self.pad.changed.connect(self._pad_changed)

    def signature(self) -> Signature:
        return self.pad.signature()

    def is_acceptable(self) -> bool:
        return self.signature().problem() is None

    def clear(self) -> None:
        self.pad.clear()

    def status_text(self) -> str:
        return self.status.text()

    def _pad_changed(self) -> None:
        self._refresh()
        self.changed.emit()

    def _refresh(self) -> None:
        has_strokes = not self.pad.is_empty()
        self.clear_button.setEnabled(has_strokes)
        self.undo_button.setEnabled(has_strokes)
        if not has_strokes:
            # Nothing drawn (at first, or after Clear): the box and its hint say enough.
            self._say("", "")
            return
        problem = self.signature().problem()
        if problem is None:
            self._say(self.tr("✔ Signature drawn"), f"color: {theme.colours().right_text}; font-weight: 600;")
        else:
            # The core's sentence, offered to the translator under the same context as the field.
            self._say(QCoreApplication.translate("SignatureField", problem), theme.ink_style())

    def _say(self, text: str, style: str) -> None:
        self.status.setStyleSheet(style)
        self.status.setText(text)

    def _quiet_while_drawing(self) -> None:
        # Advice about the last stroke is not wanted while the next one is being drawn.
        if not self.is_acceptable():
            self._say("", "")

    def _clear_clicked(self) -> None:
        self.pad.clear()
        self.pad.setFocus(Qt.FocusReason.OtherFocusReason)  # the next thing to do is sign again

    def _undo_clicked(self) -> None:
        self.pad.undo_stroke()
        if not self.undo_button.isEnabled():
            self.pad.setFocus(Qt.FocusReason.OtherFocusReason)  # the button went grey under the keyboard
