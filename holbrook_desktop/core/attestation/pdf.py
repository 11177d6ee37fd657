"""The one-page staff attestation certificate as unsigned PDF bytes (reportlab, no Qt)."""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import subprocess
import sys
import threading
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from holbrook_desktop import APP_NAME
from holbrook_desktop.core.attestation.signature import Signature
from holbrook_desktop.core.dates import for_people
from holbrook_desktop.core.paths import resource_path

log = logging.getLogger(__name__)

METHODS = ("drawn", "typed", "on-behalf")

# The machine-readable record sits in the document information dictionary under a key of our own,
# which pyHanko keeps when it signs with an incremental update.
METADATA_KEY = "HolbrookAttestation"
METADATA_SCHEMA = "holbrook-attestation/1"
# The same keys, and under "record" the whole acknowledgement as stored (but its PNG, drawn again from
# the strokes): enough to put the record back if the database is restored from an older backup.
METADATA_SCHEMA_WHOLE = "holbrook-attestation/2"


@dataclass(frozen=True)
class AttestationContent:
    record_id: int
    school: str
    policy_id: str
    policy_title: str
    version_label: str
    effective: date
    policy_sha256: str
    staff_id: int
    full_name: str
    role_label: str
    staff_number: str | None
    declaration: str  # paragraphs separated by blank lines
    method: str  # "drawn" | "typed" | "on-behalf"
    typed_name: str
    signature: Signature | None  # only for "drawn"
    quiz_summary: str | None
    acknowledged_at: datetime  # timezone-aware
    recorded_by: str  # the OS user at the keyboard
    machine: str
    app_version: str
    on_behalf_note: str | None  # only for "on-behalf": why an administrator recorded it
    audit_anchor: str
    certificate_fingerprint: str
    # The school's logo (App.school_profile); None: the one shipped with the app.
    logo: Path | None = None
    # The whole record, embedded so that it can be recovered (see recovery.py); None: not embedded.
    record: dict | None = None
    # A paper form brought in later: when it was entered here (acknowledged_at is the form's date).
    entered_at: datetime | None = None
    # Which of the school's PCs signs (one school identity, see school_root.py); None: the school's own key.
    signing_pc: str | None = None


def attestation_title(policy_title: str) -> str:
    return f"{policy_title} — Staff Attestation"


# The shipped policy's; the page and the file's Title use attestation_title(content.policy_title).
ATTESTATION_TITLE = attestation_title("Social Media Policy")


def attestation_metadata(content: AttestationContent) -> dict:
    """What a verifier needs to find the record again, embedded in the PDF as JSON.

    acknowledged_at is written exactly as the store writes its times (UTC, microseconds), so that
    it compares equal to the stored record."""
    return {
        "schema": METADATA_SCHEMA,
        "record_id": content.record_id,
        "staff_id": content.staff_id,
        "full_name": content.full_name,
        "policy_id": content.policy_id,
        "policy_sha256": content.policy_sha256,
        "version_label": content.version_label,
        "acknowledged_at": _utc(content.acknowledged_at).isoformat(timespec="microseconds"),
        "method": content.method,
        # The audit chain's hash just before this record, in full: `audit verify` and `verify` find
        # it in the chain (files made before it was added carry only a prefix, on the page).
        "audit_anchor": content.audit_anchor,
    } | ({"schema": METADATA_SCHEMA_WHOLE, "record": content.record} if content.record is not None else {})


def read_attestation_metadata(pdf: bytes) -> dict | None:
    """The record embedded by render_attestation, also after signing; None if absent or unreadable."""
    import io

    quick = _metadata_as_written(pdf)
    if quick is not None:
        return quick
    try:
        from pyhanko.pdf_utils.reader import PdfFileReader

        info = PdfFileReader(io.BytesIO(pdf), strict=False).trailer_view["/Info"]
        data = json.loads(str(info["/" + METADATA_KEY]))
    except Exception as exc:  # a damaged or foreign file simply carries no record we can read
        log.debug("no attestation metadata: %s", exc)
        return None
    return data if isinstance(data, dict) else None


@dataclass(frozen=True)
class AnchorInFile:
    """The audit anchor an attestation carries: in full (in its embedded record), or, for a file
    made before the full hash was embedded, only the first characters printed on the page."""

    anchor: str
    full: bool


def read_audit_anchor(pdf: bytes) -> AnchorInFile | None:
    """The anchor of the file's record; None if the file carries none that can be read."""
    metadata = read_attestation_metadata(pdf)
    anchor = metadata.get("audit_anchor") if metadata else None
    if isinstance(anchor, str) and _HEX64.fullmatch(anchor):
        return AnchorInFile(anchor, True)
    printed = _printed_anchor(pdf)
    return AnchorInFile(printed, False) if printed else None


