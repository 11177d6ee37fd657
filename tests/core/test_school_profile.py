"""The school's name and logo (settings, audited; a checked picture in the data folder), where they
are printed, and the reading estimate a member of staff sees first — through the façade and CLI."""

from __future__ import annotations

import json
import stat
import sys
from datetime import date

import pytest
from PIL import Image

from holbrook_desktop.app import App
from holbrook_desktop.cli import main
from holbrook_desktop.core.admin.school_profile import LOGO_FILE, MAX_LOGO_BYTES, SchoolProfileRefused
from holbrook_desktop.core.identity import Actor
from holbrook_desktop.core.paths import resource_path
from holbrook_desktop.core.records import NewStaffMember, Store
from tests.conftest import REAL_CONTENT, policy_text


@pytest.fixture
def store(tmp_path):
    opened = Store.open(tmp_path / "data", Actor("office-pc", "window"))
    yield opened
    opened.close()


@pytest.fixture
def service(store):
    return App(REAL_CONTENT, records=store)


def _picture(path, size=(300, 200), mode="RGB", kind="PNG"):
    Image.new(mode, size, (20, 60, 120) if mode == "RGB" else (20, 60, 120, 200)).save(path, format=kind)
    return path


def _audit(store) -> list[tuple[str, dict]]:
    rows = store.db.execute("SELECT action, details FROM audit_log ORDER BY id").fetchall()
    return [(action, json.loads(details) if details else {}) for action, details in rows]


def test_defaults_are_the_policys_school_and_the_shipped_logo(service):
    profile = service.admin.school_profile()
    assert profile.name == "Holbrook Primary"  # the front matter of the shipped policy
    assert profile.logo_path == resource_path(LOGO_FILE) and not profile.logo_is_custom


def test_the_name_is_stored_tidied_and_audited(service, store):
    assert service.admin.set_school_name("  Holbrook   Church of England Primary ") == \
        "Holbrook Church of England Primary"
    assert service.admin.school_profile().name == "Holbrook Church of England Primary"
    changes = [d for a, d in _audit(store) if a == "school.name-changed"]
    assert changes == [{"key": "school.name", "value": "Holbrook Church of England Primary"}]
    with pytest.raises(SchoolProfileRefused, match="name"):
        service.admin.set_school_name("   ")
    with pytest.raises(SchoolProfileRefused, match="at most"):
        service.admin.set_school_name("x" * 500)
    assert service.admin.school_profile().name == "Holbrook Church of England Primary"


def test_a_logo_is_checked_shrunk_and_saved_privately_in_the_data_folder(service, store, tmp_path):
    chosen = _picture(tmp_path / "crest.jpg", size=(2400, 1600), kind="JPEG")
    profile = service.admin.set_school_logo(chosen)
    assert profile.logo_is_custom and profile.logo_path == store.data_dir / LOGO_FILE
    with Image.open(profile.logo_path) as saved:
        assert saved.format == "PNG" and max(saved.size) == 600 and saved.size[0] > saved.size[1]
    if sys.platform != "win32":
        assert stat.S_IMODE(profile.logo_path.stat().st_mode) == 0o600
    logged = [d for a, d in _audit(store) if a == "school.logo-changed"]
    assert logged and logged[-1]["value"]["file"] == "crest.jpg"
    assert logged[-1]["value"]["width"] == 2400
    service.admin.use_default_school_logo()
    assert not service.admin.school_profile().logo_is_custom and not (store.data_dir / LOGO_FILE).exists()


@pytest.mark.parametrize(("make", "expected"), [
    (lambda p: p.write_text("not a picture", encoding="utf-8"), "not a PNG or JPEG"),
    (lambda p: p.write_bytes(p.with_suffix(".real").read_bytes()[:200]), "damaged"),
    (lambda p: Image.new("RGB", (40, 40)).save(p, format="GIF"), "GIF picture"),
    (lambda p: Image.new("RGB", (8, 8)).save(p, format="PNG"), "8 × 8 pixels"),
    (lambda p: p.write_bytes(b"\0" * (MAX_LOGO_BYTES + 1)), "MB"),
    (lambda p: None, "cannot read"),
])
def test_a_bad_logo_is_refused_naming_the_file_and_nothing_changes(service, store, tmp_path, make, expected):
    _picture(tmp_path / "logo.real", size=(400, 400))
    bad = tmp_path / "logo.png"
    make(bad)
    with pytest.raises(SchoolProfileRefused, match=expected) as refused:
        service.admin.set_school_logo(bad)
    assert str(bad) in str(refused.value)
    assert not service.admin.school_profile().logo_is_custom
    assert "school.logo-changed" not in [a for a, _ in _audit(store)]


