"""A drawn signature: the strokes made on the signature pad, whether they amount to a signature,
and the same strokes as a PNG image for the records."""

from __future__ import annotations

import io
import itertools
import json
import math
from dataclasses import dataclass

Point = tuple[float, float]
Stroke = tuple[Point, ...]

# A dot, a tick or a short dash is not a signature. The rule is judged on the strokes scaled, as
# drawn (same proportions), to a pad LOGICAL_HEIGHT units tall: the pad's height is fixed while its
# width follows the window, so a rule in shares of the width asked a longer signature of whoever had
# a wider window. The ink must run for at least MIN_INK units and reach across at least MIN_SPAN.
LOGICAL_HEIGHT = 150.0
MIN_INK = 240.0
MIN_SPAN = 80.0


@dataclass(frozen=True)
class Signature:
    """Strokes in the pad's own units: (0, 0) top left, (width, height) bottom right."""

    width: float
    height: float
    strokes: tuple[Stroke, ...]

    @classmethod
    def from_points(cls, width: float, height: float, strokes: list[list[Point]]) -> Signature:
        kept = tuple(tuple((float(x), float(y)) for x, y in stroke) for stroke in strokes if stroke)
        return cls(float(width), float(height), kept)

    @property
    def is_empty(self) -> bool:
        return not any(self.strokes)

    def ink_length(self) -> float:
        """The length of all strokes together; a single-point stroke (a dot) counts as nothing."""
        return sum(math.dist(a, b) for stroke in self.strokes for a, b in itertools.pairwise(stroke))

    def span(self) -> tuple[float, float]:
        """Width and height of the box around the ink."""
        points = [p for stroke in self.strokes for p in stroke]
        if not points:
            return (0.0, 0.0)
        xs, ys = [p[0] for p in points], [p[1] for p in points]
        return (max(xs) - min(xs), max(ys) - min(ys))

    def normalised(self) -> Signature:
        """The same strokes scaled evenly so that the pad is LOGICAL_HEIGHT units tall."""
        if self.height <= 0:
            return self
        scale = LOGICAL_HEIGHT / self.height
        strokes = [[(x * scale, y * scale) for x, y in stroke] for stroke in self.strokes]
        return Signature.from_points(self.width * scale, LOGICAL_HEIGHT, strokes)

    def problem(self) -> str | None:
        """Why this cannot be accepted as a signature, or None if it can."""
        if self.is_empty:
            return "Please sign in the box: it is empty."
        if self.width <= 0 or self.height <= 0:
            return "The signature box has no size."
        judged = self.normalised()
        span_x, _ = judged.span()
        if judged.ink_length() < MIN_INK or span_x < MIN_SPAN:
            return "That is too short to be a signature. Please sign as you would on paper."
        return None

    def to_json(self) -> str:
        return json.dumps({"width": self.width, "height": self.height,
                           "strokes": [[[round(x, 1), round(y, 1)] for x, y in s] for s in self.strokes]},
                          separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str) -> Signature:
        data = json.loads(text)
        return cls.from_points(data["width"], data["height"], data["strokes"])

    def to_png(self, pixel_width: int = 600) -> bytes:
        """The strokes drawn in dark ink on white, for the records (Pillow is loaded only here)."""
        from PIL import Image, ImageDraw

        scale = pixel_width / self.width if self.width else 1.0
        size = (max(1, round(self.width * scale)), max(1, round(self.height * scale)))
        image = Image.new("L", size, 255)
        pen = ImageDraw.Draw(image)
        line_width = max(3, round(pixel_width / 150))
        radius = line_width / 2
        for stroke in self.strokes:
            points = [(x * scale, y * scale) for x, y in stroke]
            if len(points) > 1:
                pen.line(points, fill=20, width=line_width)
                # Round caps and joins: Pillow's own joints leave notches at sharp turns.
                for x, y in points:
                    pen.ellipse((x - radius, y - radius, x + radius, y + radius), fill=20)
        buffer = io.BytesIO()
        image.save(buffer, format="PNG", optimize=True)
        return buffer.getvalue()