_HEX64 = re.compile(r"[0-9a-f]{64}")
# The small print of the first release's files: "… · audit anchor 0f1e2d3c4b5a6978…".
_PRINTED_ANCHOR = re.compile(rb"audit anchor ([0-9a-f]{8,64})")
_TEXT_SHOWN = re.compile(rb"\(((?:\\.|[^\\)])*)\)\s*Tj", re.DOTALL)
_ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f", b"(": b"(", b")": b")",
            b"\\": b"\\"}


def _printed_anchor(pdf: bytes) -> str | None:
    """The anchor as printed in the small print of a file this app made: its text is drawn with
    DejaVu subsets in which ASCII letters keep their own codes, so the hex digits read as written."""
    import io

    try:
        from pyhanko.pdf_utils.reader import PdfFileReader

        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        contents = reader.root["/Pages"]["/Kids"][0].get_object()["/Contents"]
        streams = contents if isinstance(contents, list) else [contents]
        data = b"".join(stream.get_object().data for stream in streams)
    except Exception as exc:  # a damaged or foreign file: no anchor can be read from it
        log.debug("no printed anchor: %s", exc)
        return None
    shown = b" ".join(_pdf_string(found.group(1)) for found in _TEXT_SHOWN.finditer(data))
    found = _PRINTED_ANCHOR.search(shown)
    return found.group(1).decode("ascii") if found else None


def _pdf_string(body: bytes) -> bytes:
    """A PDF literal string's bytes, its escapes undone (octal, \\n …, a line continued)."""
    out = bytearray()
    index = 0
    while index < len(body):
        byte = body[index:index + 1]
        if byte != b"\\":
            out += byte
            index += 1
            continue
        following = body[index + 1:index + 2]
        octal = re.match(rb"[0-7]{1,3}", body[index + 1:index + 4])
        if octal:
            out.append(int(octal.group(0), 8) & 0xFF)
            index += 1 + len(octal.group(0))
        elif following in (b"\r", b"\n"):  # a line break inside the string is no character
            index += 2 + (body[index + 1:index + 3] == b"\r\n")
        else:
            out += _ESCAPES.get(following, following)
            index += 2
    return bytes(out)


def _metadata_as_written(pdf: bytes) -> dict | None:
    """The record read straight from the bytes, as reportlab and pyHanko write it (the last
    revision's copy), far quicker than parsing the file: `audit verify` reads it from every PDF a
    school keeps. A file built to show another record here fails the checks that follow (its
    SHA-256 against the record's, its signature). None when not found so: the parser reads it."""
    at = pdf.rfind(b"/" + METADATA_KEY.encode("ascii") + b" (")
    if at < 0:
        return None
    start = at + len(METADATA_KEY) + 3
    depth, index = 0, start
    while index < len(pdf):
        byte = pdf[index]
        if byte == 0x5C:  # backslash: the next byte is escaped
            index += 2
            continue
        if byte == 0x28:
            depth += 1
        elif byte == 0x29:
            if depth == 0:
                break
            depth -= 1
        index += 1
    else:
        return None
    try:
        data = json.loads(_pdf_string(pdf[start:index]).decode("ascii"))
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def render_attestation(content: AttestationContent, *, logo: Path | None = None) -> bytes:
    """The certificate as PDF bytes: one A4 page, byte-identical for the same content."""
    import io

    from reportlab import rl_config
    from reportlab.pdfgen.canvas import Canvas

    if content.method not in METHODS:
        raise ValueError(f"unknown attestation method {content.method!r}; expected one of {METHODS}")
    moment = _utc(content.acknowledged_at)
    logo_path: Path | None  # None when the file is missing
    logo_path = logo or content.logo or resource_path("school-logo.png")
    if not logo_path.is_file():
        log.warning("school logo %s is missing; the attestation is printed without it", logo_path)
        logo_path = None

    faces = typefaces()
    page = _Page(content, faces, logo_path)

    # Binary streams: ASCII85 (reportlab's default, done in pure Python) made each file a quarter
    # larger and took two thirds of the time. The governors' report (status_report) sets the same.
    rl_config.useA85 = 0
    buffer = io.BytesIO()
    # invariant: no wall-clock time or random ID in the file; the dates are the acknowledgement's.
    # initialFontName: not Helvetica, which is never embedded (types-reportlab wrongly has it as a float).
    canvas = Canvas(buffer, pagesize=(PAGE_WIDTH, PAGE_HEIGHT), invariant=True, pageCompression=1,
                    lang="en-GB", initialFontName=REGULAR)  # type: ignore[arg-type]
    record = json.dumps(attestation_metadata(content), ensure_ascii=True, sort_keys=True,
                        separators=(",", ":"))
    # reportlab has no public way to add an entry of our own to the document information.
    canvas._doc.info = _info_with_record(record)  # type: ignore[attr-defined]  # private: not in the stubs
    canvas.setTitle(attestation_title(content.policy_title))
    canvas.setAuthor(content.school)
    canvas.setSubject(f"Attestation record {content.record_id}: {content.full_name}")
    canvas.setCreator(f"{APP_NAME} {content.app_version}")
    canvas.setKeywords(f"staff attestation, {content.policy_title}, {content.version_label}, "
                       f"record {content.record_id}")
    creation_date = moment.strftime("D:%Y%m%d%H%M%S+00'00'")
    canvas.setDateFormatter(lambda *_: creation_date)
    page.draw(canvas)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


