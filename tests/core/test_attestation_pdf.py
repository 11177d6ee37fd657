"""The attestation PDF: what a person reads on it, what a machine reads from it, and that it is
the same file every time for the same record."""

from __future__ import annotations

import hashlib
import io
import math
import os
import re
import shutil
import subprocess
import sys
import zlib
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from holbrook_desktop.core.attestation import pdf as attestation_pdf
from holbrook_desktop.core.attestation.pdf import (
    AttestationContent,
    acknowledged_words,
    attestation_metadata,
    long_date,
    read_attestation_metadata,
    render_attestation,
    short_fingerprint,
)
from holbrook_desktop.core.attestation.signature import Signature
from tests.conftest import REPO

POLICY_SHA256 = "5d41402abc4b2a76b9719d911017c592" "7e0f5d2a4c1b3e6f8a9b0c1d2e3f4a5b"
AUDIT_ANCHOR = "0f1e2d3c4b5a69788796a5b4c3d2e1f00123456789abcdef0123456789abcdef"
FINGERPRINT = "ab12cd34ef567890" * 4
DECLARATION = (
    "I confirm that I have read and understood the Social Media Policy of Holbrook Primary School "
    "(2024-09 v3) and that I have had the chance to ask questions about it.\n\n"
    "I understand that it applies to my personal use of social media as well as to any use on behalf "
    "of the school, and that I must keep my personal and professional lives separate.\n\n"
    "I will follow the policy. I understand that a breach of it may lead to disciplinary action, as "
    "section 9 of the policy sets out."
)
LONG_NAME = "Maximiliana Alexandrovna Featherstonehaugh-Cholmondeley-Smyth"  # 61 characters
CLAUSE = ("staff must keep their personal and professional lives separate and must not use social media "
          "in any way that could bring the school into disrepute or breach the confidentiality of pupils "
          "parents or colleagues")


def handwriting() -> Signature:
    """Looping strokes like a quick cursive signature, a crossing stroke and a dot."""
    loops = []
    for i in range(160):
        t = i / 159
        angle = t * 9 * math.pi
        loops.append((40 + 360 * t - 18 * math.sin(angle), 110 - 40 * math.cos(angle) * (1 - 0.4 * t)))
    cross = [(60 + 8 * i, 60 - 0.6 * i) for i in range(40)]
    return Signature.from_points(600, 200, [loops, cross, [(430, 70)]])


def attestation(**changes) -> AttestationContent:
    content = AttestationContent(
        record_id=4711, school="Holbrook Primary School", policy_id="social-media",
        policy_title="Social Media Policy", version_label="2024-09 v3", effective=date(2024, 9, 1),
        policy_sha256=POLICY_SHA256, staff_id=17, full_name="Zoë Łukasiewicz", role_label="Teacher",
        staff_number="T0423", declaration=DECLARATION, method="drawn", typed_name="Zoë Łukasiewicz",
        signature=handwriting(),
        quiz_summary="Induction quiz: 9 of 10 (90%), passed on 24 November 2026",
        acknowledged_at=datetime(2026, 11, 24, 14, 5, 7, 250000, tzinfo=UTC), recorded_by="zlukasiewicz",
        machine="STAFFROOM-PC2", app_version="0.1.0", on_behalf_note=None, audit_anchor=AUDIT_ANCHOR,
        certificate_fingerprint=FINGERPRINT,
    )
    return replace(content, **changes)


def typed(**changes) -> AttestationContent:
    return attestation(method="typed", signature=None, **changes)


def on_behalf(**changes) -> AttestationContent:
    return attestation(**{"method": "on-behalf", "signature": None, "typed_name": "", "quiz_summary": None,
                          "recorded_by": "office-admin",
                          "on_behalf_note": "Signed the paper form at the September INSET day", **changes})


def declaration_of(words: int, paragraphs: int = 4) -> str:
    vocabulary = CLAUSE.split()
    chosen = [vocabulary[i % len(vocabulary)] for i in range(words)]
    size = math.ceil(words / paragraphs)
    return "\n\n".join(" ".join(chosen[i:i + size]).capitalize() + "."
                       for i in range(0, words, size))


