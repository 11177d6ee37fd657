"""Loading content folders: several policies, version identity, and what the real policy reports."""

from pathlib import Path

from holbrook_desktop.core.content.diagnostics import Severity
from holbrook_desktop.core.content.folder import load_content
from tests.conftest import REAL_CONTENT, policy_text

SMALL_BODY = """
## 1 PURPOSE

1.1 Staff must follow this code
at all times.

1.2 See section 2.

## 2 CONDUCT

2.1 Be kind.
"""


def _warnings(loaded) -> list[str]:
    return [f"{d.line}: {d.message}" for d in loaded.diagnostics if d.severity is Severity.WARNING]


def test_real_content_loads_without_errors_and_reports_the_schools_quirks():
    loaded = load_content(REAL_CONTENT)
    assert loaded.ok
    assert [p.id for p in loaded.handbook.policies] == ["social-media"]
    messages = "\n".join(_warnings(loaded))
    assert "section numbering jumps from 5 to 7 (no section 6)" in messages
    assert "heading '1 PRINCIPLES – BE PROFESSIONAL, RESPONSIBLE AND RESPECTFUL' is numbered 1" in messages
    assert "2.2 refers to section 6, which this policy does not contain" in messages
    assert "2.2 refers to Appendix B, which this policy does not contain" in messages
    assert "possible slip 'the the'" in messages


def test_front_matter_is_read():
    meta = load_content(REAL_CONTENT).handbook.policy("social-media").meta
    assert (meta.title, meta.school, meta.version, meta.owner) == (
        "Social Media Policy", "Holbrook Primary", "2026 edition", "Headteacher",
    )
    assert meta.effective.isoformat() == "2026-09-01"
    assert meta.review.isoformat() == "2027-09-01"


def test_a_handbook_holds_every_policy_in_the_folder(make_content):
    root = make_content({
        "social-media": (REAL_CONTENT / "policies/social-media/policy.md").read_text("utf-8"),
        "code-of-conduct": policy_text(SMALL_BODY, id="code-of-conduct", title="Code of Conduct"),
    })
    loaded = load_content(root)
    assert loaded.ok
    assert sorted(p.id for p in loaded.handbook.policies) == ["code-of-conduct", "social-media"]
    assert loaded.handbook.clause("code-of-conduct/1.1").plain_text == (
        "Staff must follow this code at all times."
    )


def _sha(root: Path, policy_id: str = "sample") -> str:
    return load_content(root).handbook.policy(policy_id).sha256


def test_version_hash_is_stable_and_ignores_wrapping_and_line_endings(make_content):
    original = make_content({"sample": policy_text(SMALL_BODY)}, name="a")
    rewrapped = SMALL_BODY.replace("this code\nat all times", "this code at   all\ntimes")
    crlf = make_content({"sample": policy_text(rewrapped).replace("\n", "\r\n").encode()}, name="b")
    assert _sha(original) == _sha(original)
    assert len(_sha(original)) == 64
    assert _sha(original) == _sha(crlf)


def test_version_hash_changes_with_the_words_but_not_the_label(make_content):
    original = make_content({"sample": policy_text(SMALL_BODY)}, name="a")
    reworded = make_content({"sample": policy_text(SMALL_BODY.replace("kind", "fair"))}, name="b")
    relabelled = make_content(
        {"sample": policy_text(SMALL_BODY).replace("test edition", "2027 edition")}, name="c"
    )
    assert _sha(original) != _sha(reworded)
    assert _sha(original) == _sha(relabelled)


def test_real_policy_hash_is_pinned():
    # Pinned so that an accidental edit of the school's text is noticed: records point at it.
    policy = load_content(REAL_CONTENT).handbook.policy("social-media")
    assert policy.sha256 == "dab8875d4a9aefb8d4b20545984caee39d0558285bff4bbec7032850cd425640"


def test_duplicate_policy_ids_are_an_error(make_content):
    root = make_content({
        "one": policy_text(SMALL_BODY, id="same"),
        "two": policy_text(SMALL_BODY, id="same"),
    })
    loaded = load_content(root)
    assert not loaded.ok
    assert any("policy id 'same' is already used" in d.message for d in loaded.diagnostics)
    assert len(loaded.handbook.policies) == 1


def test_missing_policies_folder_is_reported(tmp_path):
    loaded = load_content(tmp_path)
    assert not loaded.ok
    assert "no 'policies' folder" in loaded.diagnostics[0].message