# Dates and words -------------------------------------------------------------------------------

# Spelled out here, not with %B: Qt sets the C locale from the desktop's, and the certificate is
# in English whatever the machine's language.


def _utc(moment: datetime) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("acknowledged_at must be timezone-aware (UTC)")
    return moment.astimezone(UTC)


def long_date(day: date) -> str:
    return for_people(day)


def acknowledged_words(moment: datetime) -> str:
    """'24 November 2026 at 14:05 UTC': always UTC, so the page does not depend on the PC's clock zone."""
    utc = _utc(moment)
    return f"{long_date(utc)} at {utc:%H:%M} UTC"


def method_words(content: AttestationContent) -> str:
    if content.method == "drawn":
        return "Signed by hand on screen"
    if content.method == "typed":
        return "Confirmed with typed name (keyboard)"
    note = (content.on_behalf_note or "").strip()
    if content.entered_at is not None:
        return (f"Recorded on behalf by {content.recorded_by} on {long_date(_utc(content.entered_at))} "
                f"from a paper form dated {long_date(_utc(content.acknowledged_at))}"
                + (f": {note}" if note else ""))
    return f"Recorded on behalf by {content.recorded_by}" + (f": {note}" if note else "")


def short_fingerprint(fingerprint: str) -> str:
    """What `holbrook verify` prints (signing_key.short_fingerprint), in groups of four for the eye."""
    from holbrook_desktop.core.attestation.signing_key import short_fingerprint as shortened

    head = shortened(fingerprint.replace(":", "").replace(" ", "").lower())
    return " ".join(head[i:i + 4] for i in range(0, len(head), 4))


def declaration_paragraphs(text: str) -> list[str]:
    """Blank lines separate paragraphs; single line breaks inside one are just spaces."""
    blocks = "\n".join(line.strip() for line in text.strip().splitlines()).split("\n\n")
    return [" ".join(block.split()) for block in blocks if block.strip()]


# Fonts -----------------------------------------------------------------------------------------

REGULAR = "HolbrookDejaVuSans"
BOLD = "HolbrookDejaVuSans-Bold"
MAX_FONTCONFIG_TRIES = 3  # loading a large font costs up to half a second


def _fallback_candidates() -> Iterator[Path]:
    """TrueType fonts with the scripts DejaVu lacks (Chinese, Japanese, Korean…), best first.
    Only TrueType outlines work in reportlab: most Noto CJK files are CFF and are skipped."""
    windows = Path(os.environ.get("WINDIR", r"C:\Windows")) / "Fonts"
    for name in ("msyh.ttc", "simsun.ttc", "arialuni.ttf", "malgun.ttf", "meiryo.ttc"):
        yield windows / name
    yield Path("/Library/Fonts/Arial Unicode.ttf")
    yield Path("/System/Library/Fonts/Supplemental/Arial Unicode.ttf")
    for name in ("wqy/wqy-zenhei.ttc", "wqy/wqy-microhei.ttc", "arphic/uming.ttc", "arphic/ukai.ttc",
                 "unfonts-core/UnDotum.ttf"):
        yield Path("/usr/share/fonts/truetype") / name


def _fontconfig_choices(char: str) -> list[Path]:
    """Fonts that fontconfig (Linux, some Macs) says have this character, in a stable order."""
    fc_list = shutil.which("fc-list")
    if not fc_list or sys.platform == "win32":
        return []
    try:
        found = subprocess.run([fc_list, "-f", "%{file}\n", f":charset={ord(char):x}"],
                               capture_output=True, text=True, timeout=5).stdout.split("\n")
    except (OSError, subprocess.SubprocessError):
        return []
    return sorted(Path(name) for name in set(found) if name.lower().endswith((".ttf", ".ttc")))