def poppler(tool: str, pdf: bytes, tmp_path: Path, *args: str) -> str:
    if shutil.which(tool) is None:
        pytest.skip(f"{tool} (poppler-utils) is not installed")
    path = tmp_path / "attestation.pdf"
    path.write_bytes(pdf)
    result = subprocess.run([tool, *args, str(path), *(["-"] if tool == "pdftotext" else [])],
                            capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stderr
    return result.stdout


def page_text(pdf: bytes, tmp_path: Path) -> str:
    """The page's text as pdftotext gives it, with runs of whitespace made single spaces."""
    return " ".join(poppler("pdftotext", pdf, tmp_path).split())


def page_count(pdf: bytes, tmp_path: Path) -> int:
    return int(re.search(r"^Pages:\s+(\d+)", poppler("pdfinfo", pdf, tmp_path), re.M).group(1))


def content_streams(pdf: bytes) -> list[bytes]:
    """Every compressed stream in the file, decompressed (zlib stops at the end of its own data)."""
    streams = []
    for found in re.finditer(rb"stream\r?\n", pdf):
        try:
            streams.append(zlib.decompressobj().decompress(pdf[found.end():]))
        except zlib.error:
            continue
    return streams


@pytest.fixture
def no_fallback_fonts(monkeypatch):
    """Fresh font registry that finds no system fonts at all (whatever this machine has)."""
    monkeypatch.setattr(attestation_pdf, "_faces", None)
    monkeypatch.setattr(attestation_pdf, "_fallback_candidates", lambda: iter(()))
    monkeypatch.setattr(attestation_pdf, "_fontconfig_choices", lambda char: [])


# What a person reads ---------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["Zoë Łukasiewicz", "Дмитрий Иванов", "Γιώργος Παπαδόπουλος",
                                  "Siân Ó Briain-Müller"])
def test_the_name_hash_record_and_declaration_can_be_read_from_the_page(tmp_path, name):
    text = page_text(render_attestation(attestation(full_name=name, typed_name=name)), tmp_path)
    assert name in text
    assert POLICY_SHA256 in text
    assert "Record 4711" in text
    assert " ".join(DECLARATION.split()) in text
    assert "Social Media Policy — Staff Attestation" in text
    for fact in ("Teacher", "T0423", "2024-09 v3", "1 September 2024",
                 "Induction quiz: 9 of 10 (90%), passed on 24 November 2026",
                 "24 November 2026 at 14:05 UTC", "Signed by hand on screen"):
        assert fact in text


def test_small_print_names_the_record_machine_user_and_how_to_check(tmp_path):
    text = page_text(render_attestation(attestation()), tmp_path)
    assert ("Record 4711 · machine STAFFROOM-PC2 · user zlukasiewicz · Holbrook Staff Handbook 0.1.0 · "
            f"audit anchor {AUDIT_ANCHOR}") in text  # in full, so that it can be looked up
    assert ("This document is digitally signed by Holbrook Primary School (certificate ab12 cd34 ef56 "
            "7890). To check it: open it in a PDF reader and look at the signature panel, or run: "
            "holbrook verify <this file>.") in text


def test_typed_confirmation_is_worded_as_such(tmp_path):
    text = page_text(render_attestation(typed(full_name="Дмитрий Иванов", typed_name="Дмитрий Иванов")),
                     tmp_path)
    assert "Confirmed with typed name (keyboard)" in text
    assert "Confirmed by typed name" in text
    assert text.count("Дмитрий Иванов") >= 3  # the name, the typed name row, the box


def test_on_behalf_record_says_who_recorded_it_and_why(tmp_path):
    text = page_text(render_attestation(on_behalf()), tmp_path)
    assert "Recorded on behalf by office-admin: Signed the paper form at the September INSET day" in text
    assert "Signed on paper — recorded on behalf" in text
    assert "Signed by hand on screen" not in text


def test_everything_fits_on_one_page_with_a_long_declaration_and_a_long_name(tmp_path):
    long_declaration = declaration_of(250)
    content = on_behalf(full_name=LONG_NAME, typed_name=LONG_NAME, declaration=long_declaration,
                        on_behalf_note="Signed the paper form at the September INSET day; the scanned "
                                       "copy is in the HR file with the induction checklist.")
    pdf = render_attestation(content)
    assert page_count(pdf, tmp_path) == 1
    text = page_text(pdf, tmp_path)
    assert LONG_NAME in text
    assert " ".join(long_declaration.split()) in text