def test_the_signing_key_the_report_and_the_attestation_use_the_profile(service, store, tmp_path):
    service.admin.set_school_name("Holbrook Federation")
    service.admin.set_school_logo(_picture(tmp_path / "crest.png", size=(300, 210), mode="RGBA"))
    assert "Holbrook Federation" in service.attestation.create_signing_key().subject
    report = service.hr.status_report_pdf(service.hr.statuses(), today=date(2026, 11, 25))
    assert b"Holbrook Federation" in report and b"/Height 210" in report  # the chosen logo
    ann = service.hr.add_staff(NewStaffMember("Ann Smith", "teacher", date(2026, 9, 1)))
    record = service.attestation.acknowledge_on_behalf(ann.id, "social-media", note="Signed on paper")
    pdf = service.attestation.pdf(record)
    assert b"Holbrook Federation" in pdf and b"/Height 210" in pdf


BODY = """
## 1 FIRST

1.1 {first}

## 2 SECOND

2.1 {second}

2.2 {third}
"""

QUIZ = """[settings]
induction_questions = {wanted}
{questions}"""

QUESTION = """
[[question]]
id = "q{n}"
kind = "true-false"
clauses = ["1.1"]
scenario = "A situation."
prompt = "True or false?"
answer = true
explanation = "Clause 1.1."
{roles}
"""


def _content(make_content, words: int, questions: int, wanted: int, office_only: int = 0):
    per = words // 3
    body = BODY.format(first=" ".join(["word"] * per), second=" ".join(["more"] * per),
                       third=" ".join(["last"] * (words - 2 * per)))
    root = make_content({"sample": policy_text(body)})
    bank = "".join(QUESTION.format(n=n, roles='roles = ["office"]' if n < office_only else "")
                   for n in range(questions))
    (root / "policies" / "sample" / "quiz.toml").write_text(QUIZ.format(wanted=wanted, questions=bank),
                                                              encoding="utf-8")
    return root


def test_the_reading_estimate_comes_from_the_words_and_the_quiz_bank(make_content):
    service = App(_content(make_content, words=1001, questions=4, wanted=15))
    estimate = service.reading.estimate("sample")
    assert (estimate.words, estimate.sections, estimate.quiz_questions) == (1001, 2, 4)
    assert estimate.minutes == 6  # 1001 words at 200 a minute, rounded up
    assert service.reading.estimate() == estimate  # every policy: here, the only one


def test_the_estimate_asks_what_the_induction_quiz_would(make_content):
    service = App(_content(make_content, words=400, questions=6, wanted=3, office_only=4))
    assert service.reading.estimate("sample").minutes == 2
    assert service.reading.estimate("sample").quiz_questions == 2  # only 2 are for everyone
    assert service.reading.estimate("sample", role="office").quiz_questions == 3  # the setting caps it


def test_the_estimate_for_the_shipped_policy(service):
    estimate = service.reading.estimate("social-media")
    policy = service.content.policy("social-media")
    assert estimate.words == sum(s.word_count for s in policy.reading_sections()) > 2000
    assert estimate.minutes == -(-estimate.words // 200)
    assert estimate.quiz_questions == service.quiz.bank("social-media").settings.induction_questions


def test_the_command_line_shows_and_sets_the_profile(tmp_path, capsys):
    data = str(tmp_path / "data")
    assert main(["--data-dir", data, "admin", "school", "set", "--name", "Holbrook Juniors",
                 "--logo", str(_picture(tmp_path / "crest.png"))]) == 0
    capsys.readouterr()
    assert main(["--data-dir", data, "admin", "school", "show", "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown == {"name": "Holbrook Juniors", "logo": str(tmp_path / "data" / LOGO_FILE),
                     "logo_is_custom": True}
    bad = tmp_path / "scan.png"
    bad.write_text("nope", encoding="utf-8")
    assert main(["--data-dir", data, "admin", "school", "set", "--name", "Other", "--logo", str(bad)]) == 2
    assert str(bad) in capsys.readouterr().err
    assert main(["--data-dir", data, "admin", "school", "show", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["name"] == "Holbrook Juniors"  # nothing changed
    assert main(["--data-dir", data, "admin", "school", "set"]) == 2