class _Typefaces:
    """DejaVu Sans (shipped) for nearly everything, and system fonts found on first need for the
    characters it lacks; registered once per process, as loading a font costs tens of ms."""

    def __init__(self) -> None:
        from reportlab.pdfbase import pdfmetrics

        self._metrics = pdfmetrics
        self._coverage: dict[str, dict[int, int]] = {}
        self._register(REGULAR, resource_path("fonts", "DejaVuSans.ttf"))
        self._register(BOLD, resource_path("fonts", "DejaVuSans-Bold.ttf"))
        self._fallbacks: list[str] = []
        self._unsearched = _fallback_candidates()
        self._fallback_for: dict[str, str | None] = {}
        self._tried: set[Path] = set()
        self._lock = threading.Lock()

    def _register(self, name: str, path: Path) -> bool:
        from reportlab.pdfbase.ttfonts import TTFont

        try:
            font = TTFont(name, str(path))
        except Exception as exc:  # CFF outlines, a damaged file, an unreadable collection
            if name in (REGULAR, BOLD):
                raise
            log.info("cannot use %s as a fallback font: %s", path, exc)
            return False
        self._metrics.registerFont(font)
        self._coverage[name] = font.face.charToGlyph
        return True

    def _try(self, path: Path) -> bool:
        if path in self._tried or not path.is_file():
            return False
        self._tried.add(path)
        # Named after the file, so that the same font always has the same name in the process.
        name = "HolbrookFallback-" + "".join(c for c in path.stem if c.isascii() and c.isalnum())
        if self._register(name, path):
            self._fallbacks.append(name)
            log.info("fallback font %s: %s", name, path)
            return True
        return False

    def _fallback(self, char: str) -> str | None:
        with self._lock:
            if char in self._fallback_for:
                return self._fallback_for[char]
            found = next((f for f in self._fallbacks if ord(char) in self._coverage[f]), None)
            while found is None:
                path = next(self._unsearched, None)
                if path is None:
                    break
                if self._try(path) and ord(char) in self._coverage[self._fallbacks[-1]]:
                    found = self._fallbacks[-1]
            for path in [] if found else _fontconfig_choices(char)[:MAX_FONTCONFIG_TRIES]:
                if self._try(path) and ord(char) in self._coverage[self._fallbacks[-1]]:
                    found = self._fallbacks[-1]
                    break
            if found is None:
                log.warning("no font on this computer has %r (U+%04X): it prints as a box, but stays in "
                            "the PDF's text", char, ord(char))
            self._fallback_for[char] = found
            return found

    def runs(self, text: str, bold: bool) -> list[tuple[str, str, bool]]:
        """(font, characters, covered) runs; uncovered characters stay in the primary font (they
        print as boxes) and are marked so that the text can still be copied and searched."""
        primary = BOLD if bold else REGULAR
        coverage = self._coverage[primary]
        runs: list[tuple[str, str, bool]] = []
        for char in text:
            category = unicodedata.category(char)
            if category == "Cf":  # invisible format marks (zero-width joiners…) have no glyph to draw
                continue
            if category == "Cc":  # a stray tab or line break in a one-line value
                char = " "
            if ord(char) in coverage or char == " ":
                key = (primary, True)
            else:
                fallback = self._fallback(char)
                key = (fallback, True) if fallback else (primary, False)
            if runs and (runs[-1][0], runs[-1][2]) == key:
                runs[-1] = (key[0], runs[-1][1] + char, key[1])
            else:
                runs.append((key[0], char, key[1]))
        return runs

    def string_width(self, text: str, font: str, size: float) -> float:
        return self._metrics.stringWidth(text, font, size)

    def width(self, text: str, style: _Style) -> float:
        return sum(self._metrics.stringWidth(chunk, font, style.size)
                   for font, chunk, _ in self.runs(text, style.bold))


_faces: _Typefaces | None = None
_faces_lock = threading.Lock()


def typefaces() -> _Typefaces:
    global _faces
    with _faces_lock:
        if _faces is None:
            _faces = _Typefaces()
        return _faces


# Layout ----------------------------------------------------------------------------------------

PAGE_WIDTH, PAGE_HEIGHT = 595.2756, 841.8898  # A4 in points
MARGIN = 56.0
CONTENT_WIDTH = PAGE_WIDTH - 2 * MARGIN
BORDER_INSET = 24.0

NAVY = "#1d3f6e"
INK = "#1c2530"
MUTED = "#5b6672"
RULE = "#c9d3df"
PANEL = "#f1f4f8"
SIGNATURE_INK = "#14213d"


@dataclass(frozen=True)
class _Style:
    size: float
    leading: float
    bold: bool = False
    colour: str = INK


SCHOOL = _Style(15, 18, bold=True, colour=NAVY)
KICKER = _Style(8.5, 11, colour=MUTED)
TITLE = _Style(20, 25, bold=True, colour=NAVY)
RECORD_NUMBER = _Style(13, 16, bold=True, colour=NAVY)
LABEL = _Style(7.5, 10, bold=True, colour=MUTED)
VALUE = _Style(10.5, 13.5)
HEADING = _Style(10, 13, bold=True, colour=NAVY)
CELL_LABEL = _Style(8.5, 12, colour=MUTED)
CELL = _Style(9, 12)
HASH = _Style(8.2, 12)  # small enough for all 64 hex digits on one line
SIGNED_BY = _Style(11, 14, bold=True)
BOX_NOTE = _Style(9.5, 12, colour=MUTED)
SMALL = _Style(7, 9.2, colour=MUTED)
FOOTNOTE = _Style(7.5, 9.8, colour=INK)
NAME_SIZES = (17, 16, 15, 14, 13, 12)
TYPED_SIGNATURE_SIZES = (16, 14, 12, 10, 8)