def test_a_declaration_that_cannot_fit_is_refused_clearly():
    with pytest.raises(ValueError, match="does not fit on one page"):
        render_attestation(attestation(declaration=declaration_of(1200)))


def test_fonts_are_embedded_truetype_subsets(tmp_path):
    pdf = render_attestation(attestation(full_name="Γιώργος Παπαδόπουλος"))
    rows = poppler("pdffonts", pdf, tmp_path).splitlines()[2:]
    assert rows, "the page has no fonts"
    for row in rows:
        assert "TrueType" in row and "Type 3" not in row, row
        emb, sub, uni = row.split()[-5:-2]
        assert (emb, sub, uni) == ("yes", "yes", "yes"), row


def test_the_drawn_signature_is_vector_ink_and_the_page_renders(tmp_path):
    signed = render_attestation(attestation())
    unsigned = render_attestation(attestation(signature=None))
    assert signed != unsigned
    line_segments = sum(len(re.findall(rb"-?[\d.]+ -?[\d.]+ l(?=\s)", stream))
                        for stream in content_streams(signed))
    assert line_segments >= sum(len(stroke) - 1 for stroke in handwriting().strokes if len(stroke) > 1)
    # One image, the logo with its transparency mask: the signature is ink, not a picture.
    assert signed.count(b"/Subtype /Image") == 2
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm (poppler-utils) is not installed")
    (tmp_path / "signed.pdf").write_bytes(signed)
    subprocess.run(["pdftoppm", "-r", "50", "-png", str(tmp_path / "signed.pdf"), str(tmp_path / "page")],
                   check=True, capture_output=True, timeout=30)
    assert list(tmp_path.glob("page*.png"))


def test_without_the_logo_file_the_certificate_is_still_made(tmp_path):
    pdf = render_attestation(attestation(), logo=tmp_path / "no-such-logo.png")
    assert b"/Subtype /Image" not in pdf
    assert page_count(pdf, tmp_path) == 1
    assert "Holbrook Primary School" in page_text(pdf, tmp_path)


def test_the_shipped_logo_is_used_by_default():
    assert b"/Subtype /Image" in render_attestation(attestation())


# Names in scripts DejaVu Sans lacks ------------------------------------------------------------

def test_a_name_no_font_can_draw_still_produces_a_pdf_with_the_name_as_text(tmp_path, no_fallback_fonts):
    pdf = render_attestation(typed(full_name="王小明 (Wang Xiaoming)", typed_name="王小明"))
    assert page_count(pdf, tmp_path) == 1
    text = page_text(pdf, tmp_path)
    assert "王小明 (Wang Xiaoming)" in text
    assert "王小明" in text.replace("王小明 (Wang Xiaoming)", "")


def test_letters_missing_from_dejavu_switch_to_a_fallback_font(tmp_path, monkeypatch, no_fallback_fonts):
    # DejaVu's maths font has letters DejaVu Sans lacks, such as U+210A (script small g): enough to
    # check the switching on any machine that has it.
    maths = Path("/usr/share/fonts/truetype/dejavu/DejaVuMathTeXGyre.ttf")
    if not maths.is_file():
        pytest.skip("no DejaVu Math TeX Gyre font on this machine")
    monkeypatch.setattr(attestation_pdf, "_fallback_candidates", lambda: iter([maths]))
    name = "Anaℊ Smith"
    pdf = render_attestation(attestation(full_name=name))
    assert name in page_text(pdf, tmp_path)
    assert "DejaVuMathTeXGyre" in poppler("pdffonts", pdf, tmp_path)


def test_a_chinese_name_uses_a_chinese_font_when_the_computer_has_one(tmp_path):
    fallback = attestation_pdf.typefaces()._fallback("王")
    if fallback is None:
        pytest.skip("no TrueType font with Chinese characters on this machine")
    pdf = render_attestation(typed(full_name="王小明", typed_name="王小明"))
    assert "王小明" in page_text(pdf, tmp_path)
    assert len(poppler("pdffonts", pdf, tmp_path).splitlines()[2:]) == 3


# What a machine reads --------------------------------------------------------------------------

