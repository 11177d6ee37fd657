"""A drawn signature: what counts as one, and its stored forms (JSON strokes, PNG image)."""

import io

from PIL import Image

from holbrook_desktop.core.attestation.signature import Signature

ZIGZAG = [[(20, 100), (120, 40), (220, 110), (330, 50)], [(60, 130), (300, 128)]]


def test_a_real_signature_is_accepted_and_a_dot_or_dash_is_not():
    assert Signature.from_points(400, 150, ZIGZAG).problem() is None
    assert "empty" in Signature.from_points(400, 150, []).problem()
    assert "empty" in Signature.from_points(400, 150, [[]]).problem()
    assert "too short" in Signature.from_points(400, 150, [[(200, 75)]]).problem()  # a dot
    assert "too short" in Signature.from_points(400, 150, [[(100, 75), (160, 75)]]).problem()  # a dash
    # Scribbling on one spot has ink enough but no reach.
    scribble = [[(200 + (i % 2) * 20, 75 + (i % 3) * 10) for i in range(60)]]
    assert "too short" in Signature.from_points(400, 150, scribble).problem()


def test_strokes_round_trip_through_json():
    signature = Signature.from_points(400, 150, ZIGZAG)
    again = Signature.from_json(signature.to_json())
    assert again == signature


def test_the_png_shows_ink_where_the_strokes_were():
    image = Image.open(io.BytesIO(Signature.from_points(400, 150, ZIGZAG).to_png(pixel_width=400)))
    assert image.size == (400, 150)
    assert image.getpixel((120, 40)) < 100  # on a stroke: dark
    assert image.getpixel((380, 10)) == 255  # far from any stroke: white


def test_the_same_signature_is_judged_alike_whatever_the_pads_width():
    """The pad's width follows the window; the rule must not ask a longer signature of a wider one."""
    modest = [[(30, 100), (110, 50), (190, 105), (260, 60)]]  # about 270 units of ink, 230 across
    for width in (420, 800, 1400, 2400):
        assert Signature.from_points(width, 150, modest).problem() is None, width
        assert "too short" in Signature.from_points(width, 150, [[(100, 75), (160, 75)]]).problem()
    # A taller pad (large text) is judged in proportion to its height: the same shape, scaled, passes.
    scaled = [[(x * 2, y * 2) for x, y in modest[0]]]
    assert Signature.from_points(900, 300, scaled).problem() is None
    half = [[(x / 2, y / 2) for x, y in modest[0]]]
    assert "too short" in Signature.from_points(900, 300, half).problem()