@dataclass(frozen=True)
class _Spacing:
    """The distances that give way when a record is long."""

    gaps: tuple[float, ...]  # after the header, title, person, declaration and details
    logo: float
    panel_padding: float
    row_padding: float
    signature_height: float

    def loosened(self, extra: float) -> _Spacing:
        return replace(self, gaps=tuple(gap + extra for gap in self.gaps))

    def towards(self, other: _Spacing, share: float) -> _Spacing:
        def mix(a: float, b: float) -> float:
            return a + (b - a) * share

        return _Spacing(tuple(mix(a, b) for a, b in zip(self.gaps, other.gaps, strict=True)),
                        mix(self.logo, other.logo), mix(self.panel_padding, other.panel_padding),
                        mix(self.row_padding, other.row_padding),
                        mix(self.signature_height, other.signature_height))


ROOMY = _Spacing(gaps=(14, 12, 18, 14, 18), logo=54, panel_padding=12, row_padding=3, signature_height=78)
TIGHT = _Spacing(gaps=(8, 6, 12, 8, 12), logo=44, panel_padding=8, row_padding=1.5, signature_height=62)
# The declaration is what the person agrees to, so at each size of it the page first tightens its
# spacing; only then does the declaration get smaller, down to 7.5 pt; past that, an error.
DECLARATION_SIZES = (10.5, 10, 9.5, 9, 8.5, 8, 7.5)
TIGHTENING = (0.0, 0.5, 1.0)
MAX_EXTRA_GAP = 8.0  # a short record spreads out this much between blocks, no more
FOOTER_CLEARANCE = 20.0  # from the last block to the footer's text (its rule is 8 pt above that)
SIGNATURE_WIDTH = 250.0


def _rgb(colour: str) -> tuple[float, float, float]:
    return (int(colour[1:3], 16) / 255, int(colour[3:5], 16) / 255, int(colour[5:7], 16) / 255)


def _actual_text(text: str) -> str:
    return "<FEFF" + text.encode("utf-16-be").hex().upper() + ">"


