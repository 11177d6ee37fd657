"""The signature pad as a person uses it: drawing with a mouse, a finger or a pen, clearing and undoing
by button and by key, the calm word beneath it, and ink that shows where it was drawn."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent, QObject, QPoint, QPointF, Qt
from PySide6.QtGui import QInputDevice, QKeySequence, QMouseEvent, QPointingDevice, QShortcut, QTabletEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QVBoxLayout, QWidget

from holbrook_desktop.ui.attestation.signature_pad import SignatureField, SignaturePad
from tests.ui.conftest import show_active

LEFT = Qt.MouseButton.LeftButton
NO_BUTTON = Qt.MouseButton.NoButton
BY_SYSTEM = Qt.MouseEventSource.MouseEventSynthesizedBySystem
# A signature's worth of zig-zag across most of the box, as a mouse samples it.
ZIGZAG = [(40.0 + 10 * i, 60.0 + (i % 6) * 12.0 if (i // 6) % 2 == 0 else 120.0 - (i % 6) * 12.0)
          for i in range(45)]
FLICK = [(200.0, 80.0), (206.0, 83.0), (211.0, 85.0)]


@pytest.fixture
def window(qtbot) -> QWidget:
    """A signature field in a window of its own, shown and active (keys reach only the active window)."""
    window = QWidget()
    layout = QVBoxLayout(window)
    layout.addWidget(SignatureField(window))
    layout.addStretch(1)
    return show_active(qtbot, window, size=(620, 260))


@pytest.fixture
def field(window) -> SignatureField:
    return window.findChild(SignatureField)


@pytest.fixture
def pad(field) -> SignaturePad:
    return field.pad


def _mouse(widget: QWidget, kind: QEvent.Type, point: tuple[float, float], button, buttons,
           source: Qt.MouseEventSource = Qt.MouseEventSource.MouseEventNotSynthesized) -> None:
    local = QPointF(*point)
    event = QMouseEvent(kind, local, local, widget.mapToGlobal(local), button, buttons,
                        Qt.KeyboardModifier.NoModifier, source)
    QApplication.sendEvent(widget, event)


def draw(widget: QWidget, points: list[tuple[float, float]], *, release: bool = True) -> None:
    """Press, drag through the points with the left button held (QTest's moves carry no buttons), release."""
    _mouse(widget, QEvent.Type.MouseButtonPress, points[0], LEFT, LEFT)
    for point in points[1:]:
        _mouse(widget, QEvent.Type.MouseMove, point, NO_BUTTON, LEFT)
    if release:
        _mouse(widget, QEvent.Type.MouseButtonRelease, points[-1], LEFT, NO_BUTTON)


def touch_draw(widget: QWidget, device: QPointingDevice, points: list[tuple[float, float]]) -> None:
    """A finger on the screen, through Qt's own touch delivery (which makes mouse events of touches
    that a widget does not take)."""
    as_points = [QPoint(round(x), round(y)) for x, y in points]
    QTest.touchEvent(widget, device, False).press(0, as_points[0], widget).commit()
    for point in as_points[1:]:
        QTest.touchEvent(widget, device, False).move(0, point, widget).commit()
    QTest.touchEvent(widget, device, False).release(0, as_points[-1], widget).commit()


@pytest.fixture(scope="module")
def touch_screen() -> QPointingDevice:
    return QTest.createTouchDevice()


@pytest.fixture(scope="module")
def pen() -> QPointingDevice:
    caps = QInputDevice.Capability.Position | QInputDevice.Capability.Pressure
    return QPointingDevice("Test pen", 7001, QInputDevice.DeviceType.Stylus, QPointingDevice.PointerType.Pen,
                           caps, 1, 2)


def _tablet(widget: QWidget, device: QPointingDevice, kind: QEvent.Type, point, pressure: float,
            button, buttons) -> QTabletEvent:
    local = QPointF(*point)
    event = QTabletEvent(kind, device, local, widget.mapToGlobal(local), pressure, 0.0, 0.0, 0.0, 0.0, 0.0,
                         Qt.KeyboardModifier.NoModifier, button, buttons)
    QApplication.sendEvent(widget, event)
    return event


def dark_pixels_near(widget: QWidget, point: tuple[float, float], radius: int = 3) -> int:
    image = widget.grab().toImage()
    ratio = image.devicePixelRatio()
    cx, cy = round(point[0] * ratio), round(point[1] * ratio)
    return sum(1 for x in range(cx - radius, cx + radius + 1) for y in range(cy - radius, cy + radius + 1)
               if image.pixelColor(x, y).lightness() < 100)


# Empty -----------------------------------------------------------------------------------------

def test_an_untouched_pad_is_empty_and_says_nothing_yet(field, pad):
    signature = field.signature()
    assert pad.is_empty() and signature.is_empty
    assert "empty" in signature.problem()
    assert not field.is_acceptable()
    assert field.status_text() == ""  # no scolding before the person has even begun
    assert not field.clear_button.isEnabled() and not field.undo_button.isEnabled()
    assert (signature.width, signature.height) == (pad.width(), pad.height())


def test_the_pad_is_a_named_focusable_control_of_a_sensible_size(field, pad):
    assert pad.accessibleName() == "Signature"
    assert "Ctrl+Z" in pad.accessibleDescription() and "typed-name" in pad.accessibleDescription()
    assert pad.focusPolicy() == Qt.FocusPolicy.StrongFocus
    assert pad.width() >= 420 and 150 <= pad.height() <= 190
    field.clear_button.setFocus()
    field.setFocus()
    assert pad.hasFocus()  # the field hands the keyboard to its pad


# Drawing ---------------------------------------------------------------------------------------

def test_a_drawn_signature_is_accepted_as_drawn(qtbot, field, pad):
    with qtbot.waitSignal(field.changed):
        draw(pad, ZIGZAG)
    signature = field.signature()
    assert signature.strokes == (tuple(ZIGZAG),)
    assert (signature.width, signature.height) == (pad.width(), pad.height())
    assert signature.problem() is None and field.is_acceptable()
    assert "Signature drawn" in field.status_text()
    assert field.clear_button.isEnabled() and field.undo_button.isEnabled()
    assert pad.hasFocus()  # a click in the box gives it the keyboard, for Delete and Ctrl+Z


def test_each_stroke_is_kept_separately(qtbot, field, pad):
    draw(pad, ZIGZAG[:20])
    draw(pad, ZIGZAG[25:])
    assert field.signature().strokes == (tuple(ZIGZAG[:20]), tuple(ZIGZAG[25:]))


def test_a_tiny_flick_is_refused_calmly_once_the_pen_lifts(qtbot, field, pad):
    draw(pad, FLICK, release=False)
    assert field.status_text() == ""  # nothing said mid-stroke
    with qtbot.waitSignal(field.changed):
        _mouse(pad, QEvent.Type.MouseButtonRelease, FLICK[-1], LEFT, NO_BUTTON)
    assert not field.is_acceptable()
    assert "too short" in field.status_text()


def test_advice_about_the_last_stroke_waits_while_the_next_is_drawn(field, pad):
    draw(pad, FLICK)
    assert "too short" in field.status_text()
    draw(pad, ZIGZAG, release=False)
    assert field.status_text() == ""
    _mouse(pad, QEvent.Type.MouseButtonRelease, ZIGZAG[-1], LEFT, NO_BUTTON)
    assert "Signature drawn" in field.status_text()


def test_a_stroke_that_strays_outside_the_box_keeps_to_its_edge(field, pad):
    draw(pad, [(100.0, 80.0), (300.0, 80.0), (pad.width() + 50.0, -30.0)])
    assert field.signature().strokes[0][-1] == (float(pad.width()), 0.0)


def test_a_right_button_drag_draws_nothing(field, pad):
    _mouse(pad, QEvent.Type.MouseButtonPress, (100, 80), Qt.MouseButton.RightButton,
           Qt.MouseButton.RightButton)
    _mouse(pad, QEvent.Type.MouseMove, (300, 80), NO_BUTTON, Qt.MouseButton.RightButton)
    assert pad.is_empty()


def test_resizing_keeps_the_strokes_as_drawn(qtbot, field, pad):
    draw(pad, ZIGZAG)
    field.window().resize(900, 260)
    qtbot.waitUntil(lambda: pad.width() > 800)
    signature = field.signature()
    assert signature.strokes == (tuple(ZIGZAG),)
    assert signature.width == pad.width()


# Clear and undo --------------------------------------------------------------------------------

def test_the_clear_button_empties_the_pad_and_hands_back_the_keyboard(qtbot, field, pad):
    draw(pad, ZIGZAG)
    with qtbot.waitSignal(field.changed):
        qtbot.mouseClick(field.clear_button, LEFT)
    assert pad.is_empty() and field.signature().is_empty
    assert field.status_text() == ""  # cleared on purpose: nothing to complain about
    assert not field.clear_button.isEnabled() and not field.undo_button.isEnabled()
    assert pad.hasFocus()


@pytest.mark.parametrize("key", [Qt.Key.Key_Delete, Qt.Key.Key_Backspace])
def test_delete_or_backspace_clears_the_focused_pad(qtbot, field, pad, key):
    draw(pad, ZIGZAG[:20])
    draw(pad, ZIGZAG[25:])
    with qtbot.waitSignal(pad.changed):
        qtbot.keyClick(pad, key)
    assert pad.is_empty()


def test_undo_removes_only_the_last_stroke(qtbot, field, pad):
    draw(pad, ZIGZAG[:20])
    draw(pad, ZIGZAG[25:])
    with qtbot.waitSignal(field.changed):
        qtbot.mouseClick(field.undo_button, LEFT)
    assert field.signature().strokes == (tuple(ZIGZAG[:20]),)
    assert field.undo_button.isEnabled()
    qtbot.mouseClick(field.undo_button, LEFT)
    assert pad.is_empty() and not field.undo_button.isEnabled()


def test_ctrl_z_undoes_in_the_pad_even_with_a_window_wide_undo_shortcut(qtbot, field, pad):
    window_undo = []
    shortcut = QShortcut(QKeySequence(QKeySequence.StandardKey.Undo), field.window())
    shortcut.activated.connect(lambda: window_undo.append(True))
    draw(pad, ZIGZAG[:20])
    draw(pad, ZIGZAG[25:])
    with qtbot.waitSignal(pad.changed):
        qtbot.keyClick(pad, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert field.signature().strokes == (tuple(ZIGZAG[:20]),)
    assert window_undo == []


def test_clearing_an_empty_pad_says_nothing_has_changed(qtbot, pad):
    with qtbot.assertNotEmitted(pad.changed):
        pad.clear()
        pad.undo_stroke()


# A finger and a pen ----------------------------------------------------------------------------

class EventKinds(QObject):
    """What reached a widget, by kind."""

    def __init__(self, watched: QWidget) -> None:
        super().__init__(watched)
        self.seen: list[QEvent.Type] = []
        watched.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        self.seen.append(event.type())
        return False


def test_a_finger_draws_one_stroke_not_two(qtbot, field, pad, touch_screen):
    arrived = EventKinds(pad)
    with qtbot.waitSignal(field.changed):
        touch_draw(pad, touch_screen, ZIGZAG)
    assert QEvent.Type.TouchBegin in arrived.seen
    # Qt turns a touch the widget does not take into mouse events too; this one took it.
    assert QEvent.Type.MouseButtonPress not in arrived.seen
    strokes = field.signature().strokes
    assert len(strokes) == 1
    assert strokes[0] == tuple(ZIGZAG)  # whole pixels already, so the touch positions are exact
    assert field.is_acceptable()


def test_mouse_events_the_system_makes_of_a_touch_are_not_drawn_again(field, pad, touch_screen):
    touch_draw(pad, touch_screen, ZIGZAG)
    # As some systems do: the same finger again, as mouse events marked as made from a touch.
    _mouse(pad, QEvent.Type.MouseButtonPress, ZIGZAG[0], LEFT, LEFT, BY_SYSTEM)
    for point in ZIGZAG[1:]:
        _mouse(pad, QEvent.Type.MouseMove, point, NO_BUTTON, LEFT, BY_SYSTEM)
    _mouse(pad, QEvent.Type.MouseButtonRelease, ZIGZAG[-1], LEFT, NO_BUTTON, BY_SYSTEM)
    assert len(field.signature().strokes) == 1


def test_a_touch_screen_that_only_sends_mouse_events_still_draws(field, pad):
    draw(pad, ZIGZAG)  # plain mouse events first: nothing native has been heard
    _mouse(pad, QEvent.Type.MouseButtonPress, FLICK[0], LEFT, LEFT, BY_SYSTEM)
    _mouse(pad, QEvent.Type.MouseButtonRelease, FLICK[-1], LEFT, NO_BUTTON, BY_SYSTEM)
    assert len(field.signature().strokes) == 2


def test_a_second_finger_is_not_ink(qtbot, field, pad, touch_screen):
    QTest.touchEvent(pad, touch_screen, False).press(0, QPoint(40, 60), pad).commit()
    sequence = QTest.touchEvent(pad, touch_screen, False)
    sequence.move(0, QPoint(200, 100), pad).press(1, QPoint(300, 150), pad).commit()
    sequence = QTest.touchEvent(pad, touch_screen, False)
    sequence.move(0, QPoint(400, 60), pad).move(1, QPoint(320, 150), pad).commit()
    QTest.touchEvent(pad, touch_screen, False).release(0, QPoint(400, 60), pad).release(
        1, QPoint(320, 150), pad).commit()
    assert field.signature().strokes == (((40.0, 60.0), (200.0, 100.0), (400.0, 60.0)),)


def test_a_pen_draws_a_stroke(qtbot, field, pad, pen):
    with qtbot.waitSignal(field.changed):
        event = _tablet(pad, pen, QEvent.Type.TabletPress, ZIGZAG[0], 0.4, LEFT, LEFT)
        for point in ZIGZAG[1:]:
            _tablet(pad, pen, QEvent.Type.TabletMove, point, 0.6, NO_BUTTON, LEFT)
        _tablet(pad, pen, QEvent.Type.TabletRelease, ZIGZAG[-1], 0.0, LEFT, NO_BUTTON)
    assert event.isAccepted()  # or Qt would draw it a second time as mouse events
    assert field.signature().strokes == (tuple(ZIGZAG),)
    assert field.is_acceptable()


def test_a_pen_hovering_above_the_pad_draws_nothing(pad, pen):
    for point in ZIGZAG:
        _tablet(pad, pen, QEvent.Type.TabletMove, point, 0.0, NO_BUTTON, NO_BUTTON)
    assert pad.is_empty()


# What it looks like ----------------------------------------------------------------------------

def test_the_pad_shows_ink_where_it_was_drawn(field, pad):
    pixmap = pad.grab()
    assert not pixmap.isNull()
    assert pixmap.width() >= 420
    probe = ZIGZAG[6]
    assert dark_pixels_near(pad, probe) == 0
    draw(pad, ZIGZAG)
    assert dark_pixels_near(pad, probe) > 0
    assert dark_pixels_near(pad, (pad.width() - 20, 20)) == 0  # and not where nothing was drawn


def test_a_single_click_leaves_a_dot(field, pad):
    draw(pad, [(300.0, 50.0)])
    assert field.signature().strokes == (((300.0, 50.0),),)
    assert dark_pixels_near(pad, (300.0, 50.0)) > 0
    assert "too short" in field.status_text()


def test_a_disabled_field_takes_no_ink(qtbot, field, pad):
    field.setEnabled(False)
    QTest.mouseClick(pad, LEFT, pos=QPoint(100, 80))
    assert pad.is_empty()
    assert not pad.grab().isNull()