def test_the_same_record_gives_the_same_bytes():
    assert render_attestation(attestation()) == render_attestation(attestation())
    assert render_attestation(on_behalf()) == render_attestation(on_behalf())
    assert render_attestation(attestation()) != render_attestation(attestation(record_id=4712))


def test_the_same_record_gives_the_same_bytes_in_another_process():
    script = ("import hashlib; from tests.core.test_attestation_pdf import attestation; "
              "from holbrook_desktop.core.attestation.pdf import render_attestation; "
              "print(hashlib.sha256(render_attestation(attestation())).hexdigest())")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=REPO,
                            timeout=60, env={**os.environ, "PYTHONHASHSEED": "12345"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == hashlib.sha256(render_attestation(attestation())).hexdigest()


def test_the_file_carries_its_dates_and_description(tmp_path):
    info = poppler("pdfinfo", render_attestation(attestation()), tmp_path)
    assert re.search(r"^Title:\s+Social Media Policy — Staff Attestation$", info, re.M)
    assert re.search(r"^Author:\s+Holbrook Primary School$", info, re.M)
    assert re.search(r"^Subject:\s+Attestation record 4711: Zoë Łukasiewicz$", info, re.M)
    assert re.search(r"^Creator:\s+Holbrook Staff Handbook 0.1.0$", info, re.M)
    assert re.search(r"^CreationDate:\s+Tue Nov 24 14:05:07 2026 UTC$", info, re.M)


def test_the_record_can_be_read_back_from_the_file():
    content = attestation(full_name="Γιώργος Παπαδόπουλος")
    metadata = read_attestation_metadata(render_attestation(content))
    assert metadata == attestation_metadata(content)
    assert metadata["record_id"] == 4711 and metadata["staff_id"] == 17
    assert metadata["full_name"] == "Γιώργος Παπαδόπουλος"
    assert metadata["policy_sha256"] == POLICY_SHA256
    # Written as the store writes its times, so that the verifier can compare them as text.
    assert metadata["acknowledged_at"] == "2026-11-24T14:05:07.250000+00:00"
    assert metadata["method"] == "drawn"


def test_the_record_survives_an_incremental_update_such_as_signing():
    from pyhanko.pdf_utils.generic import NameObject, TextStringObject
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    original = render_attestation(attestation())
    writer = IncrementalPdfFileWriter(io.BytesIO(original))
    writer.root[NameObject("/Lang")] = TextStringObject("en-GB")
    writer.update_root()
    output = io.BytesIO()
    writer.write(output)
    updated = output.getvalue()
    assert updated.startswith(original) and len(updated) > len(original)
    assert read_attestation_metadata(updated) == attestation_metadata(attestation())


def test_a_file_without_a_record_reads_as_none():
    from reportlab.pdfgen.canvas import Canvas

    buffer = io.BytesIO()
    canvas = Canvas(buffer)
    canvas.drawString(72, 720, "A letter to parents")
    canvas.save()
    assert read_attestation_metadata(buffer.getvalue()) is None
    assert read_attestation_metadata(b"not a pdf at all") is None
    assert read_attestation_metadata(b"") is None


# Words and refusals ----------------------------------------------------------------------------

def test_dates_are_written_out_in_english_and_times_in_utc():
    assert long_date(date(2024, 9, 1)) == "1 September 2024"
    half_past_two_in_warsaw = datetime(2026, 11, 24, 15, 5, tzinfo=timezone(timedelta(hours=1)))
    assert acknowledged_words(half_past_two_in_warsaw) == "24 November 2026 at 14:05 UTC"
    assert short_fingerprint(FINGERPRINT) == "ab12 cd34 ef56 7890"


def test_a_time_without_a_zone_or_an_unknown_method_is_refused():
    with pytest.raises(ValueError, match="timezone-aware"):
        render_attestation(attestation(acknowledged_at=datetime(2026, 11, 24, 14, 5)))
    with pytest.raises(ValueError, match="unknown attestation method"):
        render_attestation(attestation(method="carrier-pigeon"))


def test_importing_the_module_does_not_load_reportlab_or_pyhanko():
    script = ("import sys, holbrook_desktop.core.attestation.pdf; "
              "print(sorted(m for m in sys.modules if m.startswith(('reportlab', 'pyhanko'))))")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=REPO,
                            timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