class _Page:
    """Lays the certificate out top to bottom; without a canvas it only measures."""

    def __init__(self, content: AttestationContent, faces: _Typefaces, logo: Path | None) -> None:
        self.content = content
        self.faces = faces
        self.logo = logo
        self.canvas: Any = None
        self.spacing = ROOMY
        # Fitting lays the page out several times over: remember what has been measured.
        self._unit_widths: dict[tuple[str, bool], float] = {}
        self._wrapped: dict[tuple[str, _Style, float], list[str]] = {}

    def width(self, text: str, style: _Style) -> float:
        key = (text, style.bold)
        if key not in self._unit_widths:
            self._unit_widths[key] = self.faces.width(text, _Style(1, 1, bold=style.bold))
        return self._unit_widths[key] * style.size

    # text ------------------------------------------------------------------

    def wrap(self, text: str, style: _Style, width: float) -> list[str]:
        """Greedy word wrap; a word wider than the line is broken after a hyphen if it has one
        (a double-barrelled name), else between characters (a hash, a name written without spaces)."""
        key = (text, style, width)
        if key in self._wrapped:
            return self._wrapped[key]
        width_of = self.width
        space = width_of(" ", style)
        lines: list[str] = []
        for source_line in unicodedata.normalize("NFC", text).split("\n"):
            current, current_width = "", 0.0
            for word in source_line.split():
                word_width = width_of(word, style)
                if current and current_width + space + word_width <= width:
                    current, current_width = f"{current} {word}", current_width + space + word_width
                    continue
                if current:
                    lines.append(current)
                while word_width > width and len(word) > 1:
                    cut = len(word) - 1
                    while cut > 1 and width_of(word[:cut], style) > width:
                        cut -= 1
                    hyphen = word.rfind("-", 1, cut)
                    cut = hyphen + 1 if hyphen > 0 else cut
                    lines.append(word[:cut])
                    word = word[cut:]
                    word_width = width_of(word, style)
                current, current_width = word, word_width
            lines.append(current)
        self._wrapped[key] = lines
        return lines

    def line(self, x: float, baseline: float, text: str, style: _Style, *, align: str = "left") -> None:
        canvas = self.canvas
        if canvas is None:
            return
        text = unicodedata.normalize("NFC", text)
        if align == "right":
            x -= self.width(text, style)
        elif align == "centre":
            x -= self.width(text, style) / 2
        canvas.setFillColorRGB(*_rgb(style.colour))
        for font, chunk, covered in self.faces.runs(text, style.bold):
            if not covered:
                # No font here has these letters: they print as boxes, but ActualText keeps the
                # real characters for copying, searching and screen readers.
                canvas.addLiteral(f"/Span <</ActualText {_actual_text(chunk)}>> BDC")
            canvas.setFont(font, style.size)
            canvas.drawString(x, baseline, chunk)
            if not covered:
                canvas.addLiteral("EMC")
            x += self.faces.string_width(chunk, font, style.size)

    def text(self, x: float, top: float, text: str, style: _Style, width: float,
             *, align: str = "left") -> float:
        """Wrapped text hanging from `top`; returns the y just below its last line."""
        return self.lines(x, top, self.wrap(text, style, width), style, width, align=align)

    def lines(self, x: float, top: float, lines: list[str], style: _Style, width: float,
              *, align: str = "left") -> float:
        anchor = {"left": x, "right": x + width, "centre": x + width / 2}[align]
        for index, line in enumerate(lines):
            self.line(anchor, top - (index + 0.8) * style.leading, line, style, align=align)
        return top - len(lines) * style.leading

    def rule(self, y: float, *, colour: str = RULE, thickness: float = 0.5) -> None:
        if self.canvas is not None:
            self.canvas.setStrokeColorRGB(*_rgb(colour))
            self.canvas.setLineWidth(thickness)
            self.canvas.line(MARGIN, y, MARGIN + CONTENT_WIDTH, y)

    # the page --------------------------------------------------------------

    def fit(self) -> tuple[_Style, _Spacing]:
        """The declaration as large as fits, the spacing as roomy as fits with it."""
        for size in DECLARATION_SIZES:
            style = _Style(size, round(size * 1.42, 2))
            for share in TIGHTENING:
                spacing = ROOMY.towards(TIGHT, share)
                room = self.compose(style, spacing) - self.footer_top() - FOOTER_CLEARANCE
                if room >= 0:
                    # Spare room goes between the blocks: a little on a short record, and on a
                    # tightened page no more than brings the gaps back to the roomy ones.
                    limit = MAX_EXTRA_GAP if share == 0 else ROOMY.gaps[0] - spacing.gaps[0]
                    return style, spacing.loosened(min(room / len(spacing.gaps), limit))
        raise ValueError(
            f"attestation record {self.content.record_id} does not fit on one page, even with the "
            f"declaration at {DECLARATION_SIZES[-1]} pt: shorten the declaration or the on-behalf note")

    def draw(self, canvas: Any) -> None:
        declaration, spacing = self.fit()
        self.canvas = canvas
        try:
            self.border()
            self.compose(declaration, spacing)
            self.footer()
        finally:
            self.canvas = None

    def compose(self, declaration: _Style, spacing: _Spacing) -> float:
        """Every block but the footer, from the top; returns the y below the last."""
        self.spacing = spacing
        gaps = spacing.gaps
        y = self.header(PAGE_HEIGHT - MARGIN) - gaps[0]
        y = self.text(MARGIN, y, attestation_title(self.content.policy_title), TITLE, CONTENT_WIDTH) - gaps[1]
        y = self.person(y) - gaps[2]
        y = self.declaration(y, declaration) - gaps[3]
        y = self.details(y) - gaps[4]
        return self.signature(y)

    def border(self) -> None:
        canvas = self.canvas
        canvas.setStrokeColorRGB(*_rgb(NAVY))
        canvas.setLineWidth(1.2)
        canvas.rect(BORDER_INSET, BORDER_INSET, PAGE_WIDTH - 2 * BORDER_INSET, PAGE_HEIGHT - 2 * BORDER_INSET)
        inner = BORDER_INSET + 4
        canvas.setLineWidth(0.4)
        canvas.rect(inner, inner, PAGE_WIDTH - 2 * inner, PAGE_HEIGHT - 2 * inner)

    def header(self, top: float) -> float:
        size = self.spacing.logo
        x = MARGIN
        if self.logo is not None:
            if self.canvas is not None:
                self.canvas.drawImage(str(self.logo), MARGIN, top - size, size, size, mask="auto",
                                      preserveAspectRatio=True)
            x += size + 12
        record = f"Record {self.content.record_id}"
        record_width = max(self.width(record, RECORD_NUMBER), 100)
        width = CONTENT_WIDTH - (x - MARGIN) - record_width - 16
        y = self.text(x, top - size / 2 + 15, self.content.school, SCHOOL, width)
        self.text(x, y - 2, f"{APP_NAME} · staff policy attestation", KICKER, width)
        right = MARGIN + CONTENT_WIDTH
        self.line(right, top - size / 2 + 7, "ATTESTATION RECORD", LABEL, align="right")
        self.line(right, top - size / 2 - 10, record, RECORD_NUMBER, align="right")
        bottom = top - size - 10
        self.rule(bottom, colour=NAVY, thickness=0.8)
        return bottom

    def person(self, top: float) -> float:
        content = self.content
        pad = self.spacing.panel_padding
        inner = CONTENT_WIDTH - 2 * pad
        name_style, name_lines = self.fitted_name(content.full_name, inner)
        height = 2 * pad + 2 * LABEL.leading + len(name_lines) * name_style.leading + 6 + VALUE.leading
        if self.canvas is not None:
            self.canvas.setFillColorRGB(*_rgb(PANEL))
            self.canvas.setStrokeColorRGB(*_rgb(RULE))
            self.canvas.setLineWidth(0.5)
            self.canvas.roundRect(MARGIN, top - height, CONTENT_WIDTH, height, 5, stroke=1, fill=1)
        x = MARGIN + pad
        y = self.text(x, top - pad, "NAME", LABEL, inner)
        y = self.lines(x, y, name_lines, name_style, inner) - 6
        column = inner / 2
        self.text(x, y, "ROLE", LABEL, column)
        self.text(x + column, y, "STAFF NUMBER", LABEL, column)
        y -= LABEL.leading
        self.text(x, y, content.role_label, VALUE, column - 8)
        self.text(x + column, y, content.staff_number or "—", VALUE, column)
        return top - height

    def fitted_name(self, name: str, width: float) -> tuple[_Style, list[str]]:
        """The name as large as fits on one line; a very long one wraps at the smallest size."""
        for size in NAME_SIZES:
            style = _Style(size, size * 1.25, bold=True)
            lines = self.wrap(name, style, width)
            if len(lines) == 1:
                break
        return style, lines

    def declaration(self, top: float, style: _Style) -> float:
        y = self.text(MARGIN, top, "Declaration", HEADING, CONTENT_WIDTH) - 4
        indent = 12.0
        start = y
        for index, paragraph in enumerate(declaration_paragraphs(self.content.declaration)):
            if index:
                y -= style.leading * 0.45
            y = self.text(MARGIN + indent, y, paragraph, style, CONTENT_WIDTH - indent)
        if self.canvas is not None:
            # A quiet bar down the left sets the person's own words apart.
            self.canvas.setStrokeColorRGB(*_rgb(NAVY))
            self.canvas.setLineWidth(2)
            self.canvas.line(MARGIN + 1, start - 2, MARGIN + 1, y + 2)
        return y

    def details_rows(self) -> list[tuple[str, str, _Style]]:
        content = self.content
        if content.quiz_summary:
            quiz = content.quiz_summary
        elif content.method == "on-behalf":
            quiz = "Not taken on screen (recorded on behalf)"
        else:
            quiz = "No quiz recorded"
        moment = _utc(content.acknowledged_at)
        return [
            ("Policy", f"{content.policy_title} ({content.policy_id})", CELL),
            ("Policy version", content.version_label, CELL),
            ("Effective date", long_date(content.effective), CELL),
            ("Policy text SHA-256", content.policy_sha256, HASH),
            ("Quiz", quiz, CELL),
            ("Acknowledged", f"{acknowledged_words(moment)} ({moment:%Y-%m-%dT%H:%M:%SZ})", CELL),
            ("Method", method_words(content), CELL),
            ("Typed name", content.typed_name or "—", CELL),
        ]

    def details(self, top: float) -> float:
        y = self.text(MARGIN, top, "Record details", HEADING, CONTENT_WIDTH) - 2
        label_width = 112.0
        pad = self.spacing.row_padding
        for label, value, style in self.details_rows():
            self.text(MARGIN, y - pad - 0.6, label, CELL_LABEL, label_width - 8)
            y = self.text(MARGIN + label_width, y - pad, value, style, CONTENT_WIDTH - label_width) - pad
            self.rule(y, thickness=0.35)
        return y

    def signature(self, top: float) -> float:
        """The signature box and, beside it, who signed and when, in words."""
        content = self.content
        height = self.spacing.signature_height
        y = self.text(MARGIN, top, "Signature", HEADING, CONTENT_WIDTH) - 4
        if self.canvas is not None:
            self.canvas.setStrokeColorRGB(*_rgb(RULE))
            self.canvas.setFillColorRGB(1, 1, 1)
            self.canvas.setLineWidth(0.6)
            self.canvas.roundRect(MARGIN, y - height, SIGNATURE_WIDTH, height, 4, stroke=1, fill=1)
            self.signature_inside(MARGIN, y - height, SIGNATURE_WIDTH, height)
        x = MARGIN + SIGNATURE_WIDTH + 18
        width = CONTENT_WIDTH - SIGNATURE_WIDTH - 18
        side = self.text(x, y - 2, "SIGNED BY", LABEL, width)
        side = self.text(x, side, content.full_name, SIGNED_BY, width)
        side = self.text(x, side, content.role_label, CELL, width) - 5
        side = self.text(x, side, "DATE", LABEL, width)
        side = self.text(x, side, long_date(_utc(content.acknowledged_at)), CELL, width)
        return min(y - height, side)

    def signature_inside(self, x: float, y: float, width: float, height: float) -> None:
        content = self.content
        middle = x + width / 2
        if content.method == "drawn" and content.signature is not None and not content.signature.is_empty:
            draw_signature(self.canvas, content.signature, x, y, width, height)
        elif content.method == "typed":
            for size in TYPED_SIGNATURE_SIZES:
                style = _Style(size, size * 1.25, colour=SIGNATURE_INK)
                if self.width(content.typed_name, style) <= width - 20:
                    break
            self.line(middle, y + height / 2 + 1, content.typed_name, style, align="centre")
            self.line(middle, y + 9, "Confirmed by typed name", SMALL, align="centre")
        elif content.method == "on-behalf":
            self.line(middle, y + height / 2 - 3, "Signed on paper — recorded on behalf", BOX_NOTE,
                      align="centre")
        else:
            self.line(middle, y + height / 2 - 3, "No signature was captured", BOX_NOTE, align="centre")

    def footer_text(self) -> tuple[list[str], list[str]]:
        content = self.content
        anchor = content.audit_anchor  # in full: a reader can look it up in the chain
        signer = f"PC '{content.signing_pc}' of {content.school}" if content.signing_pc else content.school
        check = (f"This document is digitally signed by {signer} (certificate "
                 f"{short_fingerprint(content.certificate_fingerprint)}). To check it: open it in a PDF "
                 "reader and look at the signature panel, or run: holbrook verify <this file>.")
        record = (f"Record {content.record_id} · machine {content.machine} · user {content.recorded_by} · "
                  f"{APP_NAME} {content.app_version} · audit anchor {anchor}")
        return self.wrap(check, FOOTNOTE, CONTENT_WIDTH), self.wrap(record, SMALL, CONTENT_WIDTH)

    def footer_top(self) -> float:
        check, record = self.footer_text()
        return MARGIN - 4 + len(check) * FOOTNOTE.leading + 4 + len(record) * SMALL.leading

    def footer(self) -> None:
        check, record = self.footer_text()
        top = self.footer_top()
        self.rule(top + 8, thickness=0.5)
        y = self.lines(MARGIN, top, check, FOOTNOTE, CONTENT_WIDTH) - 4
        self.lines(MARGIN, y, record, SMALL, CONTENT_WIDTH)


def draw_signature(canvas: Any, signature: Signature, x: float, y: float, width: float, height: float,
                   *, padding: float = 8.0) -> None:
    """The pad's strokes as vector lines, the ink scaled to fill the box with its proportions kept
    (the pad's y runs downwards, the PDF's upwards)."""
    points = [p for stroke in signature.strokes for p in stroke]
    if not points:
        return
    left, right = min(p[0] for p in points), max(p[0] for p in points)
    upper, lower = min(p[1] for p in points), max(p[1] for p in points)
    ink_width, ink_height = max(right - left, 1e-6), max(lower - upper, 1e-6)
    scale = min((width - 2 * padding) / ink_width, (height - 2 * padding) / ink_height)
    # A tiny scribble is not blown up beyond three times the size it had on the pad's own box.
    if signature.width > 0 and signature.height > 0:
        scale = min(scale, 3 * min(width / signature.width, height / signature.height))
    origin_x = x + (width - ink_width * scale) / 2 - left * scale
    origin_y = y + height - (height - ink_height * scale) / 2 + upper * scale

    def place(point: tuple[float, float]) -> tuple[float, float]:
        return origin_x + point[0] * scale, origin_y - point[1] * scale

    canvas.saveState()
    canvas.setStrokeColorRGB(*_rgb(SIGNATURE_INK))
    canvas.setFillColorRGB(*_rgb(SIGNATURE_INK))
    canvas.setLineWidth(1.3)
    canvas.setLineCap(1)
    canvas.setLineJoin(1)
    path = canvas.beginPath()
    for stroke in signature.strokes:
        if len(stroke) == 1:  # a dot, such as over an i
            dot_x, dot_y = place(stroke[0])
            canvas.circle(dot_x, dot_y, 0.9, stroke=0, fill=1)
            continue
        path.moveTo(*place(stroke[0]))
        for point in stroke[1:]:
            path.lineTo(*place(point))
    canvas.drawPath(path, stroke=1, fill=0)
    canvas.restoreState()


_info_class: type[Any] | None = None


def _info_with_record(record: str) -> Any:
    """reportlab's document information dictionary with our record added under METADATA_KEY."""
    global _info_class
    if _info_class is None:
        from reportlab.pdfbase import pdfdoc

        class AttestationInfo(pdfdoc.PDFInfo):
            attestation = ""

            def digest(self, md5object: Any) -> None:
                # The document ID is derived from this digest: the record makes it unique per file.
                super().digest(md5object)
                md5object.update(self.attestation.encode("ascii"))

            def format(self, document: Any) -> bytes:
                # _dateFormatter: a private class attribute of PDFInfo, which the stubs leave out.
                date_stamp = pdfdoc.PDFDate(ts=document._timeStamp,
                                            dateFormatter=self._dateFormatter)  # type: ignore[attr-defined]
                entries = {
                    "Title": pdfdoc.PDFString(self.title),
                    "Author": pdfdoc.PDFString(self.author),
                    "Subject": pdfdoc.PDFString(self.subject),
                    "Keywords": pdfdoc.PDFString(self.keywords),
                    "Creator": pdfdoc.PDFString(self.creator),
                    "Producer": pdfdoc.PDFString(self.producer),
                    "CreationDate": date_stamp,
                    "ModDate": date_stamp,
                    "Trapped": pdfdoc.PDFName(self.trapped),
                    METADATA_KEY: pdfdoc.PDFString(self.attestation),
                }
                return pdfdoc.PDFDictionary(entries).format(document)

        _info_class = AttestationInfo
    info = _info_class()
    info.attestation = record
    return info
